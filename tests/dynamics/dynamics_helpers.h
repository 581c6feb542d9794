#pragma once
// Helpers for the dynamics tests: nodes from the catalog, one node run over a signal,
// test signals (sines, steps, squares), and levels in dB.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"

namespace fxgraph::test::dyn {

constexpr double kRate = 48000.0;

inline std::shared_ptr<Node> make(const std::string& type,
                                  std::map<std::string, OptionValue> settings = {}) {
  return builtin_registry().create(type, NodeOptions(std::move(settings)));
}

/// Runs `node` alone over `input` at 48 kHz in blocks of `block` frames.
inline AudioBuffer run(std::shared_ptr<Node> node, const AudioBuffer& input,
                       std::uint32_t block = 256) {
  Engine engine(Graph::chain({std::move(node)}),
                {.sample_rate = kRate, .max_block = block, .input_channels = input.num_channels()});
  const std::uint32_t frames = input.capacity_frames();
  AudioBuffer out(engine.output_channels(), frames);
  std::vector<const float*> in_ptrs(input.num_channels());
  std::vector<float*> out_ptrs(out.num_channels());
  for (std::uint32_t done = 0; done < frames; done += block) {
    const std::uint32_t n = std::min(block, frames - done);
    for (std::uint32_t c = 0; c < input.num_channels(); ++c) in_ptrs[c] = input.channel(c) + done;
    for (std::uint32_t c = 0; c < out.num_channels(); ++c) out_ptrs[c] = out.channel(c) + done;
    engine.process(ConstAudioView{in_ptrs.data(), input.num_channels(), n},
                   AudioView{out_ptrs.data(), out.num_channels(), n});
  }
  return out;
}

/// `frames` of a sine of amplitude `amplitude` on every channel, starting at `phase`.
inline AudioBuffer sine(std::uint32_t channels, std::uint32_t frames, double amplitude,
                        double hz = 1000.0, double phase = 0.0) {
  AudioBuffer b(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      b.channel(c)[i] =
          float(amplitude * std::sin(2.0 * std::numbers::pi * hz * i / kRate + phase));
  return b;
}

/// A constant (DC) signal whose level is `before` until frame `at`, then `after`.
inline AudioBuffer step(std::uint32_t frames, std::uint32_t at, float before, float after) {
  AudioBuffer b(1, frames);
  for (std::uint32_t i = 0; i < frames; ++i) b.channel(0)[i] = i < at ? before : after;
  return b;
}

inline double db(double amplitude) {
  return 20.0 * std::log10(amplitude);
}

/// Largest |x| of channel `c` over frames [from, to).
inline double peak(const AudioBuffer& b, std::uint32_t from, std::uint32_t to,
                   std::uint32_t c = 0) {
  double p = 0.0;
  for (std::uint32_t i = from; i < to; ++i) p = std::max(p, double(std::fabs(b.channel(c)[i])));
  return p;
}

/// Root mean square of channel `c` over frames [from, to).
inline double rms(const AudioBuffer& b, std::uint32_t from, std::uint32_t to, std::uint32_t c = 0) {
  double sum = 0.0;
  for (std::uint32_t i = from; i < to; ++i) sum += double(b.channel(c)[i]) * b.channel(c)[i];
  return std::sqrt(sum / double(to - from));
}

}  // namespace fxgraph::test::dyn
