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
#include <vector>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {

const std::vector<std::string> kTopLevelKeys{"name",  "sample_rate", "block_size", "nodes",
                                             "edges", "chain",       "input",      "output"};

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

/// Rethrows the fxgraph exception being handled as the same type, message prefixed.
/// Call only from inside a catch block.
[[noreturn]] void rethrow_prefixed(const std::string& prefix) {
  try {
    throw;
  } catch (const GraphError& e) {
    throw GraphError(prefix + e.what());
  } catch (const ParameterError& e) {
    throw ParameterError(prefix + e.what());
  } catch (const ConfigError& e) {
    throw ConfigError(prefix + e.what());
  } catch (const IoError& e) {
    throw IoError(prefix + e.what());
  } catch (const BackendNotAvailableError& e) {
    throw BackendNotAvailableError(prefix + e.what());
  } catch (const StreamError& e) {
    throw StreamError(prefix + e.what());
  } catch (const BufferOverrunError& e) {
    throw BufferOverrunError(prefix + e.what());
  } catch (const BufferUnderrunError& e) {
    throw BufferUnderrunError(prefix + e.what());
  } catch (const RealtimeError& e) {
    throw RealtimeError(prefix + e.what());
  } catch (const Error& e) {
    throw Error(prefix + e.what());
  }
}

