// `fxgraph jack --osc PORT` against a real JACK server (a private dummy jackd per test)
// and real OSC clients on loopback: liblo-tools' oscsend / oscdump, and liblo servers
// in this process (a sender that listens on its sending port gets the replies).

#include <arpa/inet.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.h"
#include "support/eventually.h"
#include "support/jack_server.h"

#ifdef FXGRAPH_CLI

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using fxgraph::test::Child;
using fxgraph::test::eventually;
using fxgraph::test::JackServer;
using fxgraph::test::TempYaml;
using namespace std::chrono_literals;

namespace {

constexpr const char* kGraph = R"(name: osc_rig
nodes:
  guitar:  { type: jack_in, channels: 1 }
  drive:   { type: gain, gain: 0.5 }
  monitor: { type: jack_out, channels: 1 }
edges:
  - guitar -> drive -> monitor
)";

/// A UDP port on 127.0.0.1 that nothing listens on now (the kernel's pick).
std::uint16_t free_udp_port() {
  const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(s);
  return ntohs(address.sin_port);
}

/// `fxgraph jack GRAPH --osc PORT` on `server`, once its session takes commands.
struct OscSession {
  OscSession(const JackServer& server, std::uint16_t port)
      : graph(kGraph),
        cli({FXGRAPH_CLI, "jack", graph.path(), "--server", server.name(), "--osc",
             std::to_string(port)}),
        port(port) {
    REQUIRE(cli.wait_for_stderr("osc: udp 127.0.0.1:" + std::to_string(port)));
  }
  TempYaml graph;
  Child cli;
  std::uint16_t port;
};

/// Runs liblo's oscsend (a real OSC client) to 127.0.0.1:port.
void oscsend(std::uint16_t port, std::vector<std::string> message) {
  std::vector<std::string> args{"/usr/bin/oscsend", "127.0.0.1", std::to_string(port)};
  args.insert(args.end(), message.begin(), message.end());
  Child sender(args);
  REQUIRE(sender.wait() == 0);
}

/// A liblo server in this process: sends from its own port and collects what comes back.
class OscClient {
 public:
  explicit OscClient(std::uint16_t target_port)
      : server_(lo_server_new(nullptr, nullptr)),
        target_(lo_address_new("127.0.0.1", std::to_string(target_port).c_str())) {
    REQUIRE(server_ != nullptr);
    lo_server_add_method(server_, nullptr, nullptr, &OscClient::collect, this);
  }
  ~OscClient() {
    lo_address_free(target_);
    lo_server_free(server_);
  }
  OscClient(const OscClient&) = delete;
  OscClient& operator=(const OscClient&) = delete;

  void send(const char* path, lo_message message) {
    REQUIRE(lo_send_message_from(target_, server_, path, message) >= 0);
    lo_message_free(message);
  }
  /// The next reply as "PATH ,TYPES ARG…" (strings and floats), or nullopt after 3 s.
  std::optional<std::string> next_reply() {
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (replies_.empty() && std::chrono::steady_clock::now() < deadline)
      lo_server_recv_noblock(server_, 50);
    if (replies_.empty()) return std::nullopt;
    std::string reply = replies_.front();
    replies_.erase(replies_.begin());
    return reply;
  }
  lo_address target() const { return target_; }

 private:
  static int collect(const char* path, const char* types, lo_arg** argv, int argc, lo_message,
                     void* self) {
    std::string text = std::string(path) + " ," + types;
    for (int i = 0; i < argc; ++i) {
      if (types[i] == 's')
        text += " " + std::string(&argv[i]->s);
      else if (types[i] == 'f')
        text += " " + std::to_string(argv[i]->f);
      else if (types[i] == 'i')
        text += " " + std::to_string(argv[i]->i);
    }
    static_cast<OscClient*>(self)->replies_.push_back(text);
    return 0;
  }
  lo_server server_;
  lo_address target_;
  std::vector<std::string> replies_;
};

