#include "fxgraph/nodes/filters/fir_filter.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/filters/nyquist.h"

namespace fxgraph::filters {

FirFilterNode::FirFilterNode(std::string type, TapSource taps)
    : Node(std::move(type)), taps_(std::move(taps)) {
  add_input("in");
  add_output("out");
}

void FirFilterNode::on_prepare(const PrepareInfo& info) {
  const std::vector<double> taps = taps_(info.sample_rate);
  const std::uint32_t channels =
      info.output_channels.empty() ? 1u : std::max(1u, info.output_channels[0]);
  convolver_.prepare(channels, std::vector<float>(taps.begin(), taps.end()),
                     std::max(1u, info.max_block));
}

void FirFilterNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  convolver_.process(ConstAudioView{in.channels, in.num_channels, ctx.frames},
                     AudioView{out.channels, out.num_channels, ctx.frames});
}

namespace {

std::string where(const NodeOptions& o) {
  return o.where().empty() ? std::string("fir") : o.where();
}

std::vector<double> read_tap_file(const std::string& path, const NodeOptions& o) {
  std::ifstream in(path);
  if (!in) throw ConfigError(where(o) + ": cannot open FIR tap file '" + path + "'");
  std::vector<double> taps;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream words(line);
    double tap = 0.0;
    std::string rest;
    if (!(words >> tap) || (words >> rest))
      throw ConfigError(where(o) + ": " + path + ":" + std::to_string(line_number) +
                        ": expected one number per line, got '" + line + "'");
    taps.push_back(tap);
  }
  if (taps.empty()) throw ConfigError(where(o) + ": FIR tap file '" + path + "' holds no taps");
  return taps;
}

template <typename E>
E pick(const NodeOptions& o, const std::string& key, const std::string& fallback,
       const std::vector<std::pair<std::string, E>>& names) {
  const std::string value = o.text(key, fallback);
  std::vector<std::string> valid;
  for (const auto& [name, e] : names) {
    if (name == value) return e;
    valid.push_back(name);
  }
  throw ConfigError(where(o) + ": " + key + " '" + value + "' is not one of " + join_names(valid));
}

}  // namespace

std::shared_ptr<Node> make_fir_node(const NodeOptions& o) {
  if (o.has("taps") == o.has("path"))
    throw ConfigError(where(o) + ": fir needs exactly one of 'taps' (a list) or 'path' (a file)");
  std::vector<double> taps =
      o.has("taps") ? o.numbers("taps") : read_tap_file(o.text("path", ""), o);
  if (taps.empty()) throw ConfigError(where(o) + ": 'taps' is empty");
  return std::make_shared<FirFilterNode>("fir", [taps = std::move(taps)](double) { return taps; });
}

std::shared_ptr<Node> make_fir_design_node(const NodeOptions& o) {
  using dsp::FirPass;
  using dsp::Window;
  const int numtaps = int(o.integer("numtaps", 101, 1, 65536));
  const std::vector<double> cutoffs = o.has("cutoff") ? o.numbers("cutoff") : std::vector{1000.0};
  const FirPass pass = pick<FirPass>(o, "pass", "lowpass",
                                     {{"lowpass", FirPass::lowpass},
                                      {"highpass", FirPass::highpass},
                                      {"bandpass", FirPass::bandpass},
                                      {"bandstop", FirPass::bandstop}});
  const Window window = pick<Window>(o, "window", "hamming",
                                     {{"hamming", Window::hamming},
                                      {"hann", Window::hann},
                                      {"blackman", Window::blackman},
                                      {"rectangular", Window::rectangular},
                                      {"kaiser", Window::kaiser},
                                      {"bartlett", Window::bartlett},
                                      {"flattop", Window::flattop},
                                      {"parzen", Window::parzen},
                                      {"bohman", Window::bohman},
                                      {"nuttall", Window::nuttall},
                                      {"barthann", Window::barthann}});
  const double beta = o.number("beta", 8.6);
  // Check what can be checked without the sample rate now (a generous rate), the rest
  // (edges below Nyquist) in prepare.
  (void)dsp::firwin(numtaps, cutoffs, pass, window, beta, 1e9);
  return std::make_shared<FirFilterNode>("fir_design", [=](double sample_rate) {
    for (double f : cutoffs) check_below_nyquist("fir_design", "cutoff", f, sample_rate);
    return dsp::firwin(numtaps, cutoffs, pass, window, beta, sample_rate);
  });
}

}  // namespace fxgraph::filters

namespace fxgraph::filters {

Tail FirFilterNode::tail() const {
  // The last input frame reaches the output through every tap: taps - 1 frames later
  // it is gone. A run of zero taps inside the filter is a silence of at most as long.
  const std::uint64_t frames = convolver_.num_taps() > 0 ? convolver_.num_taps() - 1 : 0;
  return {.frames = frames, .quiet_gap = frames};
}

}  // namespace fxgraph::filters
