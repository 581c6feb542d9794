#include "fxgraph/nodes/effects/convolver.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "fxgraph/engine/errors.h"

namespace fxgraph {
namespace {

constexpr std::uint32_t kTrueStereoChannels = 4;

// Which IR channel feeds which output from which input (see the header's layouts).
struct RouteSpec {
  std::uint32_t input, ir_channel, output;
};

std::vector<RouteSpec> routes_for(std::uint32_t ir_channels, std::uint32_t inputs) {
  std::vector<RouteSpec> routes;
  if (ir_channels == 1) {
    for (std::uint32_t c = 0; c < inputs; ++c) routes.push_back({c, 0, c});
  } else if (ir_channels == kTrueStereoChannels && inputs == 2) {
    routes = {{0, 0, 0}, {0, 1, 1}, {1, 2, 0}, {1, 3, 1}};
  } else {
    for (std::uint32_t c = 0; c < ir_channels; ++c) routes.push_back({inputs == 1 ? 0 : c, c, c});
  }
  return routes;
}

}  // namespace

ConvolverNode::ConvolverNode(dsp::ImpulseResponse ir, ConvolverOptions options)
    : Node(std::string(kType)), ir_(std::move(ir)), options_(options) {
  add_input("in");
  add_output("out");
  add_parameter({.name = "gain",
                 .min = 0.0,
                 .max = 16.0,
                 .default_value = 1.0,
                 .smoothing = Smoothing::ramped,
                 .description = "output gain (linear), ramped over 20 ms"});
}

std::vector<std::uint32_t> ConvolverNode::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  const auto ir_channels = std::uint32_t(ir_.channels.size());
  const std::uint32_t in = input_channels.empty() ? 1 : input_channels[0];
  if (ir_channels == 1) return {in};
  if (ir_channels == kTrueStereoChannels) {
    if (in == 2) return {2};
    if (in != kTrueStereoChannels)
      throw GraphError("convolver: the 4-channel (true stereo) impulse response '" + ir_.path +
                       "' takes a stereo input, got " + std::to_string(in) + " channels");
  }
  if (in != 1 && in != ir_channels)
    throw GraphError("convolver: the " + std::to_string(ir_channels) +
                     "-channel impulse response '" + ir_.path + "' takes a mono or " +
                     std::to_string(ir_channels) + "-channel input, got " + std::to_string(in) +
                     " channels");
  return {ir_channels};
}

void ConvolverNode::on_prepare(const PrepareInfo& info) {
  dsp::ImpulseResponse shaped =
      dsp::shape_impulse_response(ir_, info.sample_rate, options_.shaping);
  const std::uint32_t inputs = info.input_channels.empty() ? 1 : info.input_channels[0];
  const std::vector<RouteSpec> specs = routes_for(std::uint32_t(shaped.channels.size()), inputs);

  if (options_.normalize_ir) {
    // Energy gain per output channel for uncorrelated unit-power inputs: the sum of the
    // energies of the IR channels that reach it. The largest becomes 1.
    std::vector<double> energy(info.output_channels.empty() ? 1 : info.output_channels[0], 0.0);
    for (const RouteSpec& r : specs)
      for (float v : shaped.channels[r.ir_channel]) energy[r.output] += double(v) * double(v);
    const double most = *std::max_element(energy.begin(), energy.end());
    if (most > 0.0)
      for (auto& channel : shaped.channels)
        for (float& v : channel) v = float(double(v) / std::sqrt(most));
  }

  const std::uint32_t block = std::max(1u, info.max_block);
  std::vector<Route> routes;
  for (const RouteSpec& r : specs) {
    Route route{r.input, r.output, {}};
    route.convolver.prepare(1, shaped.channels[r.ir_channel], block);
    routes.push_back(std::move(route));
  }
  routes_ = std::move(routes);
  shaped_ = std::move(shaped);
  scratch_.assign(block, 0.0f);
  ramp_.assign(block, 1.0f);
  gain_.prepare(info.sample_rate, 0.02);
  gain_.jump_to(value(kGain));
}

void ConvolverNode::on_parameter(std::size_t index, double value) noexcept {
  if (index == kGain) gain_.set_target(value);
}

void ConvolverNode::on_reset() noexcept {
  for (Route& route : routes_) route.convolver.reset();
  gain_.jump_to(gain_.target());
}

void ConvolverNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  const std::uint32_t n = std::min<std::uint32_t>(ctx.frames, std::uint32_t(scratch_.size()));
  for (std::uint32_t c = 0; c < out.num_channels; ++c)
    std::fill(out.channels[c], out.channels[c] + n, 0.0f);
  float* scratch = scratch_.data();
  for (Route& route : routes_) {
    if (route.input >= in.num_channels || route.output >= out.num_channels) continue;
    const float* x = in.channels[route.input];
    route.convolver.process(ConstAudioView{&x, 1, n}, AudioView{&scratch, 1, n});
    float* y = out.channels[route.output];
    for (std::uint32_t i = 0; i < n; ++i) y[i] += scratch[i];
  }
  const bool ramping = gain_.is_ramping();
  if (ramping)
    for (std::uint32_t i = 0; i < n; ++i) ramp_[i] = float(gain_.next());
  const auto gain = float(gain_.current());
  if (!ramping && gain == 1.0f) return;
  for (std::uint32_t c = 0; c < out.num_channels; ++c) {
    float* y = out.channels[c];
    if (ramping)
      for (std::uint32_t i = 0; i < n; ++i) y[i] *= ramp_[i];
    else
      for (std::uint32_t i = 0; i < n; ++i) y[i] *= gain;
  }
}

Tail ConvolverNode::tail() const {
  // A finite IR: the last input frame has passed every tap frames() - 1 frames later.
  // The IR may hold a silence (the pre-delay) as long as itself at most.
  const std::uint64_t frames = shaped_.frames() > 0 ? shaped_.frames() - 1 : 0;
  return {.frames = frames, .quiet_gap = frames};
}

std::shared_ptr<Node> make_convolver_node(const NodeOptions& o) {
  const std::string context = o.where().empty() ? std::string() : " (" + o.where() + ")";
  const std::string path = o.text("path", "");
  if (path.empty())
    throw ConfigError("convolver needs a 'path' (the impulse-response file)" + context,
                      {.key = "path"});
  ConvolverOptions options;
  options.shaping.delay_ms = o.number("delay", 0.0);
  if (!(options.shaping.delay_ms >= 0.0 && options.shaping.delay_ms <= 10000.0))
    throw ConfigError("convolver: 'delay' is in ms, 0 to 10000" + context, {.key = "delay"});
  options.shaping.max_length_s = o.number("max_length", 0.0);
  if (!(options.shaping.max_length_s >= 0.0 && options.shaping.max_length_s <= 20.0))
    throw ConfigError("convolver: 'max_length' is in seconds, 0 (all) to 20" + context,
                      {.key = "max_length"});
  options.normalize_ir = o.integer("normalize_ir", 0, 0, 1) != 0;
  dsp::ImpulseResponse ir;
  try {
    ir = dsp::read_impulse_response(path);
  } catch (ConfigError& e) {
    throw ConfigError(std::string(e.what()) + context, e.context());
  }
  return std::make_shared<ConvolverNode>(std::move(ir), options);
}

}  // namespace fxgraph
