#pragma once
// The subcommands of `fxgraph`. Each add_*_command registers its CLI11 subcommand
// (options, help text with an example) on `app` and returns what to run when it is the
// one the user chose. Commands report problems by throwing (see main.cpp for how each
// exception maps to an exit status) and print their results on stdout.

#include <CLI/CLI.hpp>
#include <functional>

namespace fxgraph::cli {

struct Command {
  CLI::App* app;
  std::function<void()> run;
};

Command add_run_command(CLI::App& app);
Command add_process_command(CLI::App& app);
Command add_nodes_command(CLI::App& app);
Command add_check_command(CLI::App& app);
Command add_dot_command(CLI::App& app);
Command add_info_command(CLI::App& app);
Command add_batch_command(CLI::App& app);
Command add_plugins_command(CLI::App& app);
Command add_live_command(CLI::App& app);

}  // namespace fxgraph::cli
