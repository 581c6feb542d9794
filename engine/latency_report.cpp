#include "fxgraph/engine/latency_report.h"

#include <cstdio>

namespace fxgraph {

namespace {
std::string frames_and_ms(std::uint64_t frames, double sample_rate) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f", 1000.0 * double(frames) / sample_rate);
  return std::to_string(frames) + " frames (" + ms + " ms)";
}
}  // namespace

std::string LatencyReport::describe(double sample_rate) const {
  std::string text;
  for (const auto& n : nodes)
    if (n.frames != 0)
      text += "latency: " + n.node + " " + frames_and_ms(n.frames, sample_rate) + "\n";
  for (const auto& d : delays)
    text += "compensating delay: " + d.edge + " " + frames_and_ms(d.frames, sample_rate) + "\n";
  text += "total latency: " + frames_and_ms(total, sample_rate) + "\n";
  return text;
}

}  // namespace fxgraph
