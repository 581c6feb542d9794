#pragma once
// `fxgraph jack GRAPH.yaml`: runs a YAML graph live as a JACK client and takes
// parameter commands on standard input (see cmd_jack.cpp for the session protocol).

#include <CLI/CLI.hpp>

#include "commands.h"

namespace fxgraph::cli {

struct LiveOptions;

Command add_jack_command(CLI::App& app);

/// Runs the session on JACK (`fxgraph jack`, `fxgraph live --backend jack`). In a build
/// without JACK it throws UsageError saying so.
void run_jack_session(const LiveOptions& options);

}  // namespace fxgraph::cli
