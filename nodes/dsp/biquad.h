#pragma once
// One second-order section (biquad) of a digital IIR filter, the unit every filter
// design in nodes/dsp/ returns and SosFilter runs.
//
//            b0 + b1 z^-1 + b2 z^-2
//   H(z) = --------------------------      (a0 normalised to 1)
//             1 + a1 z^-1 + a2 z^-2
//
// A first-order section is a Biquad with b2 = a2 = 0. Coefficients are double: a
// narrow low-frequency section puts its poles within 1e-4 of z = 1, and single
// precision cannot place them there accurately.

namespace fxgraph::dsp {

struct Biquad {
  double b0 = 1.0;
  double b1 = 0.0;
  double b2 = 0.0;
  double a1 = 0.0;
  double a2 = 0.0;
};

}  // namespace fxgraph::dsp
