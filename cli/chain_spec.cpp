#include "chain_spec.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>

#include "cli_support.h"
#include "fxgraph/engine/parameters.h"

namespace fxgraph::cli {

namespace {
/// The spec as an error message shows it: control characters (a NUL would end what()
/// early, an escape sequence would garble the terminal) become '?', one for one, so
/// columns stay where they were.
std::string printable(std::string spec) {
  for (char& c : spec)
    if (std::iscntrl(static_cast<unsigned char>(c))) c = '?';
  return spec;
}
}  // namespace

ChainSpecError::ChainSpecError(const std::string& label, const std::string& problem,
                               std::string spec, std::size_t column)
    : ConfigError(printable(label + ": " + problem) + " at column " + std::to_string(column) +
                  ": " + printable(spec)),
      head_(printable(label + ": " + problem) + " at column " + std::to_string(column)),
      spec_(printable(std::move(spec))),
      column_(column) {}

std::string ChainSpecError::display(std::size_t prefix_width, std::size_t width) const {
  const std::string message = what();
  const std::size_t caret_at = column_ > 0 ? column_ - 1 : 0;  // 0-based, within spec_
  if (prefix_width + message.size() <= width)
    return message + "\n" +
           std::string(prefix_width + message.size() - spec_.size() + caret_at, ' ') + "^";

  // The spec on its own line, indented, cut to a window that keeps the column near its
  // middle when the whole would not fit.
  constexpr std::size_t kIndent = 2;
  constexpr std::string_view kCut = "...";
  const std::size_t room = std::max<std::size_t>(width, 2 * kCut.size() + 10 + kIndent) - kIndent;
  std::size_t start = 0;
  std::string window = spec_;
  if (spec_.size() > room) {
    start = caret_at > room / 2 ? caret_at - room / 2 : 0;
    start = std::min(start, spec_.size() + 1 > room ? spec_.size() + 1 - room : 0);
    window = spec_.substr(start, room);
    if (start > 0) window.replace(0, kCut.size(), kCut);
    if (start + room < spec_.size()) window.replace(room - kCut.size(), kCut.size(), kCut);
  }
  const std::string indent(kIndent, ' ');
  return head_ + ":\n" + indent + window + "\n" + indent + std::string(caret_at - start, ' ') + "^";
}

namespace {

bool is_word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}
bool is_number_start(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.';
}

/// A recursive-descent reader over the spec; positions are 0-based, columns 1-based.
class Parser {
 public:
  Parser(const std::string& spec, const std::string& label) : spec_(spec), label_(label) {}

  std::vector<ChainElement> parse() {
    std::vector<ChainElement> elements;
    skip_spaces();
    if (at_end()) fail("the chain is empty; expected a node type such as gain(0.5)");
    while (true) {
      elements.push_back(element());
      skip_spaces();
      if (at_end()) break;
      if (peek() != '|') fail("expected '|' between nodes, found '" + std::string(1, peek()) + "'");
      ++pos_;
      skip_spaces();
    }
    return elements;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const { fail_at(problem, pos_); }
  [[noreturn]] void fail_at(const std::string& problem, std::size_t pos) const {
    throw ChainSpecError(label_, problem, spec_, pos + 1);
  }

  bool at_end() const { return pos_ >= spec_.size(); }
  char peek() const { return at_end() ? '\0' : spec_[pos_]; }
  void skip_spaces() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) ++pos_;
  }
  std::string found() const {
    return at_end() ? "the end of the chain" : "'" + std::string(1, peek()) + "'";
  }

  std::string word() {
    const std::size_t start = pos_;
    while (!at_end() && is_word_char(peek())) ++pos_;
    return spec_.substr(start, pos_ - start);
  }

  ChainElement element() {
    ChainElement element;
    element.column = pos_ + 1;
    if (at_end() || !is_word_start(peek()))
      fail("expected a node type (such as gain), found " + found());
    element.type = word();
    skip_spaces();
    if (peek() != '(') return element;
    ++pos_;
    skip_spaces();
    if (peek() == ')') {
      ++pos_;
      return element;
    }
    while (true) {
      element.arguments.push_back(argument());
      skip_spaces();
      if (peek() == ',') {
        ++pos_;
        skip_spaces();
        continue;
      }
      if (peek() == ')') {
        ++pos_;
        return element;
      }
      fail("expected ',' or ')', found " + found());
    }
  }

