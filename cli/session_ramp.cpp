#include "session_ramp.h"

#include <cmath>

#include "cli_support.h"
#include "fxgraph/engine/automation.h"

namespace fxgraph::cli {

namespace {

std::string ramp_usage() {
  return std::string(find_session_command_help("ramp")->usage) + ", e.g. ramp lp.cutoff 8000 4";
}

}  // namespace

std::string run_ramp_command(RealtimeProcessor& rt, const std::vector<std::string>& args) {
  if (args.size() != 3)
    throw UsageError("'ramp' takes 3 arguments, got " + std::to_string(args.size()) +
                     "; usage: " + ramp_usage());
  const std::string& path = args[0];
  const auto target = parse_number(args[1]);
  const auto seconds = parse_number(args[2]);
  if (!target) throw UsageError("'" + args[1] + "' is not a number; usage: " + ramp_usage());
  if (!seconds || !(*seconds > 0.0) || !std::isfinite(*seconds))
    throw UsageError("'" + args[2] +
                     "' is not a positive number of seconds; usage: " + ramp_usage());
  // From the value the parameter has now (an earlier ramp's, if one is running), at the
  // automation time the audio thread last reached.
  const double from = rt.get_parameter(path);
  const double now = rt.automation_seconds();
  rt.automate({.path = path,
               .points = {{now, from}, {now + *seconds, *target}},
               .curve = AutomationCurve::linear});
  return "ok ramp " + path + " " + format_number(from) + " -> " + format_number(*target) +
         " over " + format_number(*seconds) + " s";
}

void install_ramp(SessionCommands& commands) {
  commands.add(
      {.name = "ramp", .min_args = 3, .max_args = 3, .run = [&commands](const SessionCall& call) {
         call.reply(run_ramp_command(commands.processor(), call.args));
       }});
}

}  // namespace fxgraph::cli
