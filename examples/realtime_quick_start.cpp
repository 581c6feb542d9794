// The README's realtime quick start: a gain of 0.5 on a stereo stream, played live as
// a JACK client (torchfx: RealtimeProcessor([Gain(0.5)], JackBackend(), StreamConfig(…))).
//
//   realtime_quick_start [SERVER [SECONDS]]
//
// SERVER is the JACK server's name ("" or absent: the default server); the program
// never starts a server itself. A test runs it against a private dummy server.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include <fxgraph/engine/errors.h>
#include <fxgraph/engine/realtime_processor.h>
#include <fxgraph/io/jack_backend.h>
#include <fxgraph/nodes/effects/gain.h>

int main(int argc, char** argv) {
  using namespace fxgraph;
  ::setenv("JACK_NO_START_SERVER", "1", 1);  // connect to a running server only
  const std::string server = argc > 1 ? argv[1] : "";
  const double seconds = argc > 2 ? std::atof(argv[2]) : 1.0;

  auto gain = std::make_shared<GainNode>();
  gain->configure_parameter("gain", 0.5);
  StreamConfig config{
      .sample_rate = 48000, .buffer_size = 512, .channels_in = 2, .channels_out = 2};
  RealtimeProcessor processor(
      Graph::chain({gain}),
      std::make_unique<JackBackend>(
          JackOptions{.client_name = "quick_start", .server_name = server, .auto_connect = true}),
      config);

  try {
    processor.start();  // JACK now calls the graph once per period
  } catch (const BackendNotAvailableError& e) {
    std::fprintf(stderr, "%s\n", e.what());  // says how to start jackd
    return 2;
  }
  // JACK's server owns the clock: the latency is its period, not the 512 asked for.
  std::printf("running: gain 0.5, stereo, latency %.2f ms\n", processor.latency_ms());
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  processor.stop();

  const RealtimeStats stats = processor.stats();
  std::printf("stopped after %llu periods, %llu xruns\n",
              static_cast<unsigned long long>(stats.blocks),
              static_cast<unsigned long long>(stats.xruns));
}  // the destructor closes the client
