#pragma once
// mute: silences every channel while `muted` is on; switching fades over 10 ms
// instead of clicking. Off, the signal passes unchanged.

#include <string_view>

#include "fxgraph/nodes/utility/toggled_gain_node.h"

namespace fxgraph {

class MuteNode : public ToggledGainNode {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "mute";

  MuteNode()
      : ToggledGainNode(std::string(kType), "muted", "silence the output", 0.0f, 1.0f, true) {}
};

}  // namespace fxgraph
