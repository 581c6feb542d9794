#include "fxgraph/nodes/effects/normalize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace fxgraph {

NormalizeNode::NormalizeNode(std::string type) : Node(std::move(type)) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "peak",
                 .min = 1e-6,
                 .max = 10.0,
                 .default_value = 1.0,
                 .description = "target level of the chosen statistic (linear; 1 = 0 dBFS)"});
  add_parameter({.name = "strategy",
                 .default_value = 0,
                 .kind = ParameterKind::choice,
                 .description = "what reaches the target",
                 .choices = {"peak", "rms", "percentile", "per_channel"}});
  add_parameter({.name = "percentile",
                 .unit = "%",
                 .min = 0.0,
                 .max = 100.0,
                 .default_value = 99.0,
                 .description = "for strategy percentile: which percentile of |x|"});
}

void NormalizeNode::on_prepare(const PrepareInfo& info) {
  channel_peak_.assign(info.input_channels[0], 0.0);
  gains_.assign(info.input_channels[0], 1.0);
  histogram_.assign(kBins, 0);
}

void NormalizeNode::set_pass(Pass pass) {
  pass_ = pass;
  if (pass == Pass::measure) {
    std::fill(channel_peak_.begin(), channel_peak_.end(), 0.0);
    std::fill(histogram_.begin(), histogram_.end(), 0);
    sum_squares_ = count_ = 0.0;
  }
}

void NormalizeNode::finish_measurement() {
  const double target = value(kPeak);
  const auto strategy = Strategy(int(value(kStrategy)));
  const double overall_peak =
      channel_peak_.empty() ? 0.0 : *std::max_element(channel_peak_.begin(), channel_peak_.end());
  double level = overall_peak;
  if (strategy == rms) level = count_ > 0 ? std::sqrt(sum_squares_ / count_) : 0.0;
  if (strategy == percentile) {
    std::uint64_t total = 0;
    for (auto n : histogram_) total += n;
    const double wanted = value(kPercentile) / 100.0 * double(total);
    std::uint64_t seen = 0;
    level = 0.0;
    for (int b = 0; b < kBins; ++b) {
      seen += histogram_[std::size_t(b)];
      if (total && double(seen) >= wanted) {
        level = b == 0 ? 0.0 : std::pow(10.0, (kMinDb + double(b) / kBinsPerDb) / 20.0);
        break;
      }
    }
  }
  for (std::size_t c = 0; c < gains_.size(); ++c) {
    const double l = strategy == per_channel ? channel_peak_[c] : level;
    gains_[c] = l > 0.0 ? target / l : 1.0;
  }
}

void NormalizeNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const bool histogram = pass_ == Pass::measure && Strategy(int(value(kStrategy))) == percentile;
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    const float* x = in.channels[c];
    float* y = out.channels[c];
    if (pass_ == Pass::apply) {
      const float g = float(gains_[c]);
      for (std::uint32_t i = 0; i < ctx.frames; ++i) y[i] = x[i] * g;
      continue;
    }
    std::memcpy(y, x, ctx.frames * sizeof(float));
    if (pass_ != Pass::measure) continue;
    double peak = channel_peak_[c], squares = 0.0;
    for (std::uint32_t i = 0; i < ctx.frames; ++i) {
      const double a = std::abs(double(x[i]));
      peak = std::max(peak, a);
      squares += a * a;
    }
    if (histogram) {
      for (std::uint32_t i = 0; i < ctx.frames; ++i) {
        const double a = std::abs(double(x[i]));
        const double db = a > 0 ? 20.0 * std::log10(a) : double(kMinDb);
        const int bin = std::clamp(int(std::ceil((db - kMinDb) * kBinsPerDb)), 0, kBins - 1);
        ++histogram_[std::size_t(bin)];
      }
    }
    channel_peak_[c] = peak;
    sum_squares_ += squares;
    count_ += ctx.frames;
  }
}

}  // namespace fxgraph
