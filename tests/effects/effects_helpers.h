#pragma once
// Helpers for the effect tests: nodes built through the registry, an engine run over a
// whole signal in blocks of chosen sizes, seeded noise and impulses.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/nodes/register_nodes.h"

namespace fxgraph::test {

inline std::shared_ptr<Node> make_effect(const std::string& type,
                                         std::map<std::string, OptionValue> options = {}) {
  NodeRegistry registry;
  register_effect_nodes(registry);
  return registry.create(type, NodeOptions(std::move(options)));
}

/// Seeded full-scale white noise, `channels` independent channels.
inline AudioBuffer noise(std::uint32_t channels, std::uint32_t frames, unsigned seed = 1,
                         float level = 1.0f) {
  AudioBuffer b(channels, frames);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-level, level);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) b.channel(c)[i] = dist(rng);
  return b;
}

/// A unit impulse at frame 0 on every channel.
inline AudioBuffer impulse(std::uint32_t channels, std::uint32_t frames) {
  AudioBuffer b(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c) b.channel(c)[0] = 1.0f;
  return b;
}

constexpr std::uint32_t kMaxBlock = 4096;

/// Runs `node` alone through an Engine at 48 kHz over `input`, in blocks whose sizes
/// `next_block` chooses (clipped to what is left). `before_block(engine, block)` runs on
/// the control side before each block.
inline AudioBuffer render(std::shared_ptr<Node> node, const AudioBuffer& input,
                          const std::function<std::uint32_t()>& next_block,
                          const std::function<void(Engine&, int)>& before_block = {}) {
  Engine engine(
      Graph::chain({node}),
      {.sample_rate = 48000, .max_block = kMaxBlock, .input_channels = input.num_channels()});
  const std::uint32_t frames = input.capacity_frames();
  const std::uint32_t out_channels = engine.output_channels();
  AudioBuffer out(out_channels, frames);
  AudioBuffer block_in(input.num_channels(), kMaxBlock);
  AudioBuffer block_out(out_channels, kMaxBlock);
  std::uint32_t done = 0;
  int block = 0;
  while (done < frames) {
    const std::uint32_t n = std::min({next_block(), frames - done, kMaxBlock});
    for (std::uint32_t c = 0; c < input.num_channels(); ++c)
      std::copy_n(input.channel(c) + done, n, block_in.channel(c));
    if (before_block) before_block(engine, block);
    engine.process(block_in.view(n), block_out.view(n));
    for (std::uint32_t c = 0; c < out_channels; ++c)
      std::copy_n(block_out.channel(c), n, out.channel(c) + done);
    done += n;
    ++block;
  }
  return out;
}

inline AudioBuffer render_whole(std::shared_ptr<Node> node, const AudioBuffer& input) {
  return render(std::move(node), input, [] { return kMaxBlock; });
}

/// Random block sizes in [1, 4096], seeded.
inline std::function<std::uint32_t()> random_blocks(unsigned seed) {
  auto rng = std::make_shared<std::mt19937>(seed);
  return [rng] { return std::uniform_int_distribution<std::uint32_t>(1, kMaxBlock)(*rng); };
}

inline double energy(const AudioBuffer& b, std::uint32_t from, std::uint32_t to) {
  double sum = 0.0;
  for (std::uint32_t c = 0; c < b.num_channels(); ++c)
    for (std::uint32_t i = from; i < to; ++i) sum += double(b.channel(c)[i]) * b.channel(c)[i];
  return sum;
}

inline bool identical(const AudioBuffer& a, const AudioBuffer& b) {
  if (a.num_channels() != b.num_channels() || a.capacity_frames() != b.capacity_frames())
    return false;
  for (std::uint32_t c = 0; c < a.num_channels(); ++c)
    if (!std::equal(a.channel(c), a.channel(c) + a.capacity_frames(), b.channel(c))) return false;
  return true;
}

}  // namespace fxgraph::test