lo_message strings(std::initializer_list<const char*> values) {
  lo_message m = lo_message_new();
  for (const char* v : values) lo_message_add_string(m, v);
  return m;
}

struct SessionStats {
  std::uint64_t xruns = 0, received = 0, dropped = 0, errors = 0;
};

SessionStats stats_of(Child& cli) {
  const std::string line = cli.ask("stats");
  INFO(line);
  std::smatch m;
  REQUIRE(std::regex_match(
      line, m,
      std::regex(
          R"(xruns (\d+), blocks \d+, .*, osc received (\d+), osc dropped (\d+), osc errors (\d+))")));
  return {std::stoull(m[1]), std::stoull(m[2]), std::stoull(m[3]), std::stoull(m[4])};
}

}  // namespace

TEST_CASE("OSC sets a parameter by /fxgraph/set and by /NODE/PARAM; get on stdin shows it",
          "[cli][jack][osc]") {
  JackServer server;
  OscSession session(server, free_udp_port());
  Child& cli = session.cli;
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.5");

  oscsend(session.port, {"/fxgraph/set", "sf", "drive.gain", "2"});
  CHECK(eventually([&] { return cli.ask("get drive.gain") == "drive.gain = 2"; }));
  oscsend(session.port, {"/drive/gain", "f", "0.25"});
  CHECK(eventually([&] { return cli.ask("get drive.gain") == "drive.gain = 0.25"; }));
  oscsend(session.port, {"/drive/gain", "i", "3"});
  CHECK(eventually([&] { return cli.ask("get drive.gain") == "drive.gain = 3"; }));
  oscsend(session.port, {"/drive/gain_db", "d", "-6"});
  CHECK(eventually([&] { return cli.ask("get drive.gain_db") == "drive.gain_db = -6"; }));

  const SessionStats stats = stats_of(cli);
  CHECK(stats.received == 4);
  CHECK(stats.dropped == 0);
  CHECK(stats.errors == 0);
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("/fxgraph/get, /fxgraph/params and /fxgraph/stats reply to the sender",
          "[cli][jack][osc]") {
  JackServer server;
  OscSession session(server, free_udp_port());
  REQUIRE(session.cli.ask("set drive.gain 1.5") == "ok drive.gain = 1.5");

  SECTION("to a liblo server's sending port") {
    OscClient client(session.port);
    client.send("/fxgraph/get", strings({"drive.gain"}));
    CHECK(client.next_reply() == "/fxgraph/value ,sf drive.gain 1.500000");
    client.send("/fxgraph/params", lo_message_new());
    // One message per parameter (every node's, its `bypass` included), then the count.
    std::vector<std::string> params;
    std::optional<std::string> reply;
    while ((reply = client.next_reply()) && reply->rfind("/fxgraph/params/end", 0) != 0)
      params.push_back(*reply);
    REQUIRE(reply);
    CHECK(*reply == "/fxgraph/params/end ,i " + std::to_string(params.size()));
    const auto has = [&](const std::string& line) {
      return std::find(params.begin(), params.end(), line) != params.end();
    };
    CHECK(has("/fxgraph/param ,sfffs drive.gain 1.500000 -1000.000000 1000.000000 x"));
    CHECK(has("/fxgraph/param ,sfffs drive.gain_db 3.521825 -120.000000 60.000000 dB"));
    CHECK(has("/fxgraph/param ,sfffs drive.clamp 0.000000 0.000000 1.000000 "));
    CHECK(has("/fxgraph/param ,sfffs drive.bypass 0.000000 0.000000 1.000000 "));
    client.send("/fxgraph/stats", lo_message_new());
    const auto stats = client.next_reply();
    REQUIRE(stats);
    CHECK_THAT(*stats, Contains("/fxgraph/stats ,s xruns ") &&
                           Contains(", osc received 3, osc dropped 0, osc errors 0"));
  }
  SECTION("to oscdump, at the port given after the path (oscsend cannot listen)") {
    const std::uint16_t reply_port = free_udp_port();
    Child dump({"/usr/bin/oscdump", "-L", std::to_string(reply_port)});
    // oscdump is listening once a message sent to it shows up.
    REQUIRE(eventually(
        [&] {
          oscsend(reply_port, {"/ready"});
          return dump.read_line(100ms).has_value();
        },
        5000ms));
    oscsend(session.port, {"/fxgraph/get", "si", "drive.gain", std::to_string(reply_port)});
    const auto line = dump.read_line();
    REQUIRE(line);
    CHECK_THAT(*line, Contains("/fxgraph/value sf \"drive.gain\" 1.500000"));
    ::kill(dump.pid(), SIGTERM);
  }
}

TEST_CASE("malformed OSC messages answer /fxgraph/error, are counted, and the session lives on",
          "[cli][jack][osc]") {
  JackServer server;
  OscSession session(server, free_udp_port());
  Child& cli = session.cli;
  OscClient client(session.port);

  // Wrong type tags.
  lo_message two_floats = lo_message_new();
  lo_message_add_float(two_floats, 1.0f);
  lo_message_add_float(two_floats, 2.0f);
  client.send("/fxgraph/set", two_floats);
  auto reply = client.next_reply();
  REQUIRE(reply);
  CHECK_THAT(*reply, Contains("/fxgraph/error ,s /fxgraph/set takes ,sf") && Contains("got ,ff"));
  // A value that is not a number.
  client.send("/drive/gain", strings({"loud"}));
  reply = client.next_reply();
  REQUIRE(reply);
  CHECK_THAT(*reply, Contains("/fxgraph/error ,s") && Contains("not a number"));
  // Unknown addresses: a parameter that does not exist, an address of no known shape.
  lo_message one = lo_message_new();
  lo_message_add_float(one, 1.0f);
  client.send("/nowhere/gain", one);
  reply = client.next_reply();
  REQUIRE(reply);
  CHECK_THAT(*reply, Contains("/fxgraph/error ,s") && Contains("drive"));  // lists valid nodes
  client.send("/frobnicate", lo_message_new());
  reply = client.next_reply();
  REQUIRE(reply);
  CHECK_THAT(*reply, Contains("unknown OSC address '/frobnicate'"));
  // Out of range.
  lo_message loud = lo_message_new();
  lo_message_add_float(loud, 5000.0f);
  client.send("/drive/gain", loud);
  reply = client.next_reply();
  REQUIRE(reply);
  CHECK_THAT(*reply, Contains("/fxgraph/error ,s") && Contains("out of range"));
  // /fxgraph/reload runs the session's `reload` (the file is unchanged): not an error.
  client.send("/fxgraph/reload", lo_message_new());
  reply = client.next_reply();
  REQUIRE(reply);
  CHECK_THAT(*reply, StartsWith("/fxgraph/reload ,s ok reload: kept"));
  // Not OSC at all: raw bytes (and an empty datagram) from a plain UDP socket.
  const int raw = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(session.port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char garbage[] = "/not\0osc\xff\xfe";
  REQUIRE(::sendto(raw, garbage, sizeof garbage, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
          ssize_t(sizeof garbage));
  REQUIRE(::sendto(raw, "hello", 5, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == 5);
  ::close(raw);

  // Nothing above was printed on stdout: the next line is get's answer, unchanged.
  CHECK(eventually([&] { return stats_of(cli).errors == 7; }));
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.5");
  const SessionStats stats = stats_of(cli);
  CHECK(stats.received == 8);
  CHECK(stats.dropped == 0);
  CHECK_FALSE(cli.exited());
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE(
    "a flood of 100 000 OSC messages is queued or dropped and counted; the session "
    "answers and the audio keeps its period",
    "[cli][jack][osc]") {
  JackServer server;
  OscSession session(server, free_udp_port());
  Child& cli = session.cli;
  OscClient client(session.port);

  const SessionStats before = stats_of(cli);
  const auto flood_start = std::chrono::steady_clock::now();
  constexpr int kMessages = 100000;
  int sent = 0;
  lo_message value = lo_message_new();
  lo_message_add_float(value, 0.75f);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kMessages; ++i)
    if (lo_send_message(client.target(), "/drive/gain", value) >= 0) ++sent;
  const auto flood_time = std::chrono::steady_clock::now() - start;
  lo_message_free(value);
  INFO("sent " << sent << " of " << kMessages << " in "
               << std::chrono::duration_cast<std::chrono::milliseconds>(flood_time).count()
               << " ms");
  // The session answers stdin while (or right after) the queue drains.
  const auto asked = std::chrono::steady_clock::now();
  CHECK(cli.ask("get drive.gain") == "drive.gain = 0.75");
  CHECK(std::chrono::steady_clock::now() - asked < 2s);

  // Every datagram that reached the socket was queued or dropped, and the counters say
  // so: dropped includes the kernel's receive-buffer overflows (SO_MEMINFO), so on
  // loopback received + dropped equals what was sent.
  SessionStats after;
  CHECK(eventually(
      [&] {
        after = stats_of(cli);
        return after.received + after.dropped >= std::uint64_t(sent);
      },
      5000ms));
  const auto flood_window = std::chrono::steady_clock::now() - flood_start;
  INFO("received " << after.received << ", dropped " << after.dropped);
  CHECK(after.received + after.dropped == std::uint64_t(sent));
  CHECK(after.received > 0);
  CHECK(after.errors == 0);

  // The audio thread never sees OSC, so the flood adds no xruns of its own: compare
  // with an idle stretch of the same length right after it. On a 2-core machine the
  // flood's sender loop and the session's threads take CPU from jackd and the audio
  // thread (an idle stretch there shows xruns too), hence a small allowance for
  // scheduling (twice the idle count plus 3), not for work on the audio thread.
  std::this_thread::sleep_for(flood_window);
  const std::uint64_t flood_xruns = after.xruns - before.xruns;
  const std::uint64_t idle_xruns = stats_of(cli).xruns - after.xruns;
  INFO("xruns: " << flood_xruns << " during the flood, " << idle_xruns << " idle, over "
                 << std::chrono::duration_cast<std::chrono::milliseconds>(flood_window).count()
                 << " ms each");
  CHECK(flood_xruns <= 2 * idle_xruns + 3);
  cli.send("quit");
  CHECK(cli.wait() == 0);
}

TEST_CASE("fxgraph jack --osc with port 0, a busy port or a bad address exits 2 naming it",
          "[cli][jack][osc]") {
  JackServer server;
  TempYaml graph(kGraph);
  SECTION("port 0") {
    Child cli({FXGRAPH_CLI, "jack", graph.path(), "--server", server.name(), "--osc", "0"});
    CHECK(cli.wait(10000ms) == 2);
    CHECK_THAT(cli.stderr_text(), Contains("--osc: OSC port 0 is not allowed"));
  }
  SECTION("a port in use") {
    const std::uint16_t port = free_udp_port();
    const int holder = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    Child cli({FXGRAPH_CLI, "jack", graph.path(), "--server", server.name(), "--osc",
               std::to_string(port)});
    CHECK(cli.wait(10000ms) == 2);
    CHECK_THAT(cli.stderr_text(),
               Contains("cannot listen for OSC on UDP 127.0.0.1:" + std::to_string(port)) &&
                   Contains("in use"));
    ::close(holder);
  }
  SECTION("an address that is not numeric") {
    Child cli({FXGRAPH_CLI, "jack", graph.path(), "--server", server.name(), "--osc", "9",
               "--osc-bind", "localhost"});
    CHECK(cli.wait(10000ms) == 2);
    CHECK_THAT(cli.stderr_text(), Contains("'localhost' is not a numeric"));
  }
}

#endif  // FXGRAPH_CLI
