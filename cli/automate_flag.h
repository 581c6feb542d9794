#pragma once
// `--automate "lp.cutoff=0:200,4:8000,exp"` (repeatable, on `run` and `process`): a
// parameter moved along points in time while the graph renders (engine/automation.h).
//
// Syntax: PATH=SECONDS:VALUE,SECONDS:VALUE…[,CURVE], the curve last (linear, lin,
// exponential, exp, hold, step; default linear). Times count from the start of the
// input, in seconds.

#include <string>
#include <vector>

#include "fxgraph/engine/automation.h"
#include "fxgraph/engine/graph.h"

namespace fxgraph::cli {

/// Parses one --automate value. Throws UsageError naming the part at fault and showing
/// the syntax.
Automation parse_automate_flag(const std::string& text);

/// Parses every --automate value and checks each against `graph` (check_automation:
/// ParameterError naming the path and what is wrong, prefixed with the option).
std::vector<Automation> automate_flags(const Graph& graph, const std::vector<std::string>& texts);

/// The --help line of the option, with an example.
inline constexpr const char* kAutomateHelp =
    "move a parameter over time, PATH=SECONDS:VALUE,…[,CURVE] with CURVE linear (default), "
    "exp or hold, e.g. \"lp.cutoff=0:200,4:8000,exp\" (repeatable)";

}  // namespace fxgraph::cli