std::string remove_all(std::string text, const std::string& part) {
  if (part.empty()) return text;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at))
    text.erase(at, part.size());
  return text;
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
      throw ConfigError(at(e.mark) + "YAML syntax error: " + e.msg);
    }
    try {
      return build(root);
    } catch (const YAML::Exception& e) {
      // yaml-cpp surprises (conversions, invalid nodes) still get a location.
      throw ConfigError(at(e.mark) + "YAML error: " + e.msg);
    }
  }

 private:
  std::string at(const YAML::Mark& mark) const {
    if (mark.is_null()) return source_ + ": ";
    const auto [line, column] = location_of(mark);
    return source_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }
  std::string at(const YAML::Node& node) const {
    return at(mark_or(node, YAML::Mark::null_mark()));
  }

  /// The entries of a mapping in file order, refusing repeated and non-scalar keys
  /// (yaml-cpp keeps both entries of a repeated key, but `map["key"]` sees only one).
  template <class DuplicateError>
  std::vector<Entry> entries(const YAML::Node& map, const std::string& what,
                             const std::string& duplicate_noun) const {
    std::vector<Entry> out;
    for (const auto& item : map) {
      if (!item.first.IsScalar())
        throw ConfigError(at(item.first) + "keys of " + what + " must be plain names, not " +
                          kind_name(item.first));
      Entry entry{item.first.Scalar(), item.first, item.second};
      for (const Entry& earlier : out) {
        if (earlier.key == entry.key) {
          const auto [line, column] = location_of(earlier.key_node.Mark());
          throw DuplicateError(at(item.first) + "duplicate " + duplicate_noun + " '" + entry.key +
                               "' in " + what + " (first defined at line " + std::to_string(line) +
                               ", column " + std::to_string(column) + "); each must appear once");
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
      throw ConfigError(at(mark_or(root, YAML::Mark())) +
                        "expected a mapping at the top level (with `nodes:` or `chain:`), "
                        "found " +
                        found);
    }
    const auto top = entries<ConfigError>(root, "the top level", "key");
    const Entry* nodes = nullptr;
    const Entry* edges = nullptr;
    const Entry* chain = nullptr;
    const Entry* input = nullptr;
    const Entry* output = nullptr;
    for (const Entry& e : top) {
      if (e.key == "name") {
        doc.name = scalar_text(e, "a graph name");
      } else if (e.key == "sample_rate") {
        const double rate = number(e, "a sample rate in Hz");
        if (!(rate > 0.0) || !std::isfinite(rate))
          throw ParameterError(at(e.value) + "sample_rate must be a positive number of Hz, got " +
                               e.value.Scalar());
        doc.sample_rate = rate;
      } else if (e.key == "block_size") {
        const double frames = number(e, "a block size in frames");
        if (frames != std::floor(frames) || frames < 1 || frames > double(1 << 20))
          throw ParameterError(at(e.value) +
                               "block_size must be a whole number of frames in [1, 1048576], got " +
                               e.value.Scalar());
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
      } else {
        throw ConfigError(at(e.key_node) + "unknown top-level key '" + e.key +
                          "': valid keys are " + join_names(kTopLevelKeys));
      }
    }

    if (nodes && chain)
      throw GraphError(at(chain->key_node) +
                       "a graph has either `nodes:` (with `edges:`) or `chain:`, not both "
                       "(`nodes:` is at line " +
                       std::to_string(location_of(nodes->key_node.Mark()).first) + ")");
    if (chain && edges)
      throw GraphError(at(edges->key_node) +
                       "`edges:` goes with `nodes:`; a `chain:` connects its nodes in order");
    if (!nodes && !chain)
      throw ConfigError(at(root) +
                        "expected `nodes:` (with `edges:`) or `chain:`: the document "
                        "describes no nodes");

    if (chain) {
      load_chain(*chain, doc);
    } else {
      load_nodes(*nodes, doc);
      if (edges) load_edges(*edges, doc);
    }
    if (input) {
      const Endpoint e = endpoint_setting(*input, doc, /*is_input=*/true);
      doc.graph.set_input(e);
      doc.input_location = location_of(input->value.Mark());
    }
    if (output) {
      const Endpoint e = endpoint_setting(*output, doc, /*is_input=*/false);
      doc.graph.set_output(e);
      doc.output_location = location_of(output->value.Mark());
    }
    return doc;
  }

  std::string scalar_text(const Entry& e, const std::string& expected) const {
    if (!e.value.IsScalar())
      throw ConfigError(at(mark_or(e.value, e.key_node.Mark())) + "`" + e.key + ":` must be " +
                        expected + ", not " + kind_name(e.value));
    return e.value.Scalar();
  }

  double number(const Entry& e, const std::string& expected) const {
    const std::string text = scalar_text(e, expected);
    const auto value = is_plain(e.value) ? parse_number(text) : std::nullopt;
    if (!value)
      throw ConfigError(at(e.value) + "`" + e.key + ":` must be " + expected +
                        " (a number), not '" + text + "'");
    return *value;
  }

  // ---- nodes ----

  void load_nodes(const Entry& nodes, GraphDocument& doc) {
    if (!nodes.value.IsMap())
      throw ConfigError(at(mark_or(nodes.value, nodes.key_node.Mark())) +
                        "`nodes:` must be a mapping of node id to `{ type: …, settings… }`, not " +
                        kind_name(nodes.value));
    const auto list = entries<GraphError>(nodes.value, "`nodes:`", "node id");
    if (list.empty())
      throw GraphError(at(nodes.key_node) + "`nodes:` is empty: a graph needs nodes");
    for (const Entry& e : list) {
      auto node = make_node(e.key, e.key_node, e.value);
      try {
        doc.graph.add(e.key, std::move(node));
      } catch (const Error&) {
        rethrow_prefixed(at(e.key_node));
      }
      doc.node_locations[e.key] = location_of(e.key_node.Mark());
    }
  }

  void load_chain(const Entry& chain, GraphDocument& doc) {
    if (!chain.value.IsSequence())
      throw ConfigError(at(mark_or(chain.value, chain.key_node.Mark())) +
                        "`chain:` must be a list of `{ type: …, settings… }`, not " +
                        kind_name(chain.value));
    if (chain.value.size() == 0)
      throw GraphError(at(chain.key_node) + "`chain:` is empty: a graph needs nodes");
    std::vector<std::shared_ptr<Node>> list;
    for (std::size_t i = 0; i < chain.value.size(); ++i) {
      const YAML::Node item = chain.value[i];
      const std::string id = std::to_string(i);
      list.push_back(make_node(id, item, item));
      doc.node_locations[id] = location_of(item.Mark());
    }
    doc.graph = Graph::chain(std::move(list));
    for (const Edge& edge : doc.graph.edges())
      doc.edge_locations[edge.str()] = doc.node_locations[edge.to.node];
  }

  /// Builds node `id` from its `{ type: …, settings… }` mapping. `id_node` is where the
  /// node is named (its key, or the chain item).
  std::shared_ptr<Node> make_node(const std::string& id, const YAML::Node& id_node,
                                  const YAML::Node& spec) {
    const std::string label = "node '" + id + "'";
    if (!spec.IsMap())
      throw ConfigError(at(mark_or(spec, id_node.Mark())) + label +
                        " must be a mapping like `{ type: gain, gain: 0.5 }`, not " +
                        kind_name(spec));
    const auto settings = entries<ConfigError>(spec, label, "setting");
    const Entry* type_entry = nullptr;
    std::map<std::string, OptionValue> values;
    for (const Entry& e : settings) {
      if (e.key == "type") {
        type_entry = &e;
        continue;
      }
      values[e.key] = option_value(label, e);
    }
    if (!type_entry)
      throw ConfigError(at(spec) + label +
                        " has no `type:`; expected e.g. `{ type: gain }` "
                        "(run `fxgraph nodes` for the types)");
    if (!type_entry->value.IsScalar() || type_entry->value.Scalar().empty())
      throw ConfigError(at(mark_or(type_entry->value, type_entry->key_node.Mark())) + label +
                        ": `type:` must be a node type name, not " + kind_name(type_entry->value));
    const std::string type = type_entry->value.Scalar();

    const auto [line, column] = location_of(id_node.Mark());
    const std::string where =
        label + " at " + source_ + ":" + std::to_string(line) + ":" + std::to_string(column);
    try {
      return registry_.create(type, NodeOptions(std::move(values), where));
    } catch (const Error& error) {
      // Point at the token the message is about: the type, or the setting it names.
      std::string message = remove_all(remove_all(error.what(), where), label);
      YAML::Mark mark = spec.Mark();
      if (!registry_.find(type)) {
        mark = type_entry->value.Mark();
      } else {
        const bool unknown_setting = message.find("unknown setting") != std::string::npos;
        for (const Entry& e : settings) {
          if (e.key == "type") continue;
          if (message.find("'" + e.key + "'") != std::string::npos ||
              message.find("'" + e.key + " ") != std::string::npos) {
            mark = unknown_setting ? e.key_node.Mark() : mark_or(e.value, e.key_node.Mark());
            break;
          }
        }
      }
      const std::string what = error.what();
      const bool named = what.find(label) != std::string::npos;
      rethrow_prefixed(at(mark) + (named ? "" : label + " (" + type + "): "));
    }
  }

  /// A setting's YAML value as a NodeOptions value (see the header for the rules).
  OptionValue option_value(const std::string& label, const Entry& e) const {
    const YAML::Node& v = e.value;
    const std::string setting = "setting '" + e.key + "' of " + label;
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
          throw ConfigError(at(mark_or(item, v.Mark())) + setting + ": item " +
                            std::to_string(i + 1) + " is " + kind_name(item) +
                            "; a list setting holds numbers only, e.g. [1, 0]");
        numbers.push_back(*d);
      }
      return numbers;
    }
    throw ConfigError(at(mark_or(v, e.key_node.Mark())) + setting + " is " + kind_name(v) + "; " +
                      expected);
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
      throw ConfigError(at(mark_or(edges.value, edges.key_node.Mark())) +
                        "`edges:` must be a list of paths like `- a -> b -> c`, not " +
                        kind_name(edges.value));
    for (std::size_t i = 0; i < edges.value.size(); ++i) {
      const YAML::Node item = edges.value[i];
      if (!item.IsScalar())
        throw ConfigError(at(mark_or(item, edges.value.Mark())) + "edge " + std::to_string(i + 1) +
                          " must be a path like `a -> b` or "
                          "`a:out -> mix:1`, not " +
                          kind_name(item));
      load_path(item, doc);
    }
  }

  /// One `a -> b[:port] -> c` path: an edge per consecutive pair.
  void load_path(const YAML::Node& item, GraphDocument& doc) {
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
        throw GraphError(at(mark) + "edge '" + text + "' has an empty endpoint " +
                         (arrow == std::string::npos ? "at its end" : "before '->'") +
                         "; expected `node` or `node:port` on both sides of every '->'");
      try {
        parts.push_back({Endpoint::parse(piece), mark});
      } catch (const Error&) {
        rethrow_prefixed(at(mark) + "edge '" + text + "': ");
      }
      if (arrow == std::string::npos) break;
      start = arrow + 2;
    }
    if (parts.size() < 2)
      throw GraphError(at(item) + "edge '" + text + "' needs at least two endpoints, e.g. `" +
                       text + " -> out`");
    for (std::size_t i = 0; i < parts.size(); ++i) {
      // The first endpoint only sends, the last only receives, the middle ones both.
      const std::string context = "edge '" + text + "'";
      if (i + 1 < parts.size())
        check_endpoint(parts[i].endpoint, parts[i].mark, doc, false, context);
      if (i > 0) check_endpoint(parts[i].endpoint, parts[i].mark, doc, true, context);
    }
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      const Edge edge{parts[i].endpoint, parts[i + 1].endpoint};
      try {
        doc.graph.connect(edge.from, edge.to);
      } catch (const Error&) {
        rethrow_prefixed(at(parts[i].mark));
      }
      doc.edge_locations[edge.str()] = location_of(parts[i].mark);
    }
  }

  /// Checks that `e` names a node of the graph with such a port (an input when
  /// `is_input`), so the error can carry the line of the edge that names it.
  void check_endpoint(const Endpoint& e, const YAML::Mark& mark, const GraphDocument& doc,
                      bool is_input, const std::string& context) const {
    const std::string prefix = at(mark) + context;
    if (!doc.graph.contains(e.node))
      throw GraphError(prefix + ": unknown node '" + e.node + "' (nodes are " +
                       join_names(doc.graph.ids()) + ")");
    const Node& node = doc.graph.node(e.node);
    const auto& ports = is_input ? node.input_ports() : node.output_ports();
    const int index = e.port.empty() ? (ports.empty() ? -1 : 0)
                      : is_input     ? node.find_input(e.port)
                                     : node.find_output(e.port);
    if (index >= 0) return;
    std::vector<std::string> names;
    for (const auto& p : ports) names.push_back(p.name);
    const std::string direction = is_input ? "input" : "output";
    throw GraphError(prefix + ": node '" + e.node + "' (" + node.type() + ") has no " + direction +
                     " port" + (e.port.empty() ? "" : " '" + e.port + "'") + " (" + direction +
                     "s: " + join_names(names) + ")");
  }

  Endpoint endpoint_setting(const Entry& entry, const GraphDocument& doc, bool is_input) const {
    const std::string text = scalar_text(entry, "an endpoint `node` or `node:port`");
    Endpoint e;
    try {
      e = Endpoint::parse(text);
    } catch (const Error&) {
      rethrow_prefixed(at(entry.value) + "`" + entry.key + ":`: ");
    }
    check_endpoint(e, entry.value.Mark(), doc, is_input, "graph " + entry.key + " '" + text + "'");
    return e;
  }

  const NodeRegistry& registry_;
  std::string source_;
  std::string folder_;
};

