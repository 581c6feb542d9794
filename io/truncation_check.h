#pragma once
// truncation_problem(): whether an audio file's data is cut short (a half-finished
// download or copy, a recorder that died). libsndfile quietly shortens such a file and
// reads what is there, so a render would produce a shorter output that looks fine; the
// commands that read files (`process`, `run`, `info`, `batch`) ask here first.

#include <optional>
#include <string>

namespace fxgraph {

/// Why `path` looks truncated (its header announces more data than the file holds), or
/// nullopt. Throws IoError when the file cannot be opened.
std::optional<std::string> truncation_problem(const std::string& path);

}  // namespace fxgraph
