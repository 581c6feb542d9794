#pragma once
// Bypass: every node of a graph can be switched out of the signal path at run time
// (`set drive.bypass 1`) without its type doing anything.
//
// Aims
//   Graph::add gives each node a toggle parameter named `bypass` (Node::enable_bypass),
//   so it is listed, validated and set like any other parameter (set_parameter, YAML,
//   --params, presets, OSC, MIDI). Node::process runs the node, then a BypassMixer
//   replaces or blends its output with its dry input.
//
// Promises
//   - Click-free: switching crossfades over kBypassFadeSeconds with equal-gain (linear,
//     wet + dry = 1) weights; the input and the node's output are correlated, so the
//     weights keep the level instead of dipping or bulging. Once the fade is over the
//     output is the dry signal exactly (bit for bit).
//   - Latency-aware: the dry signal is delayed by the node's latency (as reported when it
//     was prepared), so the fade does not comb and a bypassed node stays aligned with the
//     paths around it. A bypassed node still reports its latency: the compiler's
//     compensation elsewhere stays put and toggling never re-plans.
//   - Channels: output port o takes input port o (port 0 when the node has fewer inputs),
//     mapped as the engine maps a result to a destination: same channel, a mono input
//     on every channel, silence for channels the input lacks. A node without inputs (a
//     source) bypassed is silent.
//   - The node keeps running while bypassed (its state, meters and tail stay live), so
//     coming back is as seamless as leaving. Bypass mutes an effect; it saves no CPU.
//   - Realtime: process, set_engaged and reset never allocate, lock or throw; prepare
//     allocates the delay lines.
//
// Does not
//   - synthesize anything for a node that declares its own `bypass` parameter (a hosted
//     plugin's control port): that parameter keeps its own meaning.
//   - follow a latency that changes after prepare (a plugin reporting a new one): the
//     dry delay keeps the prepared latency.

#include <cstdint>
#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"

namespace fxgraph {

/// The name of the parameter Node::enable_bypass adds.
inline constexpr std::string_view kBypassParameter = "bypass";
/// How long switching bypass on or off crossfades.
inline constexpr double kBypassFadeSeconds = 0.010;

/// The parameter table row of the synthesized bypass toggle.
ParameterSpec bypass_parameter_spec();

/// Blends a node's output with its (delayed, channel-mapped) input. One per node.
class BypassMixer {
 public:
  /// Sizes the delay lines for the node's resolved ports and `latency`; `engaged` is
  /// where it starts (no fade). Control thread; allocates.
  void prepare(const PrepareInfo& info, std::uint64_t latency, bool engaged);

  /// Starts a fade towards bypassed (true) or processed. Audio thread.
  void set_engaged(bool engaged) noexcept { engaged_ = engaged; }
  bool engaged() const noexcept { return engaged_; }
  /// Whether process() must see every block: it blends, or it keeps a dry delay line
  /// fed. False for a node playing normally without latency. Audio thread.
  bool needs_process() const noexcept { return engaged_ || fade_ != 0 || latency_ != 0; }

  /// After the node's own process: feeds the delay lines and blends (ctx's inputs are
  /// the dry signal, its outputs hold the node's output and receive the result). Audio
  /// thread.
  void process(const ProcessContext& ctx) noexcept;
  /// Clears the delay lines and ends any fade at its target. Audio thread.
  void reset() noexcept;

 private:
  /// One output channel's dry source and its delay line.
  struct Lane {
    std::uint32_t input_port = 0;
    std::uint32_t input_channel = 0;
    bool silent = true;    ///< no input feeds it
    std::size_t ring = 0;  ///< offset of its delay line in ring_
  };

  std::uint32_t fade_frames_ = 1;
  std::uint32_t fade_ = 0;  ///< 0: all wet … fade_frames_: all dry
  bool engaged_ = false;
  std::uint32_t latency_ = 0;
  std::uint32_t write_ = 0;               ///< delay-line position of the next frame in
  std::vector<std::vector<Lane>> lanes_;  ///< per output port, per channel
  std::vector<float> ring_;               ///< latency_ frames per lane
};

}  // namespace fxgraph
