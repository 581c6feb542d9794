#pragma once
// split: copies its input to N outputs ("0" … "N-1"). Edges may fan out from any
// output already; split makes a fan-out explicit and addressable in YAML.
//
// channel_select: picks channels of its input by index, in the order given
// (e.g. [1, 0] swaps a stereo pair; [0] takes the left channel).

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"

namespace fxgraph {

class SplitNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "split";

  explicit SplitNode(std::uint32_t outputs = 2);

 protected:
  void do_process(const ProcessContext& ctx) noexcept override;
};

class ChannelSelectNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "channel_select";

  explicit ChannelSelectNode(std::vector<std::uint32_t> channels);

  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;

 protected:
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  std::vector<std::uint32_t> select_;
};

}  // namespace fxgraph
