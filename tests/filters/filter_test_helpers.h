#pragma once
// Shared helpers of the filter node tests: build a node through the registry, run it
// in an Engine, and map the scipy fixture cases of tests/dsp to node types and options.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "dsp/fixtures.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/nodes/register_nodes.h"

namespace fxgraph::test::filters {

inline NodeRegistry filter_registry() {
  NodeRegistry r;
  register_filter_nodes(r);
  return r;
}

/// Runs `input` through an engine holding only `node`, in blocks of `block` frames.
inline AudioBuffer run_engine(std::shared_ptr<Node> node, double fs, AudioBuffer input,
                              std::uint32_t block) {
  const std::uint32_t channels = input.num_channels();
  const std::uint32_t frames = input.capacity_frames();
  Engine engine(Graph::chain({std::move(node)}),
                {.sample_rate = fs, .max_block = block, .input_channels = channels});
  AudioBuffer output(channels, frames);
  dsp::SubView in_view, out_view;
  for (std::uint32_t start = 0; start < frames; start += block) {
    const std::uint32_t n = std::min(block, frames - start);
    engine.process(in_view.view(input, start, n), out_view.view(output, start, n));
  }
  return output;
}

/// Runs `node` through an Engine over the fixture input of case `c` (its channels and
/// rate, blocks of `block`) and checks the result against the case's SciPy output to
/// 1e-5 relative RMS, the tolerance every filter fixture is held to.
inline void check_matches_fixture(std::shared_ptr<Node> node, const dsp::FixtureCase& c,
                                  std::uint32_t block) {
  const auto channels = std::uint32_t(c.integer("channels"));
  const AudioBuffer want = dsp::read_f32(c.text("file"));
  const AudioBuffer got =
      run_engine(std::move(node), c.number("fs"), dsp::fixture_input(channels), block);
  CHECK(dsp::relative_rms_error(got, want) < 1e-5);
}

}  // namespace fxgraph::test::filters
