#include "session_osc.h"

#include "cli_support.h"

#ifdef FXGRAPH_WITH_OSC

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>
#include <cstdio>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/osc_receiver.h"

namespace fxgraph::cli {

namespace {

/// How many queued messages one wake-up applies before the loop looks at stdin and
/// the signals again (a flood must not starve them).
constexpr std::size_t max_messages_per_wakeup = 1024;

bool is_number_type(char type) {
  return type == 'f' || type == 'd' || type == 'i' || type == 'h' || type == 'T' || type == 'F';
}

bool has_space(std::string_view text) {
  for (char c : text)
    if (std::isspace(static_cast<unsigned char>(c))) return true;
  return text.empty();
}

/// A value as `set` reads it: a number with every digit a double has, or a choice name.
std::string value_text(const OscArgument& argument) {
  if (argument.type == 's' || argument.type == 'S') return argument.text.data();
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", argument.number);
  return text;
}

/// The session side of OSC: applies what the receiver queued.
class OscSession {
 public:
  OscSession(const OscOptions& options, SessionCommands& commands)
      : receiver_(OscReceiverOptions{.bind_address = options.bind_address,
                                     .port = std::uint16_t(*options.port)}),
        commands_(commands) {}

  int fd() const noexcept { return receiver_.wake_fd(); }
  std::uint16_t port() const noexcept { return receiver_.port(); }

  /// On the session loop's thread, when the wake-up fd is readable.
  void apply_waiting() {
    receiver_.drain_wake_fd();
    for (std::size_t n = 0; n < max_messages_per_wakeup; ++n)
      if (!receiver_.pop(message_))
        return;
      else
        apply(message_);
    receiver_.rewake();  // more waiting: come back after stdin and the signals
  }

  /// ", osc received N, osc dropped N, osc errors N" for `stats`.
  std::string stats_suffix() const {
    const OscCounters counters = receiver_.counters();
    return ", osc received " + std::to_string(counters.received) + ", osc dropped " +
           std::to_string(counters.dropped) + ", osc errors " + std::to_string(errors_);
  }

 private:
  void apply(const OscMessage& message) {
    try {
      dispatch(message);
    } catch (const Error& e) {  // a lost stream too: the session loop notices it next
      fail(message.sender, e.what());
    }
  }

  void dispatch(const OscMessage& m) {
    if (m.malformed()) throw UsageError(m.problem.data());
    const std::string_view address = m.address_view();
    const std::string_view types = m.types_view();
    if (address == "/fxgraph/set") {
      if (types.size() != 2 || types[0] != 's' || !(is_number_type(types[1]) || types[1] == 's'))
        throw UsageError(wrong_types(address, types, ",sf (path, value)"));
      set(m.arguments[0].text.data(), m.arguments[1]);
    } else if (address == "/fxgraph/get") {
      if (types != "s" && types != "si")
        throw UsageError(wrong_types(address, types, ",s (path) or ,si (path, reply port)"));
      get(m.arguments[0].text.data(), reply_peer(m, 1));
    } else if (address == "/fxgraph/params") {
      check_reply_port_only(address, types);
      params(reply_peer(m, 0));
    } else if (address == "/fxgraph/stats") {
      check_reply_port_only(address, types);
      receiver_.reply(reply_peer(m, 0), "/fxgraph/stats", {checked_answer("stats")});
    } else if (address == "/fxgraph/reload") {
      check_reply_port_only(address, types);
      if (commands_.find_command("reload") == nullptr)
        throw UsageError("this session has no reload command");
      receiver_.reply(reply_peer(m, 0), "/fxgraph/reload", {checked_answer("reload")});
    } else if (address.rfind("/fxgraph/", 0) != 0 && !parameter_path(address).empty()) {
      const std::string path = parameter_path(address);
      if (types.size() != 1 || !(is_number_type(types[0]) || types[0] == 's'))
        throw UsageError(wrong_types(address, types, ",f (value; also ,d ,i ,h ,T ,F ,s)"));
      set(path, m.arguments[0]);
    } else {
      throw UsageError("unknown OSC address '" + std::string(address) +
                       "'; use /NODE/PARAM, /fxgraph/set, /fxgraph/get, /fxgraph/params, "
                       "/fxgraph/stats or /fxgraph/reload");
    }
  }

  /// "/drive/gain" -> "drive.gain"; empty for any other shape.
  static std::string parameter_path(std::string_view address) {
    if (address.size() < 4 || address[0] != '/') return {};
    const std::size_t slash = address.find('/', 1);
    if (slash == std::string_view::npos || slash == 1 || slash + 1 == address.size() ||
        address.find('/', slash + 1) != std::string_view::npos)
      return {};
    return std::string(address.substr(1, slash - 1)) + "." + std::string(address.substr(slash + 1));
  }

  static std::string wrong_types(std::string_view address, std::string_view types,
                                 const char* expected) {
    return std::string(address) + " takes " + expected + ", got ," + std::string(types);
  }

