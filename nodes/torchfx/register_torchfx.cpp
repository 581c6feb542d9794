// Registration of the types named after torchfx classes (torchfx.effect, torchfx.filter):
// each is faithful to its class (parameter names in its positional order, defaults,
// units, results) and carries torchfx_module, so the Python package can offer it as
// fxgraph.effect.<Name> or fxgraph.filter.<Name>. README, "Differences from torchfx",
// lists where they knowingly differ.
#include <memory>

#include "fxgraph/engine/errors.h"

#include "fxgraph/nodes/effects/filterbank.h"
#include "fxgraph/nodes/effects/normalize.h"
#include "fxgraph/nodes/register_nodes.h"
#include "fxgraph/nodes/torchfx/biquad.h"
#include "fxgraph/nodes/torchfx/delay.h"
#include "fxgraph/nodes/torchfx/fir.h"
#include "fxgraph/nodes/torchfx/gain.h"
#include "fxgraph/nodes/torchfx/iir.h"
#include "fxgraph/nodes/torchfx/reverb.h"

namespace fxgraph {

namespace {

void register_effects(NodeRegistry& r) {
  r.add({.name = std::string(torchfx::GainNode::kType),
         .summary = "torchfx's Gain: gain as amplitude, db or power; optional clamp to [-1, 1]",
         .options = {},
         .factory = torchfx::GainNode::create,
         .torchfx_module = "effect"});
  r.add({.name = "Normalize",
         .summary = "torchfx's Normalize: scale to a peak (strategy peak, rms, percentile or "
                    "per_channel); two passes, files only",
         .options = {},
         .factory = [](const NodeOptions&) { return std::make_shared<NormalizeNode>("Normalize"); },
         .torchfx_module = "effect"});
  std::vector<OptionSpec> room_options;
  for (const std::string& name : torchfx::ReverbNode::room_settings())
    room_options.push_back(
        {name, "selects fxgraph's room reverb (see `fxgraph nodes reverb`)", ""});
  r.add({.name = std::string(torchfx::ReverbNode::kType),
         .summary = "torchfx's Reverb: one feed-forward echo, x + mix·decay·x[n - delay]; with "
                    "room_size (damping, width, pre_delay) the room reverb instead",
         .options = std::move(room_options),
         .factory = torchfx::ReverbNode::create,
         .torchfx_module = "effect"});
  r.add({.name = std::string(torchfx::DelayNode::kType),
         .summary = "torchfx's Delay: taps at k·delay_samples and feedback^(k-1), lerp mix; "
                    "mono or ping_pong; bpm-synced",
         .options = {{"bpm", "tempo: sets delay_samples from delay_time at the stream's rate", ""},
                     {"delay_time", "note value with bpm: 1/4, 1/8, 1/8d (dotted), 1/8t (triplet)",
                      "1/8"}},
         .factory = torchfx::DelayNode::create,
         .exclusive = {{"delay_samples", "bpm"}},
         .torchfx_module = "effect"});
}

void register_iir(NodeRegistry& r) {
  for (const torchfx::IirClass& cls : torchfx::iir_classes()) {
    const bool low = cls.kind == dsp::FilterKind::lowpass;
    r.add({.name = cls.name,
           .summary = "torchfx's " + cls.name + " (" + (low ? "lowpass" : "highpass") + ", order " +
                      std::to_string(cls.default_order) + " by default)",
           .options = {},
           .factory = [cls](const NodeOptions& o) { return torchfx::IirNode::create(cls, o); },
           .torchfx_module = "filter"});
  }
  for (const torchfx::IirClass& base : torchfx::iir_base_classes()) {
    const bool bands = base.family != dsp::IirFamily::linkwitz_riley;
    const std::string btypes =
        bands ? "lowpass, highpass, bandpass or bandstop" : "lowpass or highpass";
    r.add({.name = base.name,
           .summary = "torchfx's " + base.name + " (btype " + btypes + "; order 4 by default)",
           .options = {{"btype", btypes + " (required)", ""},
                       {"cutoff", bands ? "Hz; for bandpass/bandstop the pair [low, high]" : "Hz",
                        "1000"}},
           .factory = [base](const NodeOptions& o) { return torchfx::create_iir_base(base, o); },
           .example = bands
                          ? std::map<std::string, OptionValue>{{"btype", std::string("bandpass")},
                                                               {"cutoff",
                                                                std::vector<double>{300.0, 3000.0}}}
                          : std::map<std::string, OptionValue>{{"btype", std::string("lowpass")}},
           .torchfx_module = "filter"});
  }
}

void register_biquads(NodeRegistry& r) {
  for (const torchfx::BiquadClass& cls : torchfx::biquad_classes())
    r.add({.name = cls.name,
           .summary = "torchfx's " + cls.name + " (RBJ cookbook biquad)",
           .options = {},
           .factory = [cls](const NodeOptions& o) { return torchfx::BiquadNode::create(cls, o); },
           .torchfx_module = "filter"});
}

void register_fir_and_bank(NodeRegistry& r) {
  r.add(
      {.name = "FIR",
       .summary = "torchfx's FIR: the taps b (newest sample first), causal",
       .options = {{"b", "list of taps", ""},
                   {"conv_mode", "fft, direct or auto (torchfx's algorithm; same result)", "fft"}},
       .factory = torchfx::make_fir,
       .example = {{"b", std::vector<double>{0.5, 0.3, -0.2, 0.1}}},
       .torchfx_module = "filter"});
  r.add(
      {.name = "DesignableFIR",
       .summary = "torchfx's DesignableFIR: SciPy firwin taps (windowed sinc)",
       .options = {{"cutoff", "edge in Hz, or [low, high]", "1000"},
                   {"num_taps", "number of taps (odd for highpass/bandstop)", "101"},
                   {"pass_zero", "true: lowpass/bandstop; false: highpass/bandpass", "true"},
                   {"window",
                    "hann, hamming, blackman, boxcar, bartlett, flattop, parzen, bohman, "
                    "nuttall or barthann",
                    "hamming"},
                   {"conv_mode", "fft, direct or auto (torchfx's algorithm; same result)", "fft"}},
       .factory = torchfx::make_designable_fir,
       .torchfx_module = "filter"});
  r.add({.name = "LogFilterBank",
         .summary = "torchfx's LogFilterBank: n_bands BiquadBPFs log-spaced from f_min to f_max; "
                    "one channel group per band",
         .options = {{"n_bands", "number of bands (2 … 64)", "8"},
                     {"f_min", "centre of the lowest band (Hz)", "20"},
                     {"f_max", "centre of the highest band (Hz)", "20000"},
                     {"q", "every band's Q", "1.414"}},
         .factory =
             [](const NodeOptions& o) {
               FilterbankOptions options;
               options.bands = std::uint32_t(o.integer("n_bands", 8, 2, 64));
               options.min_hz = o.number("f_min", 20.0);
               options.max_hz = o.number("f_max", 20000.0);
               options.q = o.number("q", 1.414);
               if (!(options.q > 0.0))
                 throw ConfigError("LogFilterBank: q must be > 0", {.key = "q"});
               options.type = "LogFilterBank";
               return std::make_shared<FilterbankNode>(options);
             },
         .torchfx_module = "filter"});
}

}  // namespace

void register_torchfx_nodes(NodeRegistry& registry) {
  register_effects(registry);
  register_iir(registry);
  register_biquads(registry);
  register_fir_and_bank(registry);
}

}  // namespace fxgraph
