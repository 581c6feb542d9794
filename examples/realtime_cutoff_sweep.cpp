// The README's cutoff sweep, live on JACK: a lowpass whose cutoff moves from 1000 to
// 5000 Hz in 100 Hz steps, one step every 50 ms, while audio plays. The filter keeps
// its state across coefficient changes, so the sweep does not click.
//
//   realtime_cutoff_sweep [SERVER]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include <fxgraph/engine/errors.h>
#include <fxgraph/engine/realtime_processor.h>
#include <fxgraph/graphs/catalog.h>
#include <fxgraph/io/jack_backend.h>

int main(int argc, char** argv) {
  using namespace fxgraph;
  using namespace std::chrono_literals;
  ::setenv("JACK_NO_START_SERVER", "1", 1);  // connect to a running server only
  const std::string server = argc > 1 ? argv[1] : "";

  try {
    auto lowpass = builtin_registry().create("lowpass", NodeOptions({{"cutoff", 1000.0}}));
    RealtimeProcessor processor(
        Graph::chain({lowpass}),
        std::make_unique<JackBackend>(JackOptions{
            .client_name = "cutoff_sweep", .server_name = server, .auto_connect = true}),
        StreamConfig{.channels_in = 2, .channels_out = 2});
    processor.start();

    int steps = 0;
    for (int cutoff = 1000; cutoff <= 5000; cutoff += 100, ++steps) {
      processor.set_parameter("0.cutoff", cutoff);
      std::this_thread::sleep_for(50ms);
    }
    std::printf("swept 0.cutoff to %.0f Hz in %d steps\n", processor.get_parameter("0.cutoff"),
                steps);
    processor.stop();
    std::printf("stopped after %llu periods, %llu xruns\n",
                static_cast<unsigned long long>(processor.stats().blocks),
                static_cast<unsigned long long>(processor.stats().xruns));
  } catch (const BackendNotAvailableError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const Error& e) {  // e.g. a node type this build does not have
    std::fprintf(stderr, "realtime_cutoff_sweep: %s\n", e.what());
    return 1;
  }
}
