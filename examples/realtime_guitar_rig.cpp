// The README's guitar rig, live on JACK: highpass 80 Hz → lowpass 8 kHz → gain 1.5 →
// reverb (room 0.3), mono in and out; then the drive goes up while it plays:
// set_parameter("2.gain", 2.0) — "2" is the chain's third node.
//
//   realtime_guitar_rig [SERVER [SECONDS]]
//
// The nodes are built from the catalog by type name, exactly as a YAML graph builds
// them (graphs/guitar.yaml is the same rig as a file).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <fxgraph/engine/errors.h>
#include <fxgraph/engine/realtime_processor.h>
#include <fxgraph/graphs/catalog.h>
#include <fxgraph/io/jack_backend.h>

namespace {
std::shared_ptr<fxgraph::Node> make(const std::string& type,
                                    std::map<std::string, fxgraph::OptionValue> settings) {
  return fxgraph::builtin_registry().create(type, fxgraph::NodeOptions(std::move(settings)));
}
}  // namespace

int main(int argc, char** argv) {
  using namespace fxgraph;
  ::setenv("JACK_NO_START_SERVER", "1", 1);  // connect to a running server only
  const std::string server = argc > 1 ? argv[1] : "";
  const double seconds = argc > 2 ? std::atof(argv[2]) : 1.0;

  try {
    Graph rig =
        Graph::chain({make("highpass", {{"cutoff", 80.0}}), make("lowpass", {{"cutoff", 8000.0}}),
                      make("gain", {{"gain", 1.5}}), make("reverb", {{"room_size", 0.3}})});
    RealtimeProcessor processor(
        std::move(rig),
        std::make_unique<JackBackend>(
            JackOptions{.client_name = "guitar_rig", .server_name = server, .auto_connect = true}),
        StreamConfig{.channels_in = 1, .channels_out = 1});
    processor.start();
    std::printf("running: guitar rig, latency %.2f ms\n", processor.latency_ms());
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 2));

    processor.set_parameter("2.gain", 2.0);  // validated here, ramped on the audio thread
    std::printf("2.gain = %.1f\n", processor.get_parameter("2.gain"));
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 2));
    processor.stop();
    std::printf("stopped after %llu periods, %llu xruns\n",
                static_cast<unsigned long long>(processor.stats().blocks),
                static_cast<unsigned long long>(processor.stats().xruns));
  } catch (const BackendNotAvailableError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const Error& e) {  // e.g. a node type this build does not have
    std::fprintf(stderr, "realtime_guitar_rig: %s\n", e.what());
    return 1;
  }
}
