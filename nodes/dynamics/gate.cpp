#include "fxgraph/nodes/dynamics/gate.h"

#include <algorithm>
#include <cmath>

#include "fxgraph/nodes/dynamics/fast_decibels.h"

namespace fxgraph {

GateNode::GateNode() : Node(std::string(kType)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "threshold_db",
                 .unit = "dB",
                 .min = -120.0,
                 .max = 0.0,
                 .default_value = -50.0,
                 .description = "peak level that opens the gate"});
  add_parameter({.name = "hysteresis_db",
                 .unit = "dB",
                 .min = 0.0,
                 .max = 40.0,
                 .default_value = 6.0,
                 .description = "how far below the threshold the peak must fall to close it"});
  add_parameter({.name = "attack_ms",
                 .unit = "ms",
                 .min = 0.0,
                 .max = 1000.0,
                 .default_value = 1.0,
                 .description = "time constant τ of the gate opening"});
  add_parameter({.name = "hold_ms",
                 .unit = "ms",
                 .min = 0.0,
                 .max = 5000.0,
                 .default_value = 20.0,
                 .description = "how long the peak must stay low before the gate closes"});
  add_parameter({.name = "release_ms",
                 .unit = "ms",
                 .min = 0.0,
                 .max = 10000.0,
                 .default_value = 100.0,
                 .description = "time constant τ of the gate closing"});
  add_parameter({.name = "range_db",
                 .unit = "dB",
                 .min = 0.0,
                 .max = 120.0,
                 .default_value = 80.0,
                 .description = "attenuation when closed"});
  meter_ = add_meter({.name = "gain_reduction_db",
                      .unit = "dB",
                      .initial_value = 0.0,
                      .description = "how far the gain is turned down now (≥ 0)"});
  update();
}

void GateNode::update() noexcept {
  open_level_ = float(std::pow(10.0, value(kThresholdDb) / 20.0));
  close_level_ = float(std::pow(10.0, (value(kThresholdDb) - value(kHysteresisDb)) / 20.0));
  hold_frames_ = std::uint32_t(std::lround(value(kHoldMs) * sample_rate_ / 1000.0));
  ballistics_.set_times(value(kAttackMs), value(kReleaseMs), sample_rate_);
}

void GateNode::on_parameter(std::size_t, double) noexcept {
  update();
}

void GateNode::on_prepare(const PrepareInfo& info) {
  sample_rate_ = info.sample_rate;
  scratch_.assign(info.max_block, 0.0f);
  update();
  on_reset();
}

void GateNode::on_reset() noexcept {
  // A gate starts closed: whatever precedes the first sound stays down.
  open_ = false;
  hold_left_ = 0;
  ballistics_.reset(-float(value(kRangeDb)));
  publish_meter(meter_, value(kRangeDb));
}

void GateNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = ctx.frames;
  float* s = scratch_.data();
  for (std::uint32_t i = 0; i < n; ++i) s[i] = std::fabs(in.channels[0][i]);
  for (std::uint32_t c = 1; c < in.num_channels; ++c)
    for (std::uint32_t i = 0; i < n; ++i) s[i] = std::max(s[i], std::fabs(in.channels[c][i]));
  // Peak → the state machine's target gain in dB (0 open, -range closed).
  const float closed_db = -float(value(kRangeDb));
  for (std::uint32_t i = 0; i < n; ++i) {
    if (s[i] >= open_level_) {
      open_ = true;
      hold_left_ = hold_frames_;
    } else if (open_) {
      if (s[i] >= close_level_)
        hold_left_ = hold_frames_;
      else if (hold_left_ == 0)
        open_ = false;
      else
        --hold_left_;
    }
    s[i] = open_ ? 0.0f : closed_db;
  }
  ballistics_.run(s, n);
  if (n > 0) publish_meter(meter_, -s[n - 1]);
  for (std::uint32_t i = 0; i < n; ++i) s[i] = dynamics::db_to_amplitude(s[i]);
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    const float* x = in.channels[in.num_channels == 1 ? 0 : c];
    float* y = out.channels[c];
    for (std::uint32_t i = 0; i < n; ++i) y[i] = x[i] * s[i];
  }
}

}  // namespace fxgraph
