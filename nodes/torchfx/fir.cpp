#include "fxgraph/nodes/torchfx/fir.h"

#include <string>
#include <utility>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/nodes/dsp/filter_design.h"
#include "fxgraph/nodes/filters/fir_filter.h"
#include "fxgraph/nodes/filters/nyquist.h"

namespace fxgraph::torchfx {

namespace {

std::string at(const NodeOptions& o) {
  return o.where().empty() ? "" : " (" + o.where() + ")";
}

void check_conv_mode(const std::string& type, const NodeOptions& o) {
  const std::string mode = o.text("conv_mode", "fft");
  if (mode != "fft" && mode != "direct" && mode != "auto")
    throw ConfigError(
        type + ": conv_mode must be 'fft', 'direct', or 'auto', got '" + mode + "'" + at(o),
        {.key = "conv_mode"});
}

/// torchfx keeps its kernel in float32: the taps it filters with.
std::vector<double> as_float(std::vector<double> taps) {
  for (double& t : taps) t = double(float(t));
  return taps;
}

dsp::Window window_named(const std::string& name, const NodeOptions& o) {
  using dsp::Window;
  static const std::vector<std::pair<std::string, Window>> windows = {
      {"hann", Window::hann},         {"hamming", Window::hamming},
      {"blackman", Window::blackman}, {"boxcar", Window::rectangular},
      {"bartlett", Window::bartlett}, {"flattop", Window::flattop},
      {"parzen", Window::parzen},     {"bohman", Window::bohman},
      {"nuttall", Window::nuttall},   {"barthann", Window::barthann}};
  std::vector<std::string> names;
  for (const auto& [known, window] : windows) {
    if (known == name) return window;
    names.push_back(known);
  }
  throw ConfigError(
      "DesignableFIR: window '" + name + "' is not one of " + join_names(names) + at(o),
      {.key = "window"});
}

/// SciPy's pass_zero: a truth value, or the band type by name.
dsp::FirPass band_type(const NodeOptions& o, std::size_t edges) {
  using dsp::FirPass;
  bool pass_zero = true;
  if (o.has("pass_zero")) {
    const OptionValue& value = o.values().at("pass_zero");
    o.mark_used("pass_zero");
    if (const double* number = std::get_if<double>(&value)) {
      pass_zero = *number != 0.0;
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      if (*text == "true" || *text == "True")
        pass_zero = true;
      else if (*text == "false" || *text == "False")
        pass_zero = false;
      else if (*text == "lowpass" && edges == 1)
        return FirPass::lowpass;
      else if (*text == "highpass" && edges == 1)
        return FirPass::highpass;
      else if (*text == "bandpass" && edges == 2)
        return FirPass::bandpass;
      else if (*text == "bandstop" && edges == 2)
        return FirPass::bandstop;
      else
        throw ConfigError("DesignableFIR: pass_zero '" + *text + "' does not fit " +
                              std::to_string(edges) +
                              " cutoff(s): give true/false, or lowpass/highpass for one, "
                              "bandpass/bandstop for two" +
                              at(o),
                          {.key = "pass_zero"});
    } else {
      throw ConfigError("DesignableFIR: pass_zero takes true or false" + at(o),
                        {.key = "pass_zero"});
    }
  }
  if (edges == 1) return pass_zero ? FirPass::lowpass : FirPass::highpass;
  return pass_zero ? FirPass::bandstop : FirPass::bandpass;
}

}  // namespace

std::shared_ptr<Node> make_fir(const NodeOptions& o) {
  check_conv_mode("FIR", o);
  if (!o.has("b")) throw ConfigError("FIR: needs its taps, 'b' (a list)" + at(o), {.key = "b"});
  std::vector<double> taps = o.numbers("b");
  if (taps.empty()) throw ConfigError("FIR: 'b' is empty" + at(o), {.key = "b"});
  return std::make_shared<filters::FirFilterNode>(
      "FIR", [taps = as_float(std::move(taps))](double) { return taps; });
}

std::shared_ptr<Node> make_designable_fir(const NodeOptions& o) {
  check_conv_mode("DesignableFIR", o);
  const int num_taps = int(o.integer("num_taps", 101, 1, 65536));
  std::vector<double> cutoffs = o.has("cutoff") ? o.numbers("cutoff") : std::vector{1000.0};
  if (cutoffs.empty() || cutoffs.size() > 2)
    throw ConfigError("DesignableFIR: cutoff is one edge or two (Hz)" + at(o), {.key = "cutoff"});
  const dsp::FirPass pass = band_type(o, cutoffs.size());
  const dsp::Window window = window_named(o.text("window", "hamming"), o);
  // What does not need the sample rate is checked now (at a generous rate), the rest
  // (edges below Nyquist) when the node is prepared.
  (void)dsp::firwin(num_taps, cutoffs, pass, window, 0.0, 1e9);
  return std::make_shared<filters::FirFilterNode>("DesignableFIR", [=](double sample_rate) {
    for (double f : cutoffs)
      filters::check_below_nyquist("DesignableFIR", "cutoff", f, sample_rate);
    return as_float(dsp::firwin(num_taps, cutoffs, pass, window, 0.0, sample_rate));
  });
}

}  // namespace fxgraph::torchfx
