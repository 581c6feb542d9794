#pragma once
// LiveCapability: a node that may be unable to run in a live stream.
//
// Some nodes can run offline but not under a realtime deadline: a hosted plugin whose
// author does not promise realtime safety (LV2's hardRTCapable, LADSPA's
// HARD_RT_CAPABLE). Such a node also derives from this interface; RealtimeProcessor asks
// it before it starts and refuses the graph with the node's reason. Offline renders
// ignore it.

#include <string>

namespace fxgraph {

class LiveCapability {
 public:
  virtual ~LiveCapability() = default;
  /// Why the node cannot run live, or empty when it can. Control thread.
  virtual std::string live_refusal() const = 0;
};

}  // namespace fxgraph
