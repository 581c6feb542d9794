// OSC control throughput (issue 15): how many messages per second the OSC path
// sustains into RealtimeProcessor::set_parameter while the stream plays.
//
// The path measured is the live session's, minus its text command parser: liblo
// encodes `/0/gain ,f` datagrams on loopback UDP; OscReceiver's thread decodes them
// into its bounded queue and wakes the consumer's eventfd; the consumer (the session's
// control thread in `fxgraph jack --osc`) pops each, maps the address to "0.gain" (a chain of one
// gain) and calls set_parameter, which the audio thread (a NullBackend clock, 64 frames at 48 kHz)
// applies at its next period.
//
// Each iteration sends a burst of `burst` messages and waits until every one was
// applied or counted as dropped; items/s counts applied messages only, and the
// `dropped` counter shows what a burst of that size loses (queue or socket buffer full).

#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/null_backend.h"
#include "fxgraph/io/osc_receiver.h"
#include "fxgraph/nodes/effects/gain.h"

namespace {

using namespace fxgraph;

std::uint16_t free_udp_port() {
  const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(s);
  return ntohs(address.sin_port);
}

/// "/0/gain" -> "0.gain", as the session maps /NODE/PARAM.
std::string parameter_path(std::string_view address) {
  const std::size_t slash = address.find('/', 1);
  return std::string(address.substr(1, slash - 1)) + "." + std::string(address.substr(slash + 1));
}

void BM_OscToSetParameter(benchmark::State& state) {
  const auto burst = std::uint64_t(state.range(0));
  RealtimeProcessor rt(Graph::chain({std::make_shared<GainNode>()}),
                       std::make_unique<NullBackend>(),
                       StreamConfig{.sample_rate = 48000, .buffer_size = 64});
  rt.start();
  OscReceiver receiver({.port = free_udp_port()});
  lo_address target = lo_address_new("127.0.0.1", std::to_string(receiver.port()).c_str());
  lo_message message = lo_message_new();
  lo_message_add_float(message, 0.5f);

  std::uint64_t sent = 0, applied = 0;
  OscMessage popped;
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < burst; ++i)
      if (lo_send_message(target, "/0/gain", message) >= 0) ++sent;
    for (;;) {
      const OscCounters counters = receiver.counters();
      if (applied == counters.received && counters.received + counters.dropped >= sent) break;
      pollfd wake{receiver.wake_fd(), POLLIN, 0};
      ::poll(&wake, 1, 10);
      receiver.drain_wake_fd();
      while (receiver.pop(popped)) {
        rt.set_parameter(parameter_path(popped.address_view()), popped.arguments[0].number);
        ++applied;
      }
    }
  }
  const OscCounters counters = receiver.counters();
  state.SetItemsProcessed(std::int64_t(applied));
  state.counters["dropped"] = double(counters.dropped);
  state.counters["xruns"] = double(rt.stats().xruns);
  lo_message_free(message);
  lo_address_free(target);
  rt.stop();
}
BENCHMARK(BM_OscToSetParameter)->Arg(64)->Arg(1024)->Arg(16384)->UseRealTime();

}  // namespace
