#include "text_table.h"

#include <algorithm>

namespace fxgraph::cli {

void print_table(std::ostream& out, const std::vector<TableRow>& rows, const std::string& indent) {
  std::vector<std::size_t> widths;
  for (const TableRow& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], row[c].size());
    }
  for (const TableRow& row : rows) {
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

}  // namespace fxgraph::cli
