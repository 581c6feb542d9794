// The node types of nodes/, registered in one place so `fxgraph nodes` lists them all.
#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/effects/filterbank.h"
#include "fxgraph/nodes/effects/gain.h"
#include "fxgraph/nodes/effects/loudness.h"
#include "fxgraph/nodes/effects/loudness_normalize.h"
#include "fxgraph/nodes/effects/normalize.h"
#include "fxgraph/nodes/generators/noise.h"
#include "fxgraph/nodes/generators/sine.h"
#include "fxgraph/nodes/register_nodes.h"
#include "fxgraph/nodes/routing/downmix.h"
#include "fxgraph/nodes/routing/mix.h"
#include "fxgraph/nodes/routing/split.h"

namespace fxgraph {

namespace {
std::uint32_t channels_option(const NodeOptions& o, long fallback = 1) {
  return std::uint32_t(o.integer("channels", fallback, 1, 64));
}
}  // namespace

void register_dsp_nodes(NodeRegistry& r) {
  register_filter_nodes(r);
  register_effect_nodes(r);
  register_torchfx_nodes(r);
  r.add({.name = std::string(GainNode::kType),
         .aliases = {},
         .summary = "multiply by a ramped gain (linear or dB), optionally clamped",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<GainNode>(); },
         .exclusive = {{"gain", "gain_db"}}});
  r.add({.name = std::string(NormalizeNode::kType),
         .aliases = {},
         .summary = "scale to a target peak/RMS/percentile, exactly (two passes; files only)",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<NormalizeNode>(); }});
  r.add({.name = std::string(LoudnessNode::kType),
         .aliases = {"LoudnessMeter"},
         .summary = "EBU R128 meter (libebur128): momentary, short-term, integrated, range, "
                    "true peak",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<LoudnessNode>(); }});
  r.add({.name = std::string(LoudnessNormalizeNode::kType),
         .aliases = {"LoudnessNormalize"},
         .summary = "bring to a target integrated loudness under a true-peak limit (two "
                    "passes; files only)",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<LoudnessNormalizeNode>(); }});
  r.add({.name = std::string(FilterbankNode::kType),
         .aliases = {},
         .summary = "log-spaced band-pass bank; one output channel group per band",
         .options = {{"bands", "number of bands", "8"},
                     {"min_hz", "centre of the lowest band (Hz)", "60"},
                     {"max_hz", "centre of the highest band (Hz)", "12000"}},
         .factory = [](const NodeOptions& o) {
           FilterbankOptions options;
           options.bands = std::uint32_t(o.integer("bands", 8, 1, 64));
           options.min_hz = o.number("min_hz", 60.0);
           options.max_hz = o.number("max_hz", 12000.0);
           return std::make_shared<FilterbankNode>(options);
         }});
  r.add({.name = std::string(SineNode::kType),
         .aliases = {"SineWave"},
         .summary = "sine tone generator",
         .options = {{"channels", "output channels (copies of the tone)", "1"}},
         .factory = [](const NodeOptions& o) {
           return std::make_shared<SineNode>(channels_option(o));
         }});
  r.add({.name = std::string(NoiseNode::kType),
         .aliases = {"WhiteNoise"},
         .summary = "seeded white noise (reproducible for a seed)",
         .options = {{"channels", "output channels (independent noise)", "1"},
                     {"seed", "generator seed", "0"},
                     {"burst_ms", "sound this long (ms), then stay silent; 0: endless", "0"}},
         .factory = [](const NodeOptions& o) {
           return std::make_shared<NoiseNode>(channels_option(o),
                                              std::uint64_t(o.integer("seed", 0, 0, 1L << 62)),
                                              o.number("burst_ms", 0.0));
         }});
  r.add({.name = std::string(MixNode::kType),
         .aliases = {"Sum"},
         .summary = "sum N inputs with per-input ramped gains",
         .options = {{"inputs", "number of inputs (ports 0 … N-1)", "2"}},
         .factory = [](const NodeOptions& o) {
           return std::make_shared<MixNode>(std::uint32_t(o.integer("inputs", 2, 1, 64)));
         }});
  r.add({.name = std::string(SplitNode::kType),
         .aliases = {},
         .summary = "copy the input to N outputs (ports 0 … N-1)",
         .options = {{"outputs", "number of outputs", "2"}},
         .factory = [](const NodeOptions& o) {
           return std::make_shared<SplitNode>(std::uint32_t(o.integer("outputs", 2, 1, 64)));
         }});
  r.add({.name = std::string(DownmixNode::kType),
         .aliases = {"Downmix"},
         .summary = "convert channel counts: ITU 5.1 -> stereo, any -> mono, mono -> any",
         .options = {{"channels", "output channels", "2"}},
         .factory = [](const NodeOptions& o) {
           return std::make_shared<DownmixNode>(channels_option(o, 2));
         }});
  r.add({.name = std::string(ChannelSelectNode::kType),
         .aliases = {},
         .summary = "pick input channels by index, e.g. [1, 0] swaps left and right",
         .options = {{"select", "list of input channel indices (from 0)", "[0]"}},
         .factory = [](const NodeOptions& o) {
           std::vector<std::uint32_t> select;
           for (double v : o.has("select") ? o.numbers("select") : std::vector<double>{0.0}) {
             if (v < 0 || v != double(std::uint32_t(v)) || v > 63)
               throw ConfigError("channel_select: 'select' holds channel indices 0 … 63");
             select.push_back(std::uint32_t(v));
           }
           return std::make_shared<ChannelSelectNode>(std::move(select));
         }});
}

}  // namespace fxgraph
