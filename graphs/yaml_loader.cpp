#include "fxgraph/graphs/yaml_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/parameter_lookup.h"
#include "fxgraph/graphs/connectivity.h"

namespace fxgraph {

namespace {

const std::vector<std::string> kTopLevelKeys{"name",  "sample_rate", "block_size", "nodes",
                                             "edges", "chain",       "input",      "output",
                                             "automation", "midi"};

YamlLocation location_of(const YAML::Mark& mark) {
  return {mark.line + 1, mark.column + 1};
}

/// The node's mark, or `fallback` when it has none (implicit nulls, missing nodes).
YAML::Mark mark_or(const YAML::Node& node, const YAML::Mark& fallback) {
  if (!node.IsDefined()) return fallback;
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? fallback : mark;
}

std::string kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    case YAML::NodeType::Null:
      return "an empty value";
    default:
      return "nothing";
  }
}

/// Plain (unquoted) scalars carry the non-specific tag "?"; quoted ones "!".
bool is_plain(const YAML::Node& node) {
  return node.Tag() == "?";
}

std::optional<double> parse_number(const std::string& text) {
  if (text == ".inf" || text == "+.inf" || text == ".Inf" || text == ".INF")
    return std::numeric_limits<double>::infinity();
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF")
    return -std::numeric_limits<double>::infinity();
  if (text == ".nan" || text == ".NaN" || text == ".NAN")
    return std::numeric_limits<double>::quiet_NaN();
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  // from_chars would accept "inf" and "nan"; YAML spells them .inf and .nan.
  const char* digits = first != last && *first == '-' ? first + 1 : first;
  if (digits == last || !(std::isdigit(static_cast<unsigned char>(*digits)) || *digits == '.'))
    return std::nullopt;
  double value = 0.0;
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last) return std::nullopt;
  return value;
}

std::optional<double> parse_bool(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return 1.0;
  if (text == "false" || text == "False" || text == "FALSE") return 0.0;
  return std::nullopt;
}

