// Registration of the filter node types (IIR designs, RBJ biquads, FIR).
#include <memory>

#include "nodes/filters/fir_filter.h"
#include "nodes/filters/iir_filter.h"
#include "nodes/filters/rbj_filter.h"
#include "nodes/registry.h"

namespace fxgraph {

namespace {

using dsp::FilterKind;
using filters::IirFamily;

void add_iir(NodeRegistry& r, std::string name, std::string alias, std::string summary,
             IirFamily family, FilterKind kind) {
  r.add({.name = name,
         .aliases = {std::move(alias)},
         .summary = std::move(summary),
         .options = {},
         .factory = [name, family, kind](const NodeOptions&) {
           return std::make_shared<filters::IirFilterNode>(name, family, kind);
         }});
}

void register_iir(NodeRegistry& r) {
  add_iir(r, "lowpass", "LoButterworth", "Butterworth lowpass (maximally flat), -3 dB at cutoff",
          IirFamily::butterworth, FilterKind::lowpass);
  add_iir(r, "highpass", "HiButterworth", "Butterworth highpass (maximally flat), -3 dB at cutoff",
          IirFamily::butterworth, FilterKind::highpass);
  add_iir(r, "lowpass_cheby1", "LoChebyshev1", "Chebyshev type I lowpass (passband ripple)",
          IirFamily::cheby1, FilterKind::lowpass);
  add_iir(r, "highpass_cheby1", "HiChebyshev1", "Chebyshev type I highpass (passband ripple)",
          IirFamily::cheby1, FilterKind::highpass);
  add_iir(r, "lowpass_cheby2", "LoChebyshev2", "Chebyshev type II lowpass (stopband ripple)",
          IirFamily::cheby2, FilterKind::lowpass);
  add_iir(r, "highpass_cheby2", "HiChebyshev2", "Chebyshev type II highpass (stopband ripple)",
          IirFamily::cheby2, FilterKind::highpass);
  add_iir(r, "lowpass_elliptic", "LoElliptic", "elliptic (Cauer) lowpass: steepest for its order",
          IirFamily::elliptic, FilterKind::lowpass);
  add_iir(r, "highpass_elliptic", "HiElliptic", "elliptic (Cauer) highpass: steepest for its order",
          IirFamily::elliptic, FilterKind::highpass);
  add_iir(r, "linkwitz_riley_low", "LinkwitzRileyLow",
          "Linkwitz-Riley crossover lowpass (order 2, 4 or 8), -6 dB at cutoff",
          IirFamily::linkwitz_riley, FilterKind::lowpass);
  add_iir(r, "linkwitz_riley_high", "LinkwitzRileyHigh",
          "Linkwitz-Riley crossover highpass (order 2, 4 or 8), -6 dB at cutoff",
          IirFamily::linkwitz_riley, FilterKind::highpass);
}

}  // namespace

void register_filter_nodes(NodeRegistry& registry) {
  register_iir(registry);
}

}  // namespace fxgraph