/// The quoted name after `marker` in `message` ("edge 'a -> b'" → "a -> b").
std::optional<std::string> quoted_after(const std::string& message, const std::string& marker) {
  const auto at = message.find(marker);
  if (at == std::string::npos) return std::nullopt;
  const auto begin = at + marker.size();
  const auto end = message.find('\'', begin);
  if (end == std::string::npos) return std::nullopt;
  return message.substr(begin, end - begin);
}

/// Where in the document a compiler message points: its edge, its node, the first node
/// of its cycle, or the graph's input/output.
std::optional<YamlLocation> locate(const GraphDocument& doc, const std::string& message) {
  auto find = [](const auto& map, const std::optional<std::string>& key) {
    std::optional<YamlLocation> out;
    if (key) {
      auto it = map.find(*key);
      if (it != map.end()) out = it->second;
    }
    return out;
  };
  if (auto loc = find(doc.edge_locations, quoted_after(message, "edge '"))) return loc;
  const auto cycle = message.find("cycle: ");
  if (cycle != std::string::npos) {
    const auto begin = cycle + 7;
    const auto end = message.find(" -> ", begin);
    if (end != std::string::npos)
      if (auto loc = find(doc.node_locations, message.substr(begin, end - begin))) return loc;
  }
  if (message.rfind("graph input", 0) == 0 && doc.input_location) return doc.input_location;
  if (message.rfind("graph output", 0) == 0 && doc.output_location) return doc.output_location;
  if (auto loc = find(doc.node_locations, quoted_after(message, "node '"))) return loc;
  return find(doc.node_locations, quoted_after(message, "unknown node '"));
}

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

std::unique_ptr<Plan> compile_document(const GraphDocument& document,
                                       const CompileOptions& options) {
  try {
    return Compiler::compile(document.graph, options);
  } catch (const GraphError& e) {
    const std::string message = e.what();
    const auto loc = locate(document, message);
    const std::string where = loc ? document.source + ":" + std::to_string(loc->first) + ":" +
                                        std::to_string(loc->second) + ": "
                                  : document.source + ": ";
    throw GraphError(where + message);
  }
}

void check_compiles(const GraphDocument& document, const CompileOptions& options) {
  (void)compile_document(document, options);
}

void check_compiles(const GraphDocument& document) {
  check_compiles(document, compile_options_for(document));
}

}  // namespace fxgraph