template <class Map>
std::optional<typename Map::mapped_type> lookup(const Map& map, const typename Map::key_type& key) {
  const auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

/// Where in the document an error's fields point: its edge; else its node's setting
/// (the key or the value, whichever the error blames); else its node; else the graph
/// setting its key names (`input:`, `output:`). Nothing when the document has none.
std::optional<YamlLocation> find_location(const GraphDocument& doc, const ErrorContext& context) {
  if (!context.edge.empty())
    if (auto loc = lookup(doc.edge_locations, context.edge)) return loc;
  if (!context.node.empty() && !context.key.empty()) {
    if (auto setting = lookup(doc.setting_locations, {context.node, context.key}))
      return context.key_part == KeyPart::name ? setting->key : setting->value;
  }
  if (!context.node.empty()) return lookup(doc.node_locations, context.node);
  if (context.key == "input") return doc.input_location;
  if (context.key == "output") return doc.output_location;
  return std::nullopt;
}

/// An example edge for a message about the malformed edge `text`, in valid syntax only:
/// the graph's node ids that `text` names, in order (`in => out` gives `in -> out`),
/// topped up with other ids of the graph; never the user's text itself.
std::string example_edge(const std::string& text, const Graph& graph) {
  std::vector<std::string> ids;
  const auto add = [&](const std::string& id) {
    if (ids.size() < 2 && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  std::string word;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      word += c;
      continue;
    }
    if (graph.contains(word)) add(word);
    word.clear();
  }
  for (const std::string& id : graph.ids()) add(id);
  if (ids.size() < 2) return "`source -> destination`";
  return "`" + ids[0] + " -> " + ids[1] + "`";
}

/// Points `error` at the token its fields name (see find_location), or at the document
/// as a whole when they name none of its tokens.
void locate_in(Error& error, const GraphDocument& doc) {
  const auto loc = find_location(doc, error.context());
  error.locate_at(loc ? SourceLocation{doc.source, loc->first, loc->second}
                      : SourceLocation{doc.source});
}

/// One `key: value` of a mapping, with the key's text and both marks.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

class Loader {
 public:
  Loader(const NodeRegistry& registry, std::string source, std::string folder)
      : registry_(registry), source_(std::move(source)), folder_(std::move(folder)) {}

  GraphDocument load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      throw error_at<ConfigError>(e.mark, "YAML syntax error: " + e.msg);
    }
    try {
      return build(root);
    } catch (const YAML::Exception& e) {
      // yaml-cpp surprises (conversions, invalid nodes) still get a location.
      throw error_at<ConfigError>(e.mark, "YAML error: " + e.msg);
    }
  }

 private:
  SourceLocation location(const YAML::Mark& mark) const {
    if (mark.is_null()) return {source_};
    const auto [line, column] = location_of(mark);
    return {source_, line, column};
  }

  /// A new E pointed at `mark`: its location field set, its message prefixed with it.
  template <class E>
  E error_at(const YAML::Mark& mark, const std::string& message, ErrorContext context = {}) const {
    E error(message, std::move(context));
    error.locate_at(location(mark));
    return error;
  }
  template <class E>
  E error_at(const YAML::Node& node, const std::string& message, ErrorContext context = {}) const {
    return error_at<E>(mark_or(node, YAML::Mark::null_mark()), message, std::move(context));
  }

  /// Points a caught error at `mark`, its message prefixed with `prefix` first; the
  /// caller rethrows the same object (`throw;`), so its type survives.
  void point_at(Error& error, const YAML::Mark& mark, std::string_view prefix = "") const {
    error.prefix_message(prefix);
    error.locate_at(location(mark));
  }

  /// The entries of a mapping in file order, refusing repeated and non-scalar keys
  /// (yaml-cpp keeps both entries of a repeated key, but `map["key"]` sees only one).
  template <class DuplicateError>
  std::vector<Entry> entries(const YAML::Node& map, const std::string& what,
                             const std::string& duplicate_noun) const {
    std::vector<Entry> out;
    for (const auto& item : map) {
      if (!item.first.IsScalar())
        throw error_at<ConfigError>(
            item.first, "keys of " + what + " must be plain names, not " + kind_name(item.first));
      Entry entry{item.first.Scalar(), item.first, item.second};
      for (const Entry& earlier : out) {
        if (earlier.key == entry.key) {
          const auto [line, column] = location_of(earlier.key_node.Mark());
          throw error_at<DuplicateError>(
              item.first, "duplicate " + duplicate_noun + " '" + entry.key + "' in " + what +
                              " (first defined at line " + std::to_string(line) + ", column " +
                              std::to_string(column) + "); each must appear once");
        }
      }
      out.push_back(std::move(entry));
    }
    return out;
  }

  GraphDocument build(const YAML::Node& root) {
    GraphDocument doc;
    doc.source = source_;
    if (!root.IsMap()) {
      const std::string found = root.IsNull() ? "an empty document" : kind_name(root);
      throw error_at<ConfigError>(
          mark_or(root, YAML::Mark()),
          "expected a mapping at the top level (with `nodes:` or `chain:`), found " + found);
    }
    const auto top = entries<ConfigError>(root, "the top level", "key");
    const Entry* nodes = nullptr;
    const Entry* edges = nullptr;
    const Entry* chain = nullptr;
    const Entry* input = nullptr;
    const Entry* output = nullptr;
    const Entry* automation = nullptr;
    for (const Entry& e : top) {
      if (e.key == "name") {
        doc.name = scalar_text(e, "a graph name");
      } else if (e.key == "sample_rate") {
        const double rate = number(e, "a sample rate in Hz");
        if (!(rate > 0.0) || !std::isfinite(rate))
          throw error_at<ParameterError>(
              e.value, "sample_rate must be a positive number of Hz, got " + e.value.Scalar(),
              {.key = e.key});
        doc.sample_rate = rate;
      } else if (e.key == "block_size") {
        const double frames = number(e, "a block size in frames");
        if (frames != std::floor(frames) || frames < 1 || frames > double(1 << 20))
          throw error_at<ParameterError>(
              e.value,
              "block_size must be a whole number of frames in [1, 1048576], got " +
                  e.value.Scalar(),
              {.key = e.key});
        doc.block_size = std::uint32_t(frames);
      } else if (e.key == "nodes") {
        nodes = &e;
      } else if (e.key == "edges") {
        edges = &e;
      } else if (e.key == "chain") {
        chain = &e;
      } else if (e.key == "input") {
        input = &e;
      } else if (e.key == "output") {
        output = &e;
      } else if (e.key == "midi") {
        // MIDI control mappings, for a live session: graphs/midi_map.h reads them.
      } else if (e.key == "automation") {
        automation = &e;
      } else {
        throw error_at<ConfigError>(
            e.key_node,
            "unknown top-level key '" + e.key + "': valid keys are " + join_names(kTopLevelKeys),
            {.key = e.key, .key_part = KeyPart::name});
      }
    }

    if (nodes && chain)
      throw error_at<GraphError>(chain->key_node,
                                 "a graph has either `nodes:` (with `edges:`) or `chain:`, not "
                                 "both (`nodes:` is at line " +
                                     std::to_string(location_of(nodes->key_node.Mark()).first) +
                                     ")");
    if (chain && edges)
      throw error_at<GraphError>(
          edges->key_node, "`edges:` goes with `nodes:`; a `chain:` connects its nodes in order");
    if (!nodes && !chain)
      throw error_at<ConfigError>(
          root, "expected `nodes:` (with `edges:`) or `chain:`: the document describes no nodes");

    if (chain) {
      load_chain(*chain, doc);
    } else {
      load_nodes(*nodes, doc);
      if (edges) load_edges(*edges, doc);
    }
    if (input) {
      const Endpoint e = endpoint_setting(*input, doc, PortDirection::input);
      doc.graph.set_input(e);
      doc.input_location = location_of(input->value.Mark());
    }
    if (output) {
      const Endpoint e = endpoint_setting(*output, doc, PortDirection::output);
      doc.graph.set_output(e);
      doc.output_location = location_of(output->value.Mark());
    }
    if (automation) load_automation(*automation, doc);
    return doc;
  }

  // ---- automation ----

  void load_automation(const Entry& section, GraphDocument& doc) const {
    if (section.value.IsNull()) return;
    if (!section.value.IsMap())
      throw error_at<ConfigError>(
          mark_or(section.value, section.key_node.Mark()),
          "`automation:` must be a mapping of node.param to `{ curve: …, points: [[seconds, "
          "value], …] }`, not " +
              kind_name(section.value));
    for (const Entry& e : entries<ConfigError>(section.value, "`automation:`", "parameter")) {
      doc.automation.push_back(automation_entry(e, doc));
      doc.automation_locations[doc.automation.back().path] = location_of(e.key_node.Mark());
    }
  }

  /// One `node.param: { curve: …, points: … }` of `automation:`, checked against the graph.
  Automation automation_entry(const Entry& e, const GraphDocument& doc) const {
    const std::string label = "automation of '" + e.key + "'";
    const std::string shape = "`{ curve: exp, points: [[0, 200], [4, 8000]] }`";
    if (!e.value.IsMap())
      throw error_at<ConfigError>(
          mark_or(e.value, e.key_node.Mark()),
          label + " must be a mapping like " + shape + ", not " + kind_name(e.value));
    Automation automation;
    const Entry* curve = nullptr;
    const Entry* points = nullptr;
    // Kept while `curve` and `points` point into it.
    const auto items = entries<ConfigError>(e.value, label, "key");
    for (const Entry& item : items) {
      if (item.key == "curve")
        curve = &item;
      else if (item.key == "points")
        points = &item;
      else
        throw error_at<ConfigError>(item.key_node, label + ": unknown key '" + item.key +
                                                       "'; valid keys are curve, points");
    }
    // The path first: an unknown node or parameter is the entry's key at fault.
    ParameterLookup found;
    try {
      found = find_parameter(doc.graph, e.key);
      automation.path = ParameterPath::parse(e.key).str();
    } catch (Error& error) {
      point_at(error, e.key_node.Mark(), "`automation:`: ");
      throw;
    }
    if (curve) {
      const std::string name = scalar_text(*curve, "a curve name (linear, exp, hold)");
      try {
        automation.curve = parse_automation_curve(name);
      } catch (Error& error) {
        point_at(error, curve->value.Mark(), label + ": ");
        throw;
      }
    }
    if (!points)
      throw error_at<ConfigError>(e.value, label + " has no `points:`; expected " + shape);
    if (!points->value.IsSequence())
      throw error_at<ConfigError>(mark_or(points->value, points->key_node.Mark()),
                                  label +
                                      ": `points:` must be a list of [seconds, value] pairs, "
                                      "not " +
                                      kind_name(points->value));
    std::vector<YAML::Mark> marks;
    for (std::size_t i = 0; i < points->value.size(); ++i) {
      const YAML::Node item = points->value[i];
      marks.push_back(mark_or(item, points->value.Mark()));
      std::optional<double> t, v;
      if (item.IsSequence() && item.size() == 2 && item[0].IsScalar() && item[1].IsScalar() &&
          is_plain(item[0]) && is_plain(item[1])) {
        t = parse_number(item[0].Scalar());
        v = parse_number(item[1].Scalar());
      }
      if (!t || !v)
        throw error_at<ConfigError>(
            marks.back(), label + ": point " + std::to_string(i + 1) + " is " + kind_name(item) +
                              "; expected [seconds, value], e.g. [4, 8000]");
      automation.points.push_back({*t, *v});
    }
    // The points one more at a time, so an error points at the first point at fault (or
    // at `curve:` when the curve does not suit the parameter at all).
    const ParameterSpec& spec = found.node->parameters()[found.index];
    const ErrorContext context{.node = ParameterPath::parse(e.key).node};
    for (std::size_t n = automation.points.empty() ? 0 : 1; n <= automation.points.size(); ++n) {
      try {
        validate_automation(spec, std::span(automation.points).first(n), automation.curve,
                            automation.path);
      } catch (Error& error) {
        error.add_context(context);
        const bool curve_at_fault =
            n <= 1 && automation.curve != AutomationCurve::hold &&
            (spec.kind == ParameterKind::choice || spec.kind == ParameterKind::toggle);
        point_at(error, curve_at_fault && curve ? curve->value.Mark()
                        : n == 0                ? points->value.Mark()
                                                : marks[n - 1]);
        throw;
      }
      if (n == 0) break;
    }
    return automation;
  }

  /// `unconnected: ok` (or `true`): the node is off the signal path on purpose.
  void mark_unconnected(const std::string& id, const Entry& e, GraphDocument& doc) const {
    const std::string text = e.value.IsScalar() ? e.value.Scalar() : "";
    if (text != "ok" && text != "true")
      throw error_at<ConfigError>(mark_or(e.value, e.key_node.Mark()),
                                  "node '" + id + "': `" + kUnconnectedKey +
                                      ":` takes `ok` (the node is unconnected on purpose)",
                                  {.node = id, .key = e.key});
    doc.unconnected.insert(id);
  }

  std::string scalar_text(const Entry& e, const std::string& expected) const {
    if (!e.value.IsScalar())
      throw error_at<ConfigError>(
          mark_or(e.value, e.key_node.Mark()),
          "`" + e.key + ":` must be " + expected + ", not " + kind_name(e.value), {.key = e.key});
    return e.value.Scalar();
  }

  double number(const Entry& e, const std::string& expected) const {
    const std::string text = scalar_text(e, expected);
    const auto value = is_plain(e.value) ? parse_number(text) : std::nullopt;
    if (!value)
      throw error_at<ConfigError>(
          e.value, "`" + e.key + ":` must be " + expected + " (a number), not '" + text + "'",
          {.key = e.key});
    return *value;
  }

  // ---- nodes ----

  void load_nodes(const Entry& nodes, GraphDocument& doc) {
    if (!nodes.value.IsMap())
      throw error_at<ConfigError>(
          mark_or(nodes.value, nodes.key_node.Mark()),
          "`nodes:` must be a mapping of node id to `{ type: …, settings… }`, not " +
              kind_name(nodes.value));
    const auto list = entries<GraphError>(nodes.value, "`nodes:`", "node id");
    if (list.empty())
      throw error_at<GraphError>(nodes.key_node, "`nodes:` is empty: a graph needs nodes");
    for (const Entry& e : list) {
      auto node = make_node(e.key, e.key_node, e.value, doc);
      try {
        doc.graph.add(e.key, std::move(node));
      } catch (Error& error) {
        point_at(error, e.key_node.Mark());
        throw;
      }
    }
  }

  void load_chain(const Entry& chain, GraphDocument& doc) {
    if (!chain.value.IsSequence())
      throw error_at<ConfigError>(
          mark_or(chain.value, chain.key_node.Mark()),
          "`chain:` must be a list of `{ type: …, settings… }`, not " + kind_name(chain.value));
    if (chain.value.size() == 0)
      throw error_at<GraphError>(chain.key_node, "`chain:` is empty: a graph needs nodes");
    std::vector<std::shared_ptr<Node>> list;
    for (std::size_t i = 0; i < chain.value.size(); ++i) {
      const YAML::Node item = chain.value[i];
      list.push_back(make_node(std::to_string(i), item, item, doc));
    }
    doc.graph = Graph::chain(std::move(list));
    for (const Edge& edge : doc.graph.edges())
      doc.edge_locations[edge.str()] = doc.node_locations[edge.to.node];
  }

  /// Builds node `id` from its `{ type: …, settings… }` mapping and records where it and
  /// its settings are written. `id_node` is where the node is named (its key, or the
  /// chain item).
  std::shared_ptr<Node> make_node(const std::string& id, const YAML::Node& id_node,
                                  const YAML::Node& spec, GraphDocument& doc) {
    const std::string label = "node '" + id + "'";
    if (!spec.IsMap())
      throw error_at<ConfigError>(mark_or(spec, id_node.Mark()),
                                  label +
                                      " must be a mapping like `{ type: gain, gain: 0.5 }`, "
                                      "not " +
                                      kind_name(spec),
                                  {.node = id});
    const auto settings = entries<ConfigError>(spec, label, "setting");
    doc.node_locations[id] = location_of(id_node.Mark());
    const Entry* type_entry = nullptr;
    std::vector<const Entry*> mappings;
    std::map<std::string, OptionValue> values;
    for (const Entry& e : settings) {
      doc.setting_locations[{id, e.key}] = {location_of(e.key_node.Mark()),
                                            location_of(mark_or(e.value, e.key_node.Mark()))};
      if (e.key == "type") {
        type_entry = &e;
        continue;
      }
      if (e.key == kUnconnectedKey) {
        mark_unconnected(id, e, doc);
        continue;
      }
      if (e.value.IsMap()) {
        mappings.push_back(&e);  // a type's mapping option, once the type is known
        continue;
      }
      values[e.key] = option_value(id, e);
    }
    if (!type_entry)
      throw error_at<ConfigError>(spec,
                                  label +
                                      " has no `type:`; expected e.g. `{ type: gain }` "
                                      "(run `fxgraph nodes` for the types)",
                                  {.node = id, .key = "type"});
    if (!type_entry->value.IsScalar() || type_entry->value.Scalar().empty())
      throw error_at<ConfigError>(
          mark_or(type_entry->value, type_entry->key_node.Mark()),
          label + ": `type:` must be a node type name, not " + kind_name(type_entry->value),
          {.node = id, .key = "type"});
    const std::string type = type_entry->value.Scalar();
    // A mapping is a construction option of the type's (a plugin's `controls: {ratio: 4}`)
    // flattened to "controls.ratio": 4, each entry located on its own; anywhere else it
    // is refused by option_value.
    const NodeType* node_type = registry_.find(type);
    for (const Entry* e : mappings) {
      const bool option =
          node_type && std::any_of(node_type->options.begin(), node_type->options.end(),
                                   [&](const OptionSpec& o) { return o.name == e->key; });
      if (!option) {
        values[e->key] = option_value(id, *e);  // throws: a mapping where none is taken
        continue;
      }
      for (const Entry& inner :
           entries<ConfigError>(e->value, label + " setting '" + e->key + "'", "entry")) {
        const Entry flat{e->key + "." + inner.key, inner.key_node, inner.value};
        doc.setting_locations[{id, flat.key}] = {
            location_of(inner.key_node.Mark()),
            location_of(mark_or(inner.value, inner.key_node.Mark()))};
        values[flat.key] = option_value(id, flat);
      }
    }

    // The registry is given no `where` text: its messages name the setting only, and
    // the node comes from here, once, in front (the location comes from the error's
    // context: the setting at fault, else the node).
    try {
      NodeSource source{.settings = values};
      auto node = registry_.create(type, NodeOptions(std::move(values)));
      for (std::size_t i = 0; i < node->parameters().size(); ++i)
        source.parameter_values.push_back(node->requested_value(i));
      doc.node_sources[id] = std::move(source);
      return node;
    } catch (Error& error) {
      error.add_context({.node = id});
      // An unknown type is the node's `type:` itself; naming it twice says nothing more.
      const bool type_at_fault = error.context().key == "type";
      error.prefix_message(label + (type_at_fault ? "" : " (" + type + ")") + ": ");
      locate_in(error, doc);
      throw;
    }
  }

  /// A setting's YAML value as a NodeOptions value (see the header for the rules).
  OptionValue option_value(const std::string& id, const Entry& e) const {
    const YAML::Node& v = e.value;
    const std::string setting = "setting '" + e.key + "' of node '" + id + "'";
    const std::string expected = "expected a number, a string or a list of numbers";
    if (v.IsScalar()) {
      const std::string& text = v.Scalar();
      if (is_path_setting(e.key)) return resolve_relative_path(text, folder_);
      if (is_plain(v)) {
        if (auto d = parse_number(text)) return *d;
        if (auto b = parse_bool(text)) return *b;
      }
      return text;
    }
    if (v.IsSequence()) {
      std::vector<double> numbers;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const YAML::Node item = v[i];
        std::optional<double> d;
        if (item.IsScalar() && is_plain(item)) d = parse_number(item.Scalar());
        if (!d)
          throw error_at<ConfigError>(mark_or(item, v.Mark()),
                                      setting + ": item " + std::to_string(i + 1) + " is " +
                                          kind_name(item) +
                                          "; a list setting holds numbers only, e.g. [1, 0]",
                                      {.node = id, .key = e.key});
        numbers.push_back(*d);
      }
      return numbers;
    }
    throw error_at<ConfigError>(mark_or(v, e.key_node.Mark()),
                                setting + " is " + kind_name(v) + "; " + expected,
                                {.node = id, .key = e.key});
  }

  // ---- edges ----

  /// Where `part` starts inside a scalar: the exact column for a one-line plain scalar,
  /// the scalar's start otherwise (quotes and escapes shift the text).
  YAML::Mark mark_inside(const YAML::Node& scalar, std::size_t offset) const {
    YAML::Mark mark = scalar.Mark();
    const std::string& text = scalar.Scalar();
    if (is_plain(scalar) && text.find('\n') == std::string::npos) mark.column += int(offset);
    return mark;
  }

  void load_edges(const Entry& edges, GraphDocument& doc) {
    if (edges.value.IsNull()) return;  // `edges:` with nothing under it: no edges
    if (!edges.value.IsSequence())
      throw error_at<ConfigError>(
          mark_or(edges.value, edges.key_node.Mark()),
          "`edges:` must be a list of paths like `- a -> b -> c`, not " + kind_name(edges.value));
    for (std::size_t i = 0; i < edges.value.size(); ++i) {
      const YAML::Node item = edges.value[i];
      if (item.IsMap() && item.size() == 1 && item.begin()->first.IsScalar()) {
        load_feedback_edge(*item.begin(), doc);
        continue;
      }
      if (!item.IsScalar())
        throw error_at<ConfigError>(mark_or(item, edges.value.Mark()),
                                    "edge " + std::to_string(i + 1) +
                                        " must be a path like `a -> b` or `a:out -> mix:1`, or a "
                                        "feedback edge like `a -> b: {feedback: 441}`, not " +
                                        kind_name(item));
      load_path(item, doc);
    }
  }

  /// `- a -> b: {feedback: 441}`: one edge that carries a's output 441 frames late, so
  /// it may close a loop (engine/feedback_loops.h).
  void load_feedback_edge(const std::pair<YAML::Node, YAML::Node>& item, GraphDocument& doc) {
    const YAML::Node& path = item.first;
    const YAML::Node& settings = item.second;
    const std::string what = "feedback edge '" + path.Scalar() + "'";
    const std::string expected = "; expected `" + path.Scalar() + ": {feedback: FRAMES}`";
    if (!settings.IsMap())
      throw error_at<ConfigError>(mark_or(settings, path.Mark()),
                                  what + " takes a mapping, not " + kind_name(settings) + expected);
    std::optional<std::uint32_t> frames;
    for (const Entry& e : entries<ConfigError>(settings, what, "setting")) {
      if (e.key != "feedback")
        throw error_at<ConfigError>(e.key_node, what + ": unknown setting '" + e.key +
                                                    "' (the only one is `feedback`, the delay "
                                                    "in frames)");
      long value = 0;
      const bool whole = e.value.IsScalar() && YAML::convert<long>::decode(e.value, value);
      if (!whole || value < 1 || value > (1L << 24))
        throw error_at<ConfigError>(mark_or(e.value, e.key_node.Mark()),
                                    what +
                                        ": `feedback` is the delay in frames, a whole number "
                                        "from 1 to 16777216, not " +
                                        kind_name(e.value));
      frames = std::uint32_t(value);
    }
    if (!frames)
      throw error_at<ConfigError>(mark_or(settings, path.Mark()),
                                  what + " has no `feedback` delay" + expected);
    load_path(path, doc, *frames);
  }

  /// One `a -> b[:port] -> c` path: an edge per consecutive pair. With `feedback`, the
  /// path is one feedback edge of that delay.
  void load_path(const YAML::Node& item, GraphDocument& doc, std::uint32_t feedback = 0) {
    const std::string& text = item.Scalar();
    struct Part {
      Endpoint endpoint;
      YAML::Mark mark;
    };
    std::vector<Part> parts;
    std::size_t start = 0;
    while (true) {
      const std::size_t arrow = text.find("->", start);
      const std::size_t end = arrow == std::string::npos ? text.size() : arrow;
      const std::string piece = text.substr(start, end - start);
      const std::size_t first = piece.find_first_not_of(" \t");
      // An empty endpoint is reported at the arrow (or end) that follows it.
      const YAML::Mark mark = mark_inside(item, first == std::string::npos ? end : start + first);
      if (first == std::string::npos)
        throw error_at<GraphError>(
            mark, "edge '" + text + "' has an empty endpoint " +
                      (arrow == std::string::npos ? "at its end" : "before '->'") +
                      "; expected `node` or `node:port` on both sides of every '->'");
      try {
        parts.push_back({Endpoint::parse(piece), mark});
      } catch (Error& error) {
        point_at(error, mark, "edge '" + text + "': ");
        throw;
      }
      if (arrow == std::string::npos) break;
      start = arrow + 2;
    }
    if (parts.size() < 2)
      throw error_at<GraphError>(item, "edge '" + text +
                                           "' needs at least two endpoints joined by '->', e.g. " +
                                           example_edge(text, doc.graph));
    if (feedback != 0 && parts.size() != 2)
      throw error_at<GraphError>(item, "feedback edge '" + text +
                                           "' must join exactly two endpoints (`a -> b: "
                                           "{feedback: 441}`); put the rest of the path in "
                                           "its own item");
    const std::string context = "edge '" + text + "'";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      // The first endpoint only sends, the last only receives, the middle ones both.
      if (i + 1 < parts.size())
        check_endpoint(parts[i].endpoint, parts[i].mark, doc, PortDirection::output, context,
                       {.node = parts[i].endpoint.node,
                        .edge = Edge{parts[i].endpoint, parts[i + 1].endpoint}.str()});
      if (i > 0)
        check_endpoint(parts[i].endpoint, parts[i].mark, doc, PortDirection::input, context,
                       {.node = parts[i].endpoint.node,
                        .edge = Edge{parts[i - 1].endpoint, parts[i].endpoint}.str()});
    }
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      const Edge edge{parts[i].endpoint, parts[i + 1].endpoint};
      try {
        if (feedback != 0)
          doc.graph.connect(edge.from, edge.to, FeedbackEdge{feedback});
        else
          doc.graph.connect(edge.from, edge.to);
      } catch (Error& error) {
        point_at(error, parts[i].mark);
        throw;
      }
      doc.edge_locations[edge.str()] = location_of(parts[i].mark);
    }
  }

  /// Checks that `e` names a node of the graph with such a port, so the error can carry
  /// the line of the edge (or setting) that names it. `context` starts the message;
  /// `fields` say what it is about (the edge, or the graph's `input`/`output` key).
  void check_endpoint(const Endpoint& e, const YAML::Mark& mark, const GraphDocument& doc,
                      PortDirection direction, const std::string& context,
                      const ErrorContext& fields) const {
    if (!doc.graph.contains(e.node))
      throw error_at<GraphError>(mark,
                                 context + ": unknown node '" + e.node + "' (nodes are " +
                                     join_names(doc.graph.ids()) + ")",
                                 fields);
    const Node& node = doc.graph.node(e.node);
    if (resolve_port(node, e.port, direction) >= 0) return;
    const bool input = direction == PortDirection::input;
    std::vector<std::string> names;
    for (const auto& p : input ? node.input_ports() : node.output_ports()) names.push_back(p.name);
    const std::string side = input ? "input" : "output";
    throw error_at<GraphError>(mark,
                               context + ": node '" + e.node + "' (" + node.type() + ") has no " +
                                   side + " port" + (e.port.empty() ? "" : " '" + e.port + "'") +
                                   " (" + side + "s: " + join_names(names) + ")",
                               fields);
  }

  Endpoint endpoint_setting(const Entry& entry, const GraphDocument& doc,
                            PortDirection direction) const {
    const std::string text = scalar_text(entry, "an endpoint `node` or `node:port`");
    Endpoint e;
    try {
      e = Endpoint::parse(text);
    } catch (Error& error) {
      error.add_context({.key = entry.key});
      point_at(error, entry.value.Mark(), "`" + entry.key + ":`: ");
      throw;
    }
    check_endpoint(e, entry.value.Mark(), doc, direction, "graph " + entry.key + " '" + text + "'",
                   {.key = entry.key});
    return e;
  }

  const NodeRegistry& registry_;
  std::string source_;
  std::string folder_;
};

}  // namespace

