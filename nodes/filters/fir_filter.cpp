#include "fxgraph/nodes/filters/fir_filter.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/filters/nyquist.h"

namespace fxgraph::filters {

FirFilterNode::FirFilterNode(std::string type, TapSource taps, std::uint64_t latency)
    : Node(std::move(type)), taps_(std::move(taps)), latency_(latency) {
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

/// "<where>: " when the caller said where the node is, else nothing: the YAML loader
/// and --chain put the node (and its type) in front of the message themselves.
std::string where(const NodeOptions& o) {
  return o.where().empty() ? std::string() : o.where() + ": ";
}

/// True when `text` has a byte no tap file holds: a NUL or another control character
/// (an audio file or other binary data given as the tap file).
bool has_binary_bytes(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 && c != '\t' && c != '\r' && c != '\n';
  });
}

/// A line as an error message may quote it: at most 40 characters, bytes outside
/// printable ASCII shown as '?' (they would garble a terminal; a NUL would end what()).
std::string printable_line(const std::string& line) {
  constexpr std::size_t kMax = 40;
  std::string out;
  for (char c : line.substr(0, kMax))
    out += static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f ? c : '?';
  return line.size() > kMax ? out + "…" : out;
}

std::vector<double> read_tap_file(const std::string& path, const NodeOptions& o) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(where(o) + "cannot open FIR tap file '" + path + "'", {.key = "path"});
  std::vector<double> taps;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (has_binary_bytes(line))
      throw ConfigError(where(o) + "FIR tap file '" + path +
                            "' holds binary data (an audio file?); it must be text, one tap "
                            "(a number) per line",
                        {.key = "path"});
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream words(line);
    double tap = 0.0;
    std::string rest;
    if (!(words >> tap) || (words >> rest))
      throw ConfigError(where(o) + path + ":" + std::to_string(line_number) +
                            ": expected one number per line, got '" + printable_line(line) + "'",
                        {.key = "path"});
    taps.push_back(tap);
  }
  if (taps.empty())
    throw ConfigError(where(o) + "FIR tap file '" + path + "' holds no taps", {.key = "path"});
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
  throw ConfigError(where(o) + key + " '" + value + "' is not one of " + join_names(valid));
}

}  // namespace

std::shared_ptr<Node> make_fir_node(const NodeOptions& o) {
  if (o.has("taps") == o.has("path"))
    throw ConfigError(where(o) + "fir needs exactly one of 'taps' (a list) or 'path' (a file)");
  std::vector<double> taps =
      o.has("taps") ? o.numbers("taps") : read_tap_file(o.text("path", ""), o);
  if (taps.empty()) throw ConfigError(where(o) + "fir: 'taps' is empty");
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
  // Symmetric taps delay every frequency by (numtaps - 1) / 2 frames (whole for odd
  // numtaps; even ones round down, half a frame early).
  const std::uint64_t latency =
      o.integer("compensate", 0, 0, 1) ? std::uint64_t(numtaps - 1) / 2 : 0;
  // Check what can be checked without the sample rate now (a generous rate), the rest
  // (edges below Nyquist) in prepare.
  (void)dsp::firwin(numtaps, cutoffs, pass, window, beta, 1e9);
  return std::make_shared<FirFilterNode>(
      "fir_design",
      [=](double sample_rate) {
        for (double f : cutoffs) check_below_nyquist("fir_design", "cutoff", f, sample_rate);
        return dsp::firwin(numtaps, cutoffs, pass, window, beta, sample_rate);
      },
      latency);
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
