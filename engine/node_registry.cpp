#include "fxgraph/engine/node_registry.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "fxgraph/engine/bypass.h"
#include "fxgraph/engine/errors.h"

namespace fxgraph {

std::string NodeOptions::context(const std::string& key) const {
  return "option '" + key + "'" + (where_.empty() ? "" : " of " + where_);
}

double NodeOptions::number(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_.insert(key);
  if (const double* v = std::get_if<double>(&it->second)) return *v;
  throw ConfigError(context(key) + " must be a number", {.key = key});
}

std::string NodeOptions::text(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  used_.insert(key);
  if (const auto* v = std::get_if<std::string>(&it->second)) return *v;
  if (const double* d = std::get_if<double>(&it->second)) {
    std::ostringstream out;
    out << *d;
    return out.str();
  }
  throw ConfigError(context(key) + " must be a single value, not a list", {.key = key});
}

std::vector<double> NodeOptions::numbers(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return {};
  used_.insert(key);
  if (const auto* v = std::get_if<std::vector<double>>(&it->second)) return *v;
  if (const double* d = std::get_if<double>(&it->second)) return {*d};
  throw ConfigError(context(key) + " must be a number or a list of numbers", {.key = key});
}

long NodeOptions::integer(const std::string& key, long fallback, long lo, long hi) const {
  const double v = number(key, double(fallback));
  if (!std::isfinite(v) || v != std::floor(v) || v < double(lo) || v > double(hi))
    throw ConfigError(context(key) + " must be a whole number in [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "]",
                      {.key = key});
  return long(v);
}

std::vector<std::string> NodeOptions::unused() const {
  std::vector<std::string> out;
  for (const auto& [key, value] : values_)
    if (!used_.count(key)) out.push_back(key);
  return out;
}

void NodeRegistry::add(NodeType type) {
  types_.push_back(std::move(type));
  std::sort(types_.begin(), types_.end(),
            [](const NodeType& a, const NodeType& b) { return a.name < b.name; });
}

const NodeType* NodeRegistry::find(const std::string& name) const {
  for (const auto& t : types_) {
    if (t.name == name) return &t;
    if (std::find(t.aliases.begin(), t.aliases.end(), name) != t.aliases.end()) return &t;
  }
  return nullptr;
}

std::vector<std::string> NodeRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& t : types_) out.push_back(t.name);
  return out;
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same = std::tolower(a[i - 1]) == std::tolower(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::vector<std::string> NodeRegistry::close_matches(const std::string& name) const {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& t : types_) {
    std::vector<std::string> candidates{t.name};
    candidates.insert(candidates.end(), t.aliases.begin(), t.aliases.end());
    for (const auto& c : candidates) {
      const std::size_t d = edit_distance(name, c);
      const bool contains = c.find(name) != std::string::npos && name.size() >= 3;
      if (d <= std::max<std::size_t>(2, c.size() / 3) || contains) scored.push_back({d, c});
    }
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (const auto& [d, c] : scored)
    if (std::find(out.begin(), out.end(), c) == out.end() && out.size() < 5) out.push_back(c);
  return out;
}

std::vector<ParameterSpec> NodeRegistry::parameters_of(const std::string& type) const {
  try {
    return create(type, NodeOptions{})->parameters();
  } catch (const Error&) {
    // Types that need settings (FIR taps) are built from their example instead; when
    // that fails too (a file that is not here), the defaults' error is the clearer one.
    const NodeType* found = find(type);
    if (!found || found->example.empty()) throw;
    try {
      return create(type, NodeOptions(found->example))->parameters();
    } catch (const Error&) {
    }
    throw;
  }
}

std::shared_ptr<Node> NodeRegistry::create(const std::string& type_name,
                                           const NodeOptions& options) const {
  const NodeType* type = find(type_name);
  const std::string where = options.where().empty() ? "" : " (" + options.where() + ")";
  if (!type) {
    const auto close = close_matches(type_name);
    // The setting at fault is `type:`, whose value names no type.
    throw ConfigError("unknown node type '" + type_name + "'" + where +
                          (close.empty() ? "" : "; did you mean " + join_names(close) + "?") +
                          " Run `fxgraph nodes` for the list",
                      {.key = "type"});
  }
  for (const auto& group : type->exclusive) {
    std::vector<std::string> given;
    for (const std::string& key : group)
      if (options.has(key)) given.push_back("'" + key + "'");
    if (given.size() > 1)
      throw ConfigError(
          "settings " + given.front() + " and " + given.back() + " of " + type->name + where +
              " are views of one value; give only one of them",
          {.key = given.back().substr(1, given.back().size() - 2), .key_part = KeyPart::name});
  }
  // Parameters are set after construction: mark them used before the factory reads.
  auto node = type->factory(options);
  // `bypass: 1` in a graph file: the parameter Graph::add would give it, given early.
  if (options.has(std::string(kBypassParameter))) node->enable_bypass();
  for (const auto& [key, value] : options.values()) {
    const int index = node->find_parameter(key);
    if (index < 0) continue;
    options.mark_used(key);
    const ParameterSpec& spec = node->parameters()[std::size_t(index)];
    // Only the name goes inside the quotes; where the node is stays outside them.
    const std::string parameter = "parameter '" + key + "'" + where;
    if (const double* d = std::get_if<double>(&value)) {
      node->configure_parameter(key, *d);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      if (spec.kind == ParameterKind::choice) {
        node->configure_parameter(key, choice_index(spec, *s, key));
      } else {
        throw ParameterError(parameter + " must be a number, got '" + *s + "'", {.key = key});
      }
    } else {
      throw ParameterError(parameter + " must be a single number, not a list", {.key = key});
    }
  }
  const auto unused = options.unused();
  if (!unused.empty()) {
    std::vector<std::string> valid;
    for (const auto& p : node->parameters()) valid.push_back(p.name);
    for (const auto& o : type->options) valid.push_back(o.name);
    throw ConfigError("unknown setting '" + unused.front() + "' for node type '" + type->name +
                          "'" + where + ": valid settings are " + join_names(valid),
                      {.key = unused.front(), .key_part = KeyPart::name});
  }
  return node;
}

}  // namespace fxgraph