bool is_path_setting(const std::string& key) {
  constexpr std::string_view suffix = "_path";
  return key == "path" || key == "file" || (key.size() > suffix.size() && key.ends_with(suffix));
}

std::string resolve_relative_path(const std::string& value, const std::string& yaml_dir) {
  if (value.empty() || value == "-" || yaml_dir.empty()) return value;
  const std::filesystem::path path(value);
  if (path.is_absolute()) return value;
  return (std::filesystem::path(yaml_dir) / path).lexically_normal().string();
}

GraphDocument load_graph_string(const std::string& yaml, const std::string& name_for_messages,
                                const NodeRegistry& registry) {
  return Loader(registry, name_for_messages, "").load(yaml);
}

GraphDocument load_graph_file(const std::string& path, const NodeRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open graph file (does it exist and is it readable?)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path + ": cannot read graph file");
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) absolute = path;
  GraphDocument doc =
      Loader(registry, path, absolute.parent_path().lexically_normal().string()).load(text.str());
  doc.path = path;
  return doc;
}

CompileOptions compile_options_for(const GraphDocument& document, CompileOptions base) {
  if (document.sample_rate) base.sample_rate = *document.sample_rate;
  if (document.block_size) base.max_block = *document.block_size;
  return base;
}

void check_connected(const GraphDocument& doc) {
  const auto problem = find_unconnected_node(doc.graph, doc.unconnected);
  if (!problem) return;
  const std::string label =
      "node '" + problem->id + "' (" + doc.graph.node(problem->id).type() + ")";
  const std::string fix = std::string("; connect it in `edges:`, or mark it `") + kUnconnectedKey +
                          ": ok` if that is deliberate";
  const bool is_output = doc.graph.node(problem->id).output_ports().empty();
  const std::string what = problem->problem == Disconnection::reaches_no_output
                               ? " reaches no output: what it produces is never heard"
                           : is_output ? " is reached by nothing: it would only get silence"
                                       : " has nothing reaching its input: it only gets silence";
  GraphError error(label + what + fix, {.node = problem->id});
  locate_in(error, doc);
  throw error;
}

void locate_error(Error& error, const GraphDocument& document) {
  locate_in(error, document);
}

std::unique_ptr<Plan> compile_document(const GraphDocument& document,
                                       const CompileOptions& options) {
  try {
    return Compiler::compile(document.graph, options);
  } catch (Error& error) {
    locate_in(error, document);
    throw;
  }
}

void check_compiles(const GraphDocument& document, const CompileOptions& options) {
  (void)compile_document(document, options);
}

void check_compiles(const GraphDocument& document) {
  check_compiles(document, compile_options_for(document));
}

}  // namespace fxgraph
