// Registration of the filter node types (IIR designs, RBJ biquads, FIR).
#include <memory>

#include "fxgraph/nodes/filters/fir_filter.h"
#include "fxgraph/nodes/filters/iir_filter.h"
#include "fxgraph/nodes/filters/rbj_filter.h"
#include "fxgraph/nodes/register_nodes.h"

namespace fxgraph {

namespace {

using dsp::FilterKind;
using filters::IirFamily;

void add_iir(NodeRegistry& r, std::string name, std::vector<std::string> aliases,
             std::string summary, IirFamily family, FilterKind kind) {
  r.add({.name = name,
         .aliases = std::move(aliases),
         .summary = std::move(summary),
         .options = {},
         .factory = [name, family, kind](const NodeOptions&) {
           return std::make_shared<filters::IirFilterNode>(name, family, kind);
         }});
}

// torchfx's class names (HiButterworth, LoChebyshev1, HiElliptic …) are not aliases of
// these: those classes have other defaults (HiButterworth: order 5; the Chebyshevs:
// 0.1 dB), so they are types of their own (nodes/torchfx).
void register_iir(NodeRegistry& r) {
  add_iir(r, "lowpass", {}, "Butterworth lowpass (maximally flat), -3 dB at cutoff",
          IirFamily::butterworth, FilterKind::lowpass);
  add_iir(r, "highpass", {}, "Butterworth highpass (maximally flat), -3 dB at cutoff",
          IirFamily::butterworth, FilterKind::highpass);
  add_iir(r, "lowpass_cheby1", {}, "Chebyshev type I lowpass (passband ripple)", IirFamily::cheby1,
          FilterKind::lowpass);
  add_iir(r, "highpass_cheby1", {}, "Chebyshev type I highpass (passband ripple)",
          IirFamily::cheby1, FilterKind::highpass);
  add_iir(r, "lowpass_cheby2", {}, "Chebyshev type II lowpass (stopband ripple)", IirFamily::cheby2,
          FilterKind::lowpass);
  add_iir(r, "highpass_cheby2", {}, "Chebyshev type II highpass (stopband ripple)",
          IirFamily::cheby2, FilterKind::highpass);
  add_iir(r, "lowpass_elliptic", {}, "elliptic (Cauer) lowpass: steepest for its order",
          IirFamily::elliptic, FilterKind::lowpass);
  add_iir(r, "highpass_elliptic", {}, "elliptic (Cauer) highpass: steepest for its order",
          IirFamily::elliptic, FilterKind::highpass);
  add_iir(r, "linkwitz_riley_low", {"LinkwitzRileyLow"},
          "Linkwitz-Riley crossover lowpass (order 2, 4 or 8), -6 dB at cutoff",
          IirFamily::linkwitz_riley, FilterKind::lowpass);
  add_iir(r, "linkwitz_riley_high", {"LinkwitzRileyHigh"},
          "Linkwitz-Riley crossover highpass (order 2, 4 or 8), -6 dB at cutoff",
          IirFamily::linkwitz_riley, FilterKind::highpass);
}

void add_rbj(NodeRegistry& r, std::string name, std::vector<std::string> aliases,
             std::string summary, filters::RbjKind kind) {
  r.add({.name = name,
         .aliases = std::move(aliases),
         .summary = std::move(summary),
         .options = {},
         .factory = [name, kind](const NodeOptions&) {
           return std::make_shared<filters::RbjFilterNode>(name, kind);
         }});
}

void register_rbj(NodeRegistry& r) {
  using filters::RbjKind;
  add_rbj(r, "biquad_lowpass", {}, "RBJ cookbook biquad lowpass (cutoff, q)", RbjKind::lowpass);
  add_rbj(r, "biquad_highpass", {}, "RBJ cookbook biquad highpass (cutoff, q)", RbjKind::highpass);
  add_rbj(r, "bandpass", {}, "RBJ band-pass (cutoff, q; mode skirt or peak)", RbjKind::bandpass);
  add_rbj(r, "notch", {}, "RBJ notch (band-stop) at cutoff", RbjKind::notch);
  add_rbj(r, "allpass", {}, "RBJ second-order all-pass at cutoff", RbjKind::allpass);
  add_rbj(r, "peaking", {"PeakingEQ"}, "RBJ peaking EQ: gain_db around cutoff", RbjKind::peaking);
  add_rbj(r, "low_shelf", {"LowShelf"}, "RBJ low shelf: gain_db below cutoff", RbjKind::low_shelf);
  add_rbj(r, "high_shelf", {"HighShelf"}, "RBJ high shelf: gain_db above cutoff",
          RbjKind::high_shelf);
}

void register_fir(NodeRegistry& r) {
  r.add({.name = "fir",
         .aliases = {},
         .summary = "FIR filter with given taps (zero latency, FFT for long filters)",
         .options = {{"taps", "list of taps, first tap applies to the newest sample", ""},
                     {"path", "text file with one tap per line ('#' comments)", ""}},
         .factory = filters::make_fir_node,
         .example = {{"taps", std::vector<double>{0.5, 0.3, -0.2, 0.1}}}});
  r.add({.name = "fir_design",
         .aliases = {"FirDesign"},
         .summary = "windowed-sinc FIR (scipy firwin): lowpass, highpass, bandpass, bandstop",
         .options = {{"numtaps", "number of taps (odd for highpass/bandstop)", "101"},
                     {"cutoff", "edge in Hz, or [low, high] for bandpass/bandstop", "1000"},
                     {"pass", "lowpass, highpass, bandpass or bandstop", "lowpass"},
                     {"window",
                      "hamming, hann, blackman, rectangular, kaiser, bartlett, flattop, parzen, "
                      "bohman, nuttall or barthann",
                      "hamming"},
                     {"beta", "kaiser window beta", "8.6"}},
         .factory = filters::make_fir_design_node});
}

}  // namespace

void register_filter_nodes(NodeRegistry& registry) {
  register_iir(registry);
  register_rbj(registry);
  register_fir(registry);
}

}  // namespace fxgraph
