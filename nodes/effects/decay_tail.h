#pragma once
// Tail lengths of the feedback effects (echo, delay, reverb): how many periods a loop
// with gain `feedback` < 1 needs before a signal of at most `peak` falls below the
// tail threshold. Node::tail() overrides build on it; the conformance test checks them.

#include <cmath>
#include <cstdint>

#include "fxgraph/engine/node.h"

namespace fxgraph {

/// Round trips of a loop with gain `feedback` until `peak` · feedback^n < threshold.
/// 0 when the peak is already below it; Tail::kUnbounded when the loop does not decay.
inline std::uint64_t loops_to_decay(double feedback, double peak,
                                    double threshold = Tail::kThreshold) {
  if (peak < threshold) return 0;
  if (feedback <= 0.0) return 1;
  if (feedback >= 1.0) return Tail::kUnbounded;
  return std::uint64_t(std::ceil(std::log(threshold / peak) / std::log(feedback))) + 1;
}

/// a + b without wrapping past Tail::kUnbounded.
inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > Tail::kUnbounded - b ? Tail::kUnbounded : a + b;
}

/// a · b without wrapping past Tail::kUnbounded.
inline std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b) {
  return b != 0 && a > Tail::kUnbounded / b ? Tail::kUnbounded : a * b;
}

}  // namespace fxgraph
