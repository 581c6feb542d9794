#pragma once
// Plain-text tables for the listing commands (`fxgraph nodes`, `fxgraph plugins`).

#include <ostream>
#include <string>
#include <vector>

namespace fxgraph::cli {

using TableRow = std::vector<std::string>;

/// Prints rows as left-aligned columns two spaces apart; the last column is not padded.
void print_table(std::ostream& out, const std::vector<TableRow>& rows, const std::string& indent);

}  // namespace fxgraph::cli
