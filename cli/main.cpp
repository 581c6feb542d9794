// fxgraph: the command line of the graph engine.
//
//   fxgraph run GRAPH.yaml [--set node.param=value]... [--input F] [--output F] …
//   fxgraph process IN OUT --chain "highpass(80) | gain(1.5)"
//   fxgraph nodes [TYPE]        fxgraph check GRAPH.yaml
//   fxgraph dot GRAPH.yaml      fxgraph info FILE
//   fxgraph batch GRAPH.yaml data/ --out-dir out/   (many files, every core; cmd_batch.cpp)
//   fxgraph jack GRAPH.yaml     (live, as a JACK client; cmd_jack.cpp — in a build
//                               without JACK it exits 2 saying so, cmd_jack_unavailable.cpp)
//   fxgraph live GRAPH.yaml     (live on a sound card through PortAudio, or JACK; cmd_live.cpp)
//
// Output: results on stdout; every message about a problem on stderr, starting with
// "fxgraph: error: "; the progress bar on stderr, and only on a terminal.
//
// Exit status
//   0  success, and `--help` / `--version` (their text goes to stdout).
//   2  bad usage or bad input — the request cannot be carried out as written, and
//      nothing was written:
//        - command-line errors (CLI11: unknown option, missing argument, bad number);
//        - UsageError, the CLI's own checks: a missing, unreadable, non-audio or
//          truncated input file, an output folder that does not exist, output equal to
//          input, an unknown --format, --input/--output on a graph without exactly one
//          file_in/file_out node, a malformed --set;
//        - the library's ConfigError, GraphError and ParameterError (YAML syntax, unknown
//          node types or settings, cycles, channel mismatches, duplicate ids, values out
//          of range, --chain mistakes);
//        - IoError raised before any output is written (opening inputs, validating
//          output formats) — commands check all of these before they start writing.
//   128 + N  stopped by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129) during `process`,
//      `run` or `batch` (interrupt_signals.h): the render stopped, no output was left behind.
//   1  runtime failure — the request was sound but carrying it out failed: an IoError
//      once writing has started (disk full, a write or rename failing, a read error in
//      the middle of a file), a RealtimeError, running out of memory, anything
//      unexpected. The output path is still untouched (outputs are written to a
//      temporary file and renamed on success), but the cause is outside the request.
// A command marks the part that writes with run_output_phase() (cli_support.h), which
// turns IoError into RuntimeFailure; that is the whole of the 1-versus-2 decision.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "chain_spec.h"
#include "cli_support.h"
#include "cmd_jack.h"
#include "commands.h"
#include "fxgraph/engine/errors.h"
#include "interrupt_signals.h"

namespace {

// FXGRAPH_VERSION comes from project(fxgraph VERSION …) in CMakeLists.txt.
constexpr const char* kVersion = FXGRAPH_VERSION;
constexpr const char* kErrorPrefix = "fxgraph: error: ";

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void print_error(const std::string& message) {
  std::cout.flush();  // results printed so far come before the error
  std::fprintf(stderr, "%s%s\n", kErrorPrefix, message.c_str());
}

/// Reports a failed command and gives its exit status. A command that failed after
/// SIGINT/SIGTERM/SIGHUP failed because of it (the render stopped, or a read was cut
/// short), whatever the exception says: that is what the user is told, with 128 + N.
int fail(int status, const std::string& message) {
  if (const int signal_number = fxgraph::cli::received_signal()) {
    std::cout.flush();
    const char* name = sigabbrev_np(signal_number);  // "INT"
    std::fprintf(stderr, "fxgraph: interrupted by SIG%s; no unfinished output was left\n",
                 name ? name : "(unknown)");
    return fxgraph::cli::exit_status_for_signal(signal_number);
  }
  print_error(message);
  return status;
}

/// The first argument that is not an option (the command the user meant), or null.
const char* first_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') return argv[i];
  return nullptr;
}

/// `text` with control characters as '?', for quoting what the user typed.
std::string printable(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fxgraph;

  CLI::App app{"fxgraph: run audio through a compiled dataflow graph", "fxgraph"};
  app.set_version_flag("--version", std::string("fxgraph ") + kVersion);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  fxgraph run graphs/demo.yaml --output out/demo.wav\n"
      "  fxgraph process in.wav out.wav --chain \"gain(0.5)\"\n"
      "  fxgraph nodes gain\n"
      "Run `fxgraph COMMAND --help` for the options of a command.");

  std::vector<cli::Command> commands{cli::add_run_command(app),     cli::add_process_command(app),
                                     cli::add_nodes_command(app),   cli::add_check_command(app),
                                     cli::add_dot_command(app),     cli::add_info_command(app),
                                     cli::add_jack_command(app),    cli::add_batch_command(app),
                                     cli::add_plugins_command(app), cli::add_live_command(app)};

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
        return app.exit(e);  // --help, --version: stdout, exit 0
      // CLI11 says "A subcommand is required" for `fxgraph foo` and for `fxgraph`: say
      // which word is not a command, and what the commands are.
      const bool in_command = std::any_of(commands.begin(), commands.end(),
                                          [](const cli::Command& c) { return c.app->parsed(); });
      if (!in_command) {
        std::string names;
        bool known = false;
        const char* word = first_word(argc, argv);
        for (const CLI::App* sub : app.get_subcommands({})) {
          names += (names.empty() ? "" : ", ") + sub->get_name();
          known = known || (word && sub->check_name(word));
        }
        if (word && !known) {
          print_error("unknown command '" + printable(word) + "'; the commands are " + names);
          std::fprintf(stderr, "Run `fxgraph --help` for usage.\n");
          return kExitUsage;
        }
        if (!word) {
          print_error("no command given; the commands are " + names);
          std::fprintf(stderr, "Run `fxgraph --help` for usage.\n");
          return kExitUsage;
        }
      }
      print_error(e.what());
      std::string help = "fxgraph --help";
      for (const auto& command : commands)
        if (command.app->parsed()) help = "fxgraph " + command.app->get_name() + " --help";
      std::fprintf(stderr, "Run `%s` for usage.\n", help.c_str());
      return kExitUsage;
    }
    for (const auto& command : commands)
      if (command.app->parsed()) command.run();
    std::cout.flush();
    return kExitOk;
  } catch (const cli::ChainSpecError& e) {
    print_error(e.display(std::string_view(kErrorPrefix).size()));
    return kExitUsage;
  } catch (const cli::RuntimeFailure& e) {
    return fail(kExitFailure, e.what());
  } catch (const cli::UsageError& e) {
    return fail(kExitUsage, e.what());
  } catch (const ConfigError& e) {
    return fail(kExitUsage, e.what());
  } catch (const GraphError& e) {
    return fail(kExitUsage, e.what());
  } catch (const ParameterError& e) {
    return fail(kExitUsage, e.what());
  } catch (const IoError& e) {
    // Outside run_output_phase: raised while opening or checking, before any writing.
    return fail(kExitUsage, e.what());
  } catch (const std::bad_alloc&) {
    return fail(kExitFailure, "out of memory");
  } catch (const std::exception& e) {
    return fail(kExitFailure, e.what());
  }
}
