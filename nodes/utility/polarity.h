#pragma once
// polarity: inverts every channel (x → -x) while `invert` is on; switching ramps
// through zero over 10 ms instead of jumping.

#include <string_view>

#include "fxgraph/nodes/utility/toggled_gain_node.h"

namespace fxgraph {

class PolarityNode : public ToggledGainNode {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "polarity";

  PolarityNode()
      : ToggledGainNode(std::string(kType), "invert", "invert the polarity (x → -x)", -1.0f, 1.0f,
                        true) {}
};

}  // namespace fxgraph