  static void check_reply_port_only(std::string_view address, std::string_view types) {
    if (!types.empty() && types != "i")
      throw UsageError(wrong_types(address, types, "no arguments (or ,i reply port)"));
  }

  /// The sender, or the sender's host at the port given as argument `index` (,i).
  static OscPeer reply_peer(const OscMessage& m, std::size_t index) {
    OscPeer peer = m.sender;
    if (index >= m.argument_count) return peer;
    const double port = m.arguments[index].number;
    if (!(port >= 1 && port <= 65535)) throw UsageError("reply port must be 1-65535");
    const auto network_port = htons(std::uint16_t(port));
    if (peer.address.ss_family == AF_INET6)
      reinterpret_cast<sockaddr_in6*>(&peer.address)->sin6_port = network_port;
    else
      reinterpret_cast<sockaddr_in*>(&peer.address)->sin_port = network_port;
    return peer;
  }

  /// Through the session's own `set`, so OSC is validated exactly as stdin is.
  void set(const std::string& path, const OscArgument& value) {
    const std::string text = value_text(value);
    if (has_space(path) || has_space(text))
      throw UsageError("parameter path and value must be non-empty and without spaces");
    checked_answer("set " + path + " " + text);
  }

  void get(const std::string& path, const OscPeer& to) {
    commands_.find_spec(path);  // throws for an unknown path, listing valid ones
    const double value = commands_.processor().get_parameter(path);
    receiver_.reply(to, "/fxgraph/value", {std::string_view(path), float(value)});
  }

  void params(const OscPeer& to) {
    const auto all = commands_.processor().parameters();
    for (const ParameterInfo& info : all)
      receiver_.reply(to, "/fxgraph/param",
                      {std::string_view(info.path), float(info.value), float(info.spec->min),
                       float(info.spec->max), std::string_view(info.spec->unit)});
    receiver_.reply(to, "/fxgraph/params/end", {std::int32_t(all.size())});
  }

  /// What a session command answers (its last line); throws its error message.
  std::string checked_answer(const std::string& line) {
    std::string answer;
    commands_.handle(line, [&answer](const std::string& reply) { answer = reply; });
    if (answer.rfind("error: ", 0) == 0) throw UsageError(answer.substr(7));
    return answer;
  }

  void fail(const OscPeer& to, const std::string& why) {
    ++errors_;
    receiver_.reply(to, "/fxgraph/error", {std::string_view(why)});
  }

  OscReceiver receiver_;
  SessionCommands& commands_;
  OscMessage message_;  // the record being applied (large: kept out of the stack)
  std::uint64_t errors_ = 0;
};

}  // namespace

void install_osc(const OscOptions& options, SessionCommands& commands, SessionHooks& hooks) {
  if (!options.port) return;
  std::shared_ptr<OscSession> session;
  try {
    session = std::make_shared<OscSession>(options, commands);
  } catch (const ConfigError& e) {
    throw UsageError(std::string("--osc: ") + e.what());
  }
  hooks.sources.push_back(
      {.fd = session->fd(), .on_readable = [session] { session->apply_waiting(); }});
  if (const SessionCommand* stats = commands.find_command("stats")) {
    SessionCommand with_osc = *stats;
    with_osc.run = [inner = stats->run, session](const SessionCall& call) {
      std::vector<std::string> lines;
      const Reply collect = [&lines](const std::string& line) { lines.push_back(line); };
      inner(SessionCall{call.args, collect});
      if (lines.empty()) lines.emplace_back();
      lines.back() += session->stats_suffix();
      for (const std::string& line : lines) call.reply(line);
    };
    commands.add(std::move(with_osc));
  }
  std::fprintf(stderr, "  osc: udp %s:%u (/fxgraph/set, /NODE/PARAM, /fxgraph/get …)\n",
               options.bind_address.c_str(), unsigned(session->port()));
}

}  // namespace fxgraph::cli

#else  // built without liblo

namespace fxgraph::cli {

void install_osc(const OscOptions& options, SessionCommands&, SessionHooks&) {
  if (options.port)
    throw UsageError(
        "--osc: this fxgraph was built without OSC support (liblo; Debian: apt-get install "
        "liblo-dev, then rebuild)");
}

}  // namespace fxgraph::cli

#endif

namespace fxgraph::cli {

void add_osc_options(CLI::App* command, OscOptions& options) {
  command
      ->add_option("--osc", options.port,
                   "listen for OSC messages on this UDP port (/fxgraph/set, /NODE/PARAM …)")
      ->type_name("PORT")
      ->check(CLI::Range(0u, 65535u));
  command
      ->add_option("--osc-bind", options.bind_address,
                   "the address --osc listens on (0.0.0.0: every interface)")
      ->type_name("ADDR")
      ->capture_default_str();
}

}  // namespace fxgraph::cli
