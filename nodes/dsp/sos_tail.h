#pragma once
// How long a cascade of biquads rings after its input stops, for Node::tail().
//
// After the input stops, the output is what the state still holds; for any input
// within [-1, 1] it is bounded by the sum of |h[n]| over the impulse response from
// that point on. So the tail is the first k with sum_{n >= k} |h[n]| < threshold, found
// by running the cascade on an impulse in double (twice: once for the whole sum, once
// to find k), with no storage. Exact for the designed coefficients, whatever the
// family (Butterworth, elliptic, RBJ): no pole-radius rule of thumb.

#include <cstdint>
#include <span>

#include "fxgraph/nodes/dsp/biquad.h"

namespace fxgraph::dsp {

/// Frames after which the cascade's output stays below `threshold` once its input
/// (within [-1, 1]) stopped; UINT64_MAX when the response has not decayed within
/// `max_frames` (an unstable or nearly marginal filter).
std::uint64_t sos_tail_frames(std::span<const Biquad> sections, double threshold,
                              std::uint64_t max_frames = std::uint64_t(1) << 23);

}  // namespace fxgraph::dsp
