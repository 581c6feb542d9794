// `fxgraph jack` in a build without JACK (FXGRAPH_WITH_JACK=OFF; cmd_jack.cpp is left
// out). The subcommand still exists, so a user who types it learns why it cannot run
// and how to get it, instead of CLI11's "unexpected argument: jack".

#include "cli_support.h"
#include "cmd_jack.h"

namespace fxgraph::cli {

namespace {
constexpr const char* kNoJack =
    "this fxgraph was built without JACK (FXGRAPH_WITH_JACK=OFF); install "
    "libjack-jackd2-dev and rebuild to run graphs live on JACK";
}  // namespace

void run_jack_session(const LiveOptions&) {
  throw UsageError(kNoJack);
}

Command add_jack_command(CLI::App& app) {
  CLI::App* sub =
      app.add_subcommand("jack", "Run a YAML graph live as a JACK client (not in this build)");
  sub->allow_extras();  // whatever follows, the answer is the same
  return {sub, [] { throw UsageError(kNoJack); }};
}

}  // namespace fxgraph::cli
