#pragma once
// Helpers for the plugin-hosting tests: build an lv2/ladspa node through the catalog
// (as YAML does), and run audio through it in blocks of a given size.

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/graphs/catalog.h"

namespace fxgraph::test {

inline const std::string kEgAmp = "http://lv2plug.in/plugins/eg-amp";
inline const std::string kNoDelay = "http://gareus.org/oss/lv2/nodelay";

/// A plugin node as the YAML loader would build it.
inline std::shared_ptr<Node> make_plugin(const std::string& type,
                                         std::map<std::string, OptionValue> settings) {
  return builtin_registry().create(type, NodeOptions(std::move(settings)));
}

/// `channels` channels of uniform noise in [-1, 1), reproducible from `seed`.
inline AudioBuffer noise(std::uint32_t channels, std::uint32_t frames, unsigned seed = 1) {
  AudioBuffer buffer(channels, frames);
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) buffer.channel(c)[i] = uniform(random);
  return buffer;
}

/// Runs `in` through an engine holding `graph`, `block` frames per process() call.
inline AudioBuffer render(Engine& engine, const AudioBuffer& in, std::uint32_t block) {
  const std::uint32_t frames = in.capacity_frames();
  AudioBuffer out(engine.output_channels(), frames);
  std::vector<const float*> in_ptrs(in.num_channels());
  std::vector<float*> out_ptrs(out.num_channels());
  for (std::uint32_t start = 0; start < frames; start += block) {
    const std::uint32_t n = std::min(block, frames - start);
    for (std::uint32_t c = 0; c < in.num_channels(); ++c) in_ptrs[c] = in.channel(c) + start;
    for (std::uint32_t c = 0; c < out.num_channels(); ++c) out_ptrs[c] = out.channel(c) + start;
    engine.process(ConstAudioView{in_ptrs.data(), in.num_channels(), n},
                   AudioView{out_ptrs.data(), out.num_channels(), n});
  }
  return out;
}

/// A one-node chain over `in`, processed in blocks of `block` frames.
inline AudioBuffer render(const std::shared_ptr<Node>& node, const AudioBuffer& in,
                          std::uint32_t block) {
  Engine engine(Graph::chain({node}), {.max_block = block, .input_channels = in.num_channels()});
  return render(engine, in, block);
}

}  // namespace fxgraph::test