  ChainArgument argument() {
    ChainArgument argument;
    argument.column = pos_ + 1;
    if (!at_end() && is_word_start(peek())) {
      const std::size_t start = pos_;
      std::string name = word();
      skip_spaces();
      if (peek() == '=') {
        ++pos_;
        skip_spaces();
        argument.name = std::move(name);
        argument.value = value();
      } else {
        pos_ = start + name.size();
        argument.value = std::move(name);  // a bare word: a choice name
      }
      return argument;
    }
    argument.value = value();
    return argument;
  }

  OptionValue value() {
    if (at_end() || peek() == ',' || peek() == ')' || peek() == '|')
      fail("expected a value, found " + found());
    const char c = peek();
    if (c == '"' || c == '\'') return quoted();
    if (c == '[') return list();
    if (is_number_start(c)) return number();
    if (is_word_start(c)) return word();
    fail("expected a value (a number, a word or quoted text), found " + found());
  }

  double number() {
    const std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '.' ||
                         peek() == '+' || peek() == '-' || peek() == '_'))
      ++pos_;
    const std::string text = spec_.substr(start, pos_ - start);
    const std::optional<double> v = parse_number(text);
    if (!v) fail_at("'" + text + "' is not a number", start);
    return *v;
  }

  std::string quoted() {
    const std::size_t start = pos_;
    const char quote = spec_[pos_++];
    std::string text;
    while (!at_end() && peek() != quote) {
      if (peek() == '\\' && pos_ + 1 < spec_.size()) ++pos_;  // \" and \\ escapes
      text += spec_[pos_++];
    }
    if (at_end()) fail_at("unterminated text: no closing " + std::string(1, quote), start);
    ++pos_;
    return text;
  }

  std::vector<double> list() {
    ++pos_;  // '['
    std::vector<double> values;
    skip_spaces();
    if (peek() == ']') {
      ++pos_;
      return values;
    }
    while (true) {
      skip_spaces();
      if (at_end() || !is_number_start(peek()))
        fail("expected a number in the list, found " + found());
      values.push_back(number());
      skip_spaces();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return values;
      }
      fail("expected ',' or ']', found " + found());
    }
  }

  const std::string& spec_;
  const std::string& label_;
  std::size_t pos_ = 0;
};

/// Checks one named argument against the type's parameter table and options, so the
/// error points at the argument rather than at its element.
void check_argument(const ChainArgument& argument, const NodeType& type,
                    const std::vector<ParameterSpec>& parameters, const std::string& spec,
                    const std::string& label) {
  const auto at = [&](const std::string& problem) {
    return ChainSpecError(label, problem, spec, argument.column);
  };
  const auto parameter =
      std::find_if(parameters.begin(), parameters.end(),
                   [&](const ParameterSpec& p) { return p.name == argument.name; });
  if (parameter == parameters.end()) {
    const bool is_option =
        std::any_of(type.options.begin(), type.options.end(),
                    [&](const OptionSpec& o) { return o.name == argument.name; });
    if (is_option) return;
    std::vector<std::string> valid;
    for (const auto& p : parameters) valid.push_back(p.name);
    for (const auto& o : type.options) valid.push_back(o.name);
    throw at("unknown setting '" + argument.name + "' for node type '" + type.name +
             "': valid settings are " + join_names(valid));
  }
  const std::string where = type.name + "." + argument.name;
  try {
    if (const double* v = std::get_if<double>(&argument.value)) {
      validate_parameter_value(*parameter, *v, where);
    } else if (const auto* s = std::get_if<std::string>(&argument.value)) {
      if (parameter->kind != ParameterKind::choice)
        throw ParameterError("'" + where + "' takes a number, not '" + *s + "'");
      (void)choice_index(*parameter, *s, where);
    } else {
      throw ParameterError("'" + where + "' takes a single number, not a list");
    }
  } catch (const ParameterError& e) {
    throw at(e.what());
  }
}

}  // namespace

