#pragma once
// The one check every filter node makes in prepare() and for live cutoff changes: the
// cutoff must lie strictly below the Nyquist frequency. Parameter ranges cannot say
// this (they do not know the sample rate), so the node checks once it is prepared.
// Control thread only (throws, allocates the message).

#include <cstdio>
#include <string>
#include <string_view>

#include "fxgraph/engine/errors.h"

namespace fxgraph::filters {

/// Throws ParameterError naming the node type, the cutoff and the Nyquist frequency
/// unless 0 < cutoff_hz < sample_rate / 2.
inline void check_below_nyquist(std::string_view node_type, std::string_view what, double cutoff_hz,
                                double sample_rate) {
  const double nyquist = sample_rate / 2;
  if (cutoff_hz > 0.0 && cutoff_hz < nyquist) return;
  char text[256];
  std::snprintf(text, sizeof text,
                "%.*s: %.*s %.10g Hz must be below the Nyquist frequency %.10g Hz (sample "
                "rate %.10g Hz)",
                int(node_type.size()), node_type.data(), int(what.size()), what.data(), cutoff_hz,
                nyquist, sample_rate);
  throw ParameterError(text);
}

}  // namespace fxgraph::filters
