#pragma once
// The `--chain` mini-language of `fxgraph process`:
//
//     highpass(80) | lowpass(8000, order=2) | gain(gain_db=-3)
//
//   chain    := element ( '|' element )*
//   element  := TYPE [ '(' [ argument ( ',' argument )* ] ')' ]
//   argument := [ NAME '=' ] value
//   value    := number | word | "text" | 'text' | '[' number ( ',' number )* ']'
//
// TYPE is a registry name or alias. Positional values fill the type's parameters in
// the order it publishes them (Node::parameters()); `name=value` sets a parameter or a
// construction option by name. Words are for choice parameters (`window=hann`), quoted
// text for options that take text. Every mistake is a ChainSpecError that points at the
// column where it was found, so the message can show a caret under it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/engine/node_registry.h"

namespace fxgraph::cli {

/// A mistake in a chain spec. what() reads "--chain: expected ')' at column 13: <spec>";
/// control characters in the problem and the spec show as '?' (one for one, so
/// columns stay put).
class ChainSpecError : public ConfigError {
 public:
  ChainSpecError(const std::string& label, const std::string& problem, std::string spec,
                 std::size_t column);
  /// The spec as the message shows it (control characters replaced by '?').
  const std::string& spec() const noexcept { return spec_; }
  /// 1-based column of the mistake within spec().
  std::size_t column() const noexcept { return column_; }
  /// The message as a terminal `width` columns wide shows it after `prefix_width`
  /// characters (e.g. "fxgraph: error: "), with a '^' under the mistake. When it fits:
  /// what(), and a line with the caret under the column. When wider (the terminal would
  /// wrap it, and the caret would land elsewhere): what() without the spec, then on lines
  /// of their own the spec — a window of it around the column, "..." where cut, when
  /// it is too long — and the caret under it. Ends without a newline.
  std::string display(std::size_t prefix_width, std::size_t width = 80) const;

 private:
  std::string head_;  // what() up to the spec: "--chain: … at column 13"
  std::string spec_;
  std::size_t column_;
};

struct ChainArgument {
  std::string name;  ///< empty for a positional value
  OptionValue value;
  std::size_t column = 0;  ///< where the argument starts (1-based)
};

struct ChainElement {
  std::string type;
  std::vector<ChainArgument> arguments;
  std::size_t column = 0;  ///< where the type name starts (1-based)
};

/// Parses the syntax of `spec` (nothing is looked up). Throws ChainSpecError whose
/// message starts with `label` (e.g. "--chain").
std::vector<ChainElement> parse_chain_spec(const std::string& spec,
                                           const std::string& label = "--chain");

/// Parses `spec` and builds its nodes through `registry`, connected with Graph::chain
/// (nodes "0", "1", …). Unknown types, settings and bad values are ChainSpecErrors at
/// the column of the element or argument at fault.
Graph build_chain(const std::string& spec, const NodeRegistry& registry,
                  const std::string& label = "--chain");

}  // namespace fxgraph::cli
