// Registration of the dynamics node types (compressor, expander, gate, limiter) and
// the small channel utilities (pan, stereo_width, dc_block, polarity, mute). No
// aliases: capitalised names are kept for torchfx classes (test_torchfx_aliases.cpp),
// and these are not torchfx's.
#include <memory>

#include "fxgraph/nodes/dynamics/compressor.h"
#include "fxgraph/nodes/dynamics/expander.h"
#include "fxgraph/nodes/dynamics/gate.h"
#include "fxgraph/nodes/dynamics/limiter.h"
#include "fxgraph/nodes/register_nodes.h"
#include "fxgraph/nodes/utility/dc_block.h"
#include "fxgraph/nodes/utility/mute.h"
#include "fxgraph/nodes/utility/pan.h"
#include "fxgraph/nodes/utility/polarity.h"
#include "fxgraph/nodes/utility/stereo_width.h"

namespace fxgraph {

namespace {
KeyInput key_option(const NodeOptions& o) {
  return o.integer("sidechain", 0, 0, 1) != 0 ? KeyInput::sidechain : KeyInput::own_input;
}
const OptionSpec kSidechainOption{
    "sidechain", "true: add an input port 'sidechain' that drives the gain instead of 'in'",
    "false"};
}  // namespace

void register_dynamics_nodes(NodeRegistry& r) {
  r.add({.name = std::string(CompressorNode::kType),
         .aliases = {},
         .summary = "feed-forward compressor: soft knee, peak/RMS, linked, optional sidechain",
         .options = {kSidechainOption},
         .factory = [](const NodeOptions& o) {
           return std::make_shared<CompressorNode>(key_option(o));
         }});
  r.add({.name = std::string(ExpanderNode::kType),
         .aliases = {},
         .summary = "downward expander: below the threshold, ratio dB down per dB, within a range",
         .options = {kSidechainOption},
         .factory = [](const NodeOptions& o) {
           return std::make_shared<ExpanderNode>(key_option(o));
         }});
  r.add({.name = std::string(GateNode::kType),
         .aliases = {},
         .summary = "noise gate: threshold with hysteresis, attack/hold/release, range",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<GateNode>(); }});
  r.add({.name = std::string(LimiterNode::kType),
         .aliases = {},
         .summary = "lookahead limiter: never above the ceiling (sample or true peak)",
         .options = {{"lookahead_ms", "lookahead and latency (ms, up to 100)", "5"},
                     {"true_peak", "true: keep the 4x oversampled (true) peak below the ceiling",
                      "false"}},
         .factory = [](const NodeOptions& o) {
           const double lookahead = o.number("lookahead_ms", LimiterNode::kDefaultLookaheadMs);
           const PeakMode mode =
               o.integer("true_peak", 0, 0, 1) != 0 ? PeakMode::true_peak : PeakMode::sample;
           return std::make_shared<LimiterNode>(lookahead, mode);
         }});
  r.add({.name = std::string(PanNode::kType),
         .aliases = {},
         .summary = "constant-power pan (mono to stereo) or balance (stereo pairs)",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<PanNode>(); }});
  r.add({.name = std::string(StereoWidthNode::kType),
         .aliases = {},
         .summary = "mid/side width of stereo pairs: 0 mono, 1 unchanged, 2 wider",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<StereoWidthNode>(); }});
  r.add({.name = std::string(DcBlockNode::kType),
         .aliases = {},
         .summary = "DC offset removal (one-pole high-pass, 10 Hz by default)",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<DcBlockNode>(); }});
  r.add({.name = std::string(PolarityNode::kType),
         .aliases = {},
         .summary = "polarity inversion (x -> -x), click-free when toggled",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<PolarityNode>(); }});
  r.add({.name = std::string(MuteNode::kType),
         .aliases = {},
         .summary = "silence, faded over 10 ms when toggled",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<MuteNode>(); }});
}

}  // namespace fxgraph
