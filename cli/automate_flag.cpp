#include "automate_flag.h"

#include "cli_support.h"
#include "fxgraph/engine/errors.h"

namespace fxgraph::cli {

namespace {
const char* const kSyntax =
    "expected PATH=SECONDS:VALUE,SECONDS:VALUE…[,CURVE], e.g. \"lp.cutoff=0:200,4:8000,exp\"";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  for (;;) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}
}  // namespace

Automation parse_automate_flag(const std::string& text) {
  const std::string option = "--automate \"" + text + "\": ";
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    throw UsageError(option + "no PATH= in front; " + kSyntax);
  Automation automation;
  automation.path = text.substr(0, equals);
  std::vector<std::string> items = split(text.substr(equals + 1), ',');
  if (!items.empty() && items.back().find(':') == std::string::npos) {
    try {
      automation.curve = parse_automation_curve(items.back());
    } catch (const Error& error) {
      throw UsageError(option + error.what());
    }
    items.pop_back();
  }
  for (const std::string& item : items) {
    const auto colon = item.find(':');
    const auto seconds =
        colon == std::string::npos ? std::nullopt : parse_number(item.substr(0, colon));
    const auto value =
        colon == std::string::npos ? std::nullopt : parse_number(item.substr(colon + 1));
    if (!seconds || !value)
      throw UsageError(option + "'" + item + "' is not SECONDS:VALUE; " + kSyntax);
    automation.points.push_back({*seconds, *value});
  }
  if (automation.points.empty()) throw UsageError(option + "no points; " + kSyntax);
  return automation;
}

std::vector<Automation> automate_flags(const Graph& graph, const std::vector<std::string>& texts) {
  std::vector<Automation> out;
  for (const std::string& text : texts) {
    out.push_back(parse_automate_flag(text));
    try {
      check_automation(graph, out.back());
    } catch (Error& error) {
      error.prefix_message("--automate \"" + text + "\": ");
      throw;
    }
  }
  return out;
}

}  // namespace fxgraph::cli
