#pragma once
// The live session's `ramp PATH VALUE SECONDS` (installed by install_ramp,
// cli/live_session.cpp; its help in session_command_table.cpp): moves a parameter in a
// straight line from the value it has now to VALUE over SECONDS, starting now, on the
// exact samples (RealtimeProcessor::automate). A later `set` on the path ends the ramp;
// a later `ramp` replaces it, starting from where the first one got to.

#include <string>
#include <vector>

#include "fxgraph/engine/realtime_processor.h"
#include "session_commands.h"

namespace fxgraph::cli {

/// Carries out `ramp` with its three arguments; returns the answer line
/// ("ok ramp lp.cutoff 1000 -> 8000 over 4 s"). Throws UsageError for arguments that are
/// not numbers or a duration that is not positive, ParameterError for an unknown path or
/// a value the parameter refuses.
std::string run_ramp_command(RealtimeProcessor& rt, const std::vector<std::string>& args);

/// Adds `ramp` to a session's commands.
void install_ramp(SessionCommands& commands);

}  // namespace fxgraph::cli
