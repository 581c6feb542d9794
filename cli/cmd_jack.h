#pragma once
// `fxgraph jack GRAPH.yaml`: runs a YAML graph live as a JACK client and takes
// parameter commands on standard input (see cmd_jack.cpp for the session protocol).

#include <CLI/CLI.hpp>

#include "commands.h"

namespace fxgraph::cli {

Command add_jack_command(CLI::App& app);

}  // namespace fxgraph::cli
