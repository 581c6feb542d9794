#include "fxgraph/nodes/effects/filterbank.h"

#include <cmath>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/dsp/sos_tail.h"

namespace fxgraph {

FilterbankNode::FilterbankNode(FilterbankOptions options) : Node(options.type), options_(options) {
  if (options_.bands < 1 || options_.bands > 64)
    throw ConfigError(type() + ": 'bands' must be 1 … 64, got " + std::to_string(options_.bands));
  if (!(options_.q >= 0.0) || options_.q > 100.0)
    throw ConfigError(type() + ": q must lie in (0, 100], got " + std::to_string(options_.q));
  if (!(options_.min_hz > 0.0) || !(options_.max_hz > options_.min_hz))
    throw ConfigError(type() + ": need 0 < min_hz < max_hz, got min_hz " +
                      std::to_string(options_.min_hz) + ", max_hz " +
                      std::to_string(options_.max_hz));
  add_input("in");
  add_output("out");
}

double FilterbankNode::centre(std::uint32_t band) const noexcept {
  if (options_.bands == 1) return std::sqrt(options_.min_hz * options_.max_hz);
  const double t = double(band) / double(options_.bands - 1);
  return options_.min_hz * std::pow(options_.max_hz / options_.min_hz, t);
}

double FilterbankNode::q() const noexcept {
  if (options_.q > 0.0) return options_.q;
  if (options_.bands == 1) return 0.7071;
  // Centres a ratio r apart; a band from f/sqrt(r) to f*sqrt(r) has Q = sqrt(r)/(r-1).
  const double r = std::pow(options_.max_hz / options_.min_hz, 1.0 / double(options_.bands - 1));
  return std::sqrt(r) / (r - 1.0);
}

std::vector<std::uint32_t> FilterbankNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  return {input_channels[0] * options_.bands};
}

void FilterbankNode::on_prepare(const PrepareInfo& info) {
  const double nyquist = info.sample_rate / 2.0;
  if (options_.max_hz >= nyquist)
    throw ParameterError(type() + ": max_hz " + std::to_string(options_.max_hz) +
                         " Hz must be below Nyquist (" + std::to_string(nyquist) + " Hz at " +
                         std::to_string(info.sample_rate) + " Hz)");
  const std::uint32_t channels = info.input_channels[0];
  bands_.assign(options_.bands, dsp::SosFilter());
  for (std::uint32_t b = 0; b < options_.bands; ++b) {
    const dsp::Biquad section = dsp::rbj_bandpass_peak(centre(b), q(), info.sample_rate);
    bands_[b].prepare(channels, 1);
    bands_[b].set_sections(&section, 1);
  }
  band_pointers_.assign(std::size_t(options_.bands) * channels, nullptr);
}

void FilterbankNode::on_reset() noexcept {
  for (auto& band : bands_) band.reset();
}

void FilterbankNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t group = in.num_channels;
  for (std::uint32_t b = 0; b < bands_.size(); ++b) {
    float** pointers = band_pointers_.data() + std::size_t(b) * group;
    for (std::uint32_t c = 0; c < group; ++c) pointers[c] = out.channels[b * group + c];
    bands_[b].process(in, AudioView{pointers, group, ctx.frames});
  }
}

}  // namespace fxgraph

namespace fxgraph {

Tail FilterbankNode::tail() const {
  std::uint64_t frames = 0;
  for (const dsp::SosFilter& band : bands_)
    frames = std::max(frames, dsp::sos_tail_frames(band.sections(), Tail::kThreshold));
  return {.frames = frames};
}

}  // namespace fxgraph