std::vector<ChainElement> parse_chain_spec(const std::string& spec, const std::string& label) {
  return Parser(spec, label).parse();
}

Graph build_chain(const std::string& spec, const NodeRegistry& registry, const std::string& label) {
  std::vector<std::shared_ptr<Node>> nodes;
  const std::vector<ChainElement> elements = parse_chain_spec(spec, label);
  for (std::size_t index = 0; index < elements.size(); ++index) {
    const ChainElement& element = elements[index];
    const auto at = [&](const std::string& problem, std::size_t column) {
      return ChainSpecError(label, problem, spec, column);
    };
    const NodeType* type = registry.find(element.type);
    if (!type) {
      const auto close = close_type_names(registry, element.type);
      throw at("unknown node type '" + element.type + "' (" +
                   (close.empty() ? "`fxgraph nodes` lists them"
                                  : "did you mean " + join_names(close) + "?") +
                   ")",
               element.column);
    }
    // The parameter table comes from a default node; a type that cannot be built
    // without options (file_in needs a path) has none to check against here, and
    // create() below reports what is wrong.
    std::optional<std::vector<ParameterSpec>> parameters;
    try {
      parameters = registry.parameters_of(type->name);
    } catch (const Error&) {
    }
    // A type whose parameters depend on its options is checked against a node built
    // from the options given here: a plugin host's table is its `plugin`'s
    // (lv2(plugin="…", ratio=4)), and a setting unknown to the default table may be
    // known to the table those options make.
    const auto is_option = [&](const std::string& name) {
      return std::any_of(type->options.begin(), type->options.end(),
                         [&](const OptionSpec& o) { return o.name == name; });
    };
    const auto in_table = [&](const std::string& name) {
      return parameters && std::any_of(parameters->begin(), parameters->end(),
                                       [&](const ParameterSpec& p) { return p.name == name; });
    };
    std::map<std::string, OptionValue> given_options;
    bool unknown_setting = false;
    for (const ChainArgument& argument : element.arguments) {
      if (is_option(argument.name)) given_options.emplace(argument.name, argument.value);
      if (!argument.name.empty() && !is_option(argument.name) && !in_table(argument.name))
        unknown_setting = true;
    }
    if ((unknown_setting || given_options.count("plugin")) && !given_options.empty()) {
      try {
        parameters = registry.create(type->name, NodeOptions(given_options))->parameters();
      } catch (const Error&) {
        // create() below reports what is wrong with them, at the right column.
      }
    }

    std::map<std::string, OptionValue> values;
    std::map<std::string, std::size_t> columns;  // setting name -> where it was given
    std::size_t positional = 0;
    for (ChainArgument argument : element.arguments) {
      if (argument.name.empty()) {
        if (!parameters || positional >= parameters->size()) {
          std::vector<std::string> names;
          if (parameters)
            for (const auto& p : *parameters) names.push_back(p.name);
          throw at("'" + type->name + "' takes " +
                       (names.empty() ? std::string("no positional values; use name=value")
                                      : "at most " + std::to_string(names.size()) +
                                            " positional values (" + join_names(names) + ")"),
                   argument.column);
        }
        argument.name = (*parameters)[positional++].name;
      }
      if (values.count(argument.name))
        throw at("'" + argument.name + "' is given twice", argument.column);
      if (parameters) check_argument(argument, *type, *parameters, spec, label);
      values.emplace(argument.name, argument.value);
      columns.emplace(argument.name, argument.column);
    }

    try {
      nodes.push_back(
          // No `where` text: the message gets the label, the column and a caret instead.
          registry.create(type->name, NodeOptions(std::move(values))));
    } catch (const ChainSpecError&) {
      throw;
    } catch (const Error& e) {
      // Point at the setting the error names, else at the element.
      const auto setting = columns.find(e.context().key);
      throw at(e.what(), setting != columns.end() ? setting->second : element.column);
    }
  }
  return Graph::chain(std::move(nodes));
}

}  // namespace fxgraph::cli
