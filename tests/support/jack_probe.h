#pragma once
// A plain JACK client on the test's side of the wire: it registers ports, connects
// them and lists ports, so tests can feed and read fxgraph's ports on a JackServer.
// LoopClient is the set-up most tests share: a client wired around fxgraph's ports.

#include <jack/jack.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/jack_server.h"

namespace fxgraph::test {

class Probe {
 public:
  Probe(const JackServer& server, const char* name) {
    jack_status_t status;
    client_ =
        jack_client_open(name, static_cast<jack_options_t>(JackNoStartServer | JackServerName),
                         &status, server.name().c_str());
    REQUIRE(client_ != nullptr);
  }
  ~Probe() {
    jack_deactivate(client_);
    jack_client_close(client_);
  }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  jack_client_t* client() const { return client_; }
  std::string full_name(const char* port) const {
    return std::string(jack_get_client_name(client_)) + ":" + port;
  }
  jack_port_t* add_port(const char* name, unsigned long flags) {
    jack_port_t* port = jack_port_register(client_, name, JACK_DEFAULT_AUDIO_TYPE, flags, 0);
    REQUIRE(port != nullptr);
    return port;
  }
  void activate(JackProcessCallback process, void* arg) {
    REQUIRE(jack_set_process_callback(client_, process, arg) == 0);
    REQUIRE(jack_activate(client_) == 0);
  }
  void connect(const std::string& source, const std::string& destination) {
    INFO(source << " -> " << destination);
    REQUIRE(jack_connect(client_, source.c_str(), destination.c_str()) == 0);
  }
  bool connected(const std::string& port, const std::string& other) const {
    jack_port_t* p = jack_port_by_name(client_, port.c_str());
    return p != nullptr && jack_port_connected_to(p, other.c_str()) != 0;
  }
  /// Port names matching `pattern`, sorted.
  std::vector<std::string> ports(const std::string& pattern) const {
    std::vector<std::string> names;
    const char** found = jack_get_ports(client_, pattern.c_str(), nullptr, 0);
    for (const char** p = found; p != nullptr && *p != nullptr; ++p) names.emplace_back(*p);
    jack_free(found);
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  jack_client_t* client_ = nullptr;
};

/// The test ramp: one value per frame, 1 … 2^20, exact as float (and so is half of it:
/// a gain of 0.5 only lowers the exponent), so audio can be compared sample for sample.
constexpr std::uint32_t ramp_period = 1u << 20;
inline float ramp(std::uint64_t frame) {
  return static_cast<float>(frame % ramp_period + 1);
}

/// A probe's process callback state that writes the ramp on `port`.
struct RampSource {
  jack_port_t* port = nullptr;
  std::uint64_t frame = 0;
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<RampSource*>(arg);
    auto* out = static_cast<float*>(jack_port_get_buffer(self.port, frames));
    for (jack_nframes_t i = 0; i < frames; ++i) out[i] = ramp(self.frame++);
    return 0;
  }
};

/// A JACK process callback for a Probe's two ports: writes 1.0 on `out` and keeps the
/// last sample heard on `in` (`probe.activate(&ConstantLoop::process, &loop)`).
struct ConstantLoop {
  jack_port_t* out = nullptr;
  jack_port_t* in = nullptr;
  std::atomic<float> last{-1.0f};
  static int process(jack_nframes_t frames, void* arg) {
    auto& self = *static_cast<ConstantLoop*>(arg);
    auto* o = static_cast<float*>(jack_port_get_buffer(self.out, frames));
    for (jack_nframes_t i = 0; i < frames; ++i) o[i] = 1.0f;
    self.last.store(static_cast<const float*>(jack_port_get_buffer(self.in, frames))[frames - 1]);
    return 0;
  }
};

/// A test client around fxgraph's ports: a Probe with ports `out` and `in` running
/// ConstantLoop, so 1.0 goes into fxgraph and the last sample it gives back is kept.
///
///   LoopClient client(server);
///   client.connect_around("fx:guitar_1", "fx:monitor_2");
///   CHECK(eventually([&] { return client.last() == 0.5f; }));
class LoopClient {
 public:
  explicit LoopClient(const JackServer& server, const char* name = "probe") : probe(server, name) {
    loop.out = probe.add_port("out", JackPortIsOutput);
    loop.in = probe.add_port("in", JackPortIsInput);
    probe.activate(&ConstantLoop::process, &loop);
  }
  /// Connects `out` to fxgraph's input port `fx_input` and `fx_output` to `in`.
  void connect_around(const std::string& fx_input, const std::string& fx_output) {
    probe.connect(probe.full_name("out"), fx_input);
    probe.connect(fx_output, probe.full_name("in"));
  }
  /// The last sample heard on `in` (-1 before the first period).
  float last() const { return loop.last.load(); }

  ConstantLoop loop;  // declared first, destroyed last: the probe stops calling it before
  Probe probe;
};

}  // namespace fxgraph::test
