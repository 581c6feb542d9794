#pragma once
// Close-match suggestions for a mistyped plugin URI or label ("did you mean …?").

#include <string>
#include <vector>

namespace fxgraph {

/// Up to `limit` candidates close to `wanted` (case-insensitive edit distance within a
/// third of the candidate's length, or containing `wanted`), best first.
std::vector<std::string> closest_names(const std::string& wanted,
                                       const std::vector<std::string>& candidates,
                                       std::size_t limit = 5);

}  // namespace fxgraph
