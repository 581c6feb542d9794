#pragma once
// memory_in / memory_out: where an embedding program or a test pushes buffers into a
// graph and pulls them out, for graphs with several entry points (a single one is
// simpler through Graph::set_input/set_output and Engine::process(in, out)).

#include <cstdint>
#include <string_view>

#include "fxgraph/engine/node.h"

namespace fxgraph {

/// Plays whatever view was last given to feed(); silence when none.
class MemorySourceNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "memory_in";

  explicit MemorySourceNode(std::uint32_t channels = 2);
  /// Sets the buffer the next blocks read (frames beyond its length are silent).
  /// Audio thread (or the thread that calls Engine::process).
  void feed(const ConstAudioView& view) noexcept { source_ = view; }

 protected:
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  ConstAudioView source_{};
};

/// Keeps the last block it received; optionally also copies it to a destination.
class MemorySinkNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "memory_out";

  MemorySinkNode();
  /// The last block received (valid until the next block). Audio thread.
  AudioView last_block() const noexcept { return last_; }
  /// Copies each block into `view` as well (frames up to its length). Audio thread.
  void set_destination(const AudioView& view) noexcept { destination_ = view; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  AudioBuffer buffer_;
  AudioView last_{};
  AudioView destination_{};
};

}  // namespace fxgraph
