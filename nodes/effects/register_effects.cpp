// Registration of the effect node types (delay, echo, reverb, normalize, filterbank).
#include <memory>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/effects/delay.h"
#include "fxgraph/nodes/effects/echo.h"
#include "fxgraph/nodes/effects/note_value.h"
#include "fxgraph/nodes/effects/reverb.h"
#include "fxgraph/nodes/register_nodes.h"

namespace fxgraph {

namespace {
std::shared_ptr<Node> make_delay(const NodeOptions& o) {
  const DelayStrategy strategy = DelayNode::parse_strategy(o.text("strategy", "mono"));
  const bool has_bpm = o.has("bpm");
  const bool has_note = o.has("note");
  if (!has_bpm && !has_note) return std::make_shared<DelayNode>(strategy);
  if (has_bpm != has_note)
    throw ConfigError(
        "delay: a tempo-synced delay needs both 'bpm' and 'note' (e.g. bpm: 120, "
        "note: 1/8d)" +
        (o.where().empty() ? std::string() : " (" + o.where() + ")"));
  if (o.has("time_ms") || o.has("time_samples"))
    throw ConfigError(
        "delay: give either 'note' (with 'bpm') or 'time_ms'/'time_samples', not both");
  const double ms = note_milliseconds(o.text("note", "1/4"), o.number("bpm", 120.0));
  return std::make_shared<DelayNode>(strategy, std::max(DelayNode::kMaxTimeMs, ms), ms);
}
}  // namespace

void register_effect_nodes(NodeRegistry& registry) {
  registry.add({.name = std::string(ReverbNode::kType),
                // "Reverb" is torchfx's single feed-forward echo (nodes/torchfx/reverb.h).
                .aliases = {"Freeverb"},
                .summary = "algorithmic room reverb (Freeverb: 8 combs + 4 all-passes per channel)",
                .options = {},
                .factory = [](const NodeOptions&) { return std::make_shared<ReverbNode>(); }});
  registry.add(
      {.name = std::string(DelayNode::kType),
       // "Delay" is torchfx's finite-tap delay in samples (nodes/torchfx/delay.h).
       .aliases = {},
       .summary = "feedback delay in ms, samples or BPM-synced notes; taps; mono or ping-pong",
       .options = {{"strategy", "mono (per channel) or ping_pong (stereo output)", "mono"},
                   {"bpm", "tempo for a synced delay (with 'note')", ""},
                   {"note", "note value: 1/4, 1/8, 1/8d (dotted), 1/8t (triplet), …", ""}},
       .factory = make_delay,
       .exclusive = {{"time_ms", "time_samples"}}});
  registry.add({.name = std::string(EchoNode::kType),
                .aliases = {"FeedbackEcho"},
                .summary = "feedback echo (recursive comb): delay in samples, decay, mix",
                .options = {},
                .factory = [](const NodeOptions&) { return std::make_shared<EchoNode>(); }});
}

}  // namespace fxgraph
