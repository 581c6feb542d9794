#include "fxgraph/nodes/effects/loudness.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

namespace fxgraph {
namespace {
constexpr double kSilence = -std::numeric_limits<double>::infinity();
}  // namespace

LoudnessNode::LoudnessNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_meter({.name = "momentary",
             .unit = "LUFS",
             .initial_value = kSilence,
             .description = "loudness over the last 400 ms"});
  add_meter({.name = "short_term",
             .unit = "LUFS",
             .initial_value = kSilence,
             .description = "loudness over the last 3 s"});
  add_meter({.name = "integrated",
             .unit = "LUFS",
             .initial_value = kSilence,
             .description = "gated loudness since the start (EBU R128)"});
  add_meter({.name = "range",
             .unit = "LU",
             .initial_value = 0.0,
             .description = "loudness range (EBU Tech 3342)"});
  add_meter({.name = "true_peak",
             .unit = "dBTP",
             .initial_value = kSilence,
             .description = "highest true peak since the start, all channels"});
}

void LoudnessNode::on_prepare(const PrepareInfo& info) {
  const std::uint32_t channels = info.input_channels.empty() ? 1 : info.input_channels[0];
  meter_.prepare(std::max(1u, channels), info.sample_rate, std::max(1u, info.max_block));
}

void LoudnessNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  for (std::uint32_t c = 0; c < out.num_channels && c < in.num_channels; ++c)
    std::memcpy(out.channels[c], in.channels[c], ctx.frames * sizeof(float));
  meter_.add(in, ctx.frames);
  publish();
}

void LoudnessNode::on_reset() noexcept {
  meter_.reset();
  publish();
}

void LoudnessNode::publish() noexcept {
  const dsp::LoudnessReading r = meter_.read();
  publish_meter(kMomentary, r.momentary);
  publish_meter(kShortTerm, r.short_term);
  publish_meter(kIntegrated, r.integrated);
  publish_meter(kRange, r.range);
  publish_meter(kTruePeak, r.true_peak_db);
}

}  // namespace fxgraph
