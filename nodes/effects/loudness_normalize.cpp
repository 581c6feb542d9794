#include "fxgraph/nodes/effects/loudness_normalize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

namespace fxgraph {

LoudnessNormalizeNode::LoudnessNormalizeNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "target",
                 .unit = "LUFS",
                 .min = -70.0,
                 .max = 0.0,
                 .default_value = -16.0,
                 .description = "integrated loudness of the output (EBU R128)"});
  add_parameter({.name = "true_peak",
                 .unit = "dBTP",
                 .min = -30.0,
                 .max = 0.0,
                 .default_value = -1.0,
                 .description = "the output's true peak stays at or below this"});
  const double silence = -std::numeric_limits<double>::infinity();
  add_meter({.name = "input_integrated",
             .unit = "LUFS",
             .initial_value = silence,
             .description = "integrated loudness measured in the first pass"});
  add_meter({.name = "input_true_peak",
             .unit = "dBTP",
             .initial_value = silence,
             .description = "true peak measured in the first pass"});
  add_meter({.name = "gain_db",
             .unit = "dB",
             .initial_value = 0.0,
             .description = "the gain applied in the second pass"});
}

void LoudnessNormalizeNode::on_prepare(const PrepareInfo& info) {
  const std::uint32_t channels = info.input_channels.empty() ? 1 : info.input_channels[0];
  meter_.prepare(std::max(1u, channels), info.sample_rate, std::max(1u, info.max_block));
}

void LoudnessNormalizeNode::set_pass(Pass pass) {
  pass_ = pass;
  if (pass == Pass::measure) meter_.restart();  // control thread: a fresh measurement
}

void LoudnessNormalizeNode::finish_measurement() {
  const double integrated = meter_.integrated();
  const double peak = meter_.true_peak_db();
  double gain = std::isfinite(integrated) ? value(kTarget) - integrated : 0.0;
  if (std::isfinite(peak) && peak + gain > value(kTruePeak)) gain = value(kTruePeak) - peak;
  gain_db_ = gain;
  publish_meter(kInputIntegrated, integrated);
  publish_meter(kInputTruePeak, peak);
  publish_meter(kGainDb, gain);
}

void LoudnessNormalizeNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const auto gain = float(std::pow(10.0, gain_db_ / 20.0));
  for (std::uint32_t c = 0; c < out.num_channels && c < in.num_channels; ++c) {
    const float* x = in.channels[c];
    float* y = out.channels[c];
    if (pass_ == Pass::apply)
      for (std::uint32_t i = 0; i < ctx.frames; ++i) y[i] = x[i] * gain;
    else
      std::memcpy(y, x, ctx.frames * sizeof(float));
  }
  if (pass_ == Pass::measure) meter_.add(in, ctx.frames);
}

}  // namespace fxgraph
