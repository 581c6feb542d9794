#include "fxgraph/io/jack_backend.h"

#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/thread.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <utility>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {

std::string effective_server_name(const std::string& server_name) {
  if (!server_name.empty()) return server_name;
  if (const char* env = std::getenv("JACK_DEFAULT_SERVER"); env != nullptr && *env != '\0')
    return env;
  return "default";
}

// Opens a client without ever starting a server. Null on failure, with `status`.
jack_client_t* open_client(const std::string& client_name, const std::string& server_name,
                           jack_status_t& status) {
  status = jack_status_t{};
  if (server_name.empty()) return jack_client_open(client_name.c_str(), JackNoStartServer, &status);
  return jack_client_open(client_name.c_str(),
                          static_cast<jack_options_t>(JackNoStartServer | JackServerName), &status,
                          server_name.c_str());
}

std::string describe(jack_status_t status) {
  static constexpr std::pair<unsigned, const char*> bits[] = {
      {JackFailure, "failure"},
      {JackInvalidOption, "invalid option"},
      {JackNameNotUnique, "client name not unique"},
      {JackServerStarted, "server started"},
      {JackServerFailed, "cannot connect to the server"},
      {JackServerError, "communication error with the server"},
      {JackNoSuchClient, "no such client"},
      {JackLoadFailure, "cannot load internal client"},
      {JackInitFailure, "cannot initialize client"},
      {JackShmFailure, "cannot access shared memory"},
      {JackVersionError, "client/server protocol version mismatch"},
      {JackBackendError, "backend error"},
      {JackClientZombie, "client zombified"},
  };
  std::ostringstream text;
  text << "JACK status 0x" << std::hex << static_cast<unsigned>(status) << std::dec;
  const char* separator = ": ";
  for (auto [bit, what] : bits) {
    if ((static_cast<unsigned>(status) & bit) != 0) {
      text << separator << what;
      separator = ", ";
    }
  }
  return text.str();
}

std::vector<std::string> port_list(jack_client_t* client, unsigned long flags) {
  std::vector<std::string> names;
  const char** ports = jack_get_ports(client, nullptr, JACK_DEFAULT_AUDIO_TYPE, flags);
  if (ports == nullptr) return names;
  for (const char** p = ports; *p != nullptr; ++p) names.emplace_back(*p);
  jack_free(ports);
  return names;
}

std::vector<std::string> port_names(const std::vector<std::string>& given, std::uint32_t count,
                                    const char* prefix, const char* option, const char* field) {
  if (given.empty()) {
    std::vector<std::string> names;
    for (std::uint32_t i = 1; i <= count; ++i) names.push_back(prefix + std::to_string(i));
    return names;
  }
  if (given.size() != count) {
    throw ConfigError("JackOptions." + std::string(option) + " has " +
                      std::to_string(given.size()) + " names but StreamConfig." + field + " = " +
                      std::to_string(count) + "; give exactly one name per channel or none");
  }
  return given;
}

}  // namespace

// Everything that touches JACK. The static callbacks are what JACK calls; being
// members of a nested class, they may reach JackBackend's protected notifications.
struct JackBackend::Impl {
  explicit Impl(JackBackend& backend) : owner(backend) {}

  JackBackend& owner;
  jack_client_t* client = nullptr;
  bool active = false;  // control thread only
  ProcessFn process = nullptr;
  void* user = nullptr;
  std::string client_name;
  std::vector<std::string> input_names;   // full names
  std::vector<std::string> output_names;  // full names
  std::vector<jack_port_t*> input_ports;
  std::vector<jack_port_t*> output_ports;
  jack_port_t* midi_port = nullptr;  // JackOptions::midi_input_port, when asked for
  MidiEventQueue* midi_events = nullptr;
  std::string midi_name;  // full name
  // Channel pointer tables the views point into: sized in open(), filled per period.
  std::vector<float*> input_buffers;
  std::vector<float*> output_buffers;

  std::atomic<double> sample_rate{0.0};
  std::atomic<std::uint32_t> buffer_size{0};
  std::atomic<std::uint64_t> xruns{0};
  std::atomic<std::uint32_t> processing_latency{0};

  // What our ports are connected to, kept by on_port_connect (notification thread) and
  // read by the control thread: guarded by a mutex the audio thread never takes.
  mutable std::mutex connections_mutex;
  std::vector<JackConnection> connections;

  // Audio thread.
  static int on_process(jack_nframes_t frames, void* arg) noexcept {
    auto& self = *static_cast<Impl*>(arg);
    if (self.midi_port != nullptr)
      read_midi_events(jack_port_get_buffer(self.midi_port, frames), *self.midi_events);
    const auto inputs = static_cast<std::uint32_t>(self.input_ports.size());
    const auto outputs = static_cast<std::uint32_t>(self.output_ports.size());
    for (std::uint32_t c = 0; c < inputs; ++c)
      self.input_buffers[c] =
          static_cast<float*>(jack_port_get_buffer(self.input_ports[c], frames));
    for (std::uint32_t c = 0; c < outputs; ++c)
      self.output_buffers[c] =
          static_cast<float*>(jack_port_get_buffer(self.output_ports[c], frames));
    const AudioView in{self.input_buffers.data(), inputs, frames};
    const AudioView out{self.output_buffers.data(), outputs, frames};
    self.process(self.user, in, out);
    return 0;
  }

  // Notification thread (JACK's latency callback): a signal leaving our outputs is as
  // late as the latest one arriving at our inputs plus our processing latency, and the
  // other way round for playback latency.
  static void on_latency(jack_latency_callback_mode_t mode, void* arg) noexcept {
    auto& self = *static_cast<Impl*>(arg);
    const bool capture = mode == JackCaptureLatency;
    const auto& from = capture ? self.input_ports : self.output_ports;
    const auto& to = capture ? self.output_ports : self.input_ports;
    jack_latency_range_t range{0, 0};
    for (std::size_t i = 0; i < from.size(); ++i) {
      jack_latency_range_t r;
      jack_port_get_latency_range(from[i], mode, &r);
      range.min = i == 0 ? r.min : std::min(range.min, r.min);
      range.max = i == 0 ? r.max : std::max(range.max, r.max);
    }
    const std::uint32_t own = self.processing_latency.load(std::memory_order_relaxed);
    range.min += own;
    range.max += own;
    for (jack_port_t* port : to) jack_port_set_latency_range(port, mode, &range);
  }

  // Notification thread.
  static int on_xrun(void* arg) noexcept {
    static_cast<Impl*>(arg)->xruns.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }

  // Notification thread (or, once at activation, the process thread: see the header).
  static int on_buffer_size(jack_nframes_t frames, void* arg) noexcept {
    auto& self = *static_cast<Impl*>(arg);
    if (self.buffer_size.exchange(frames) != frames) self.owner.notify_buffer_size_changed(frames);
    return 0;
  }

  // Notification thread (JACK also calls it once when it is registered).
  static int on_sample_rate(jack_nframes_t rate, void* arg) noexcept {
    auto& self = *static_cast<Impl*>(arg);
    const auto hz = static_cast<double>(rate);
    if (self.sample_rate.exchange(hz) != hz) self.owner.notify_sample_rate_changed(hz);
    return 0;
  }

  // Notification thread: a connection of any two ports changed. Ours are remembered
  // by name; after a failure (the server going away) the record is left as it was.
  static void on_port_connect(jack_port_id_t a, jack_port_id_t b, int connect, void* arg) noexcept {
    auto& self = *static_cast<Impl*>(arg);
    if (self.owner.state() == StreamState::error) return;
    jack_port_t* first = jack_port_by_id(self.client, a);
    jack_port_t* second = jack_port_by_id(self.client, b);
    if (first == nullptr || second == nullptr) return;
    if (!jack_port_is_mine(self.client, first) && !jack_port_is_mine(self.client, second)) return;
    // JACK names the two ports in either order; audio flows out of the output port.
    if ((jack_port_flags(first) & JackPortIsOutput) == 0) std::swap(first, second);
    try {
      JackConnection connection{jack_port_name(first), jack_port_name(second)};
      std::lock_guard lock(self.connections_mutex);
      const auto found = std::find(self.connections.begin(), self.connections.end(), connection);
      if (connect != 0 && found == self.connections.end())
        self.connections.push_back(std::move(connection));
      else if (connect == 0 && found != self.connections.end())
        self.connections.erase(found);
    } catch (...) {
      // Out of memory on JACK's thread: the record misses this change, nothing else.
    }
  }

  // Any JACK thread, like an asynchronous signal handler: JACK forbids closing the
  // client here, so this only records the failure; close() releases the client.
  static void on_shutdown(jack_status_t, const char* reason, void* arg) noexcept {
    static_cast<Impl*>(arg)->owner.fail("the JACK server shut down: ",
                                        reason != nullptr ? reason : "no reason given");
  }

  void release() noexcept {
    if (client != nullptr) {
      if (active) jack_deactivate(client);
      jack_client_close(client);  // also after a shutdown: frees the client
    }
    client = nullptr;
    active = false;
    input_ports.clear();
    output_ports.clear();
    midi_port = nullptr;
    input_buffers.clear();
    output_buffers.clear();
  }
};

JackBackend::JackBackend(JackOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(*this)) {}

JackBackend::~JackBackend() {
  close();
}

namespace {
void discard_library_message(const char*) {}
}  // namespace

void JackBackend::silence_library_messages() {
  jack_set_error_function(&discard_library_message);
  jack_set_info_function(&discard_library_message);
}

bool JackBackend::server_running(const std::string& server_name) {
  jack_status_t status;
  jack_client_t* client = open_client("fxgraph-probe", server_name, status);
  if (client == nullptr) return false;
  jack_client_close(client);
  return true;
}

std::vector<std::string> JackBackend::devices() const {
  if (impl_->client != nullptr) return port_list(impl_->client, JackPortIsPhysical);
  jack_status_t status;
  jack_client_t* client = open_client("fxgraph-devices", options_.server_name, status);
  if (client == nullptr) return {};
  std::vector<std::string> names = port_list(client, JackPortIsPhysical);
  jack_client_close(client);
  return names;
}

double JackBackend::sample_rate() const noexcept {
  return impl_->sample_rate.load();
}
std::uint32_t JackBackend::buffer_size() const noexcept {
  return impl_->buffer_size.load();
}
std::uint64_t JackBackend::xruns() const noexcept {
  return impl_->xruns.load();
}
ThreadStarter JackBackend::thread_starter() {
  jack_client_t* client = impl_->client;
  if (client == nullptr) return {};
  return [client](std::function<void()> body) -> std::function<void()> {
    auto owned = std::make_shared<std::function<void()>>(std::move(body));
    jack_native_thread_t thread;
    const auto run = [](void* arg) -> void* {
      (*static_cast<std::function<void()>*>(arg))();
      return nullptr;
    };
    if (jack_client_create_thread(client, &thread, jack_client_real_time_priority(client),
                                  jack_is_realtime(client), run, owned.get()) != 0)
      throw StreamError("cannot create a JACK worker thread");
    return [client, thread, owned] { jack_client_stop_thread(client, thread); };
  };
}

void JackBackend::set_processing_latency(std::uint32_t frames) {
  if (impl_->processing_latency.exchange(frames) != frames && impl_->client != nullptr &&
      impl_->active)
    jack_recompute_total_latencies(impl_->client);
}
std::string JackBackend::client_name() const {
  return impl_->client_name;
}
std::vector<std::string> JackBackend::input_ports() const {
  return impl_->input_names;
}
std::vector<std::string> JackBackend::output_ports() const {
  return impl_->output_names;
}
std::string JackBackend::midi_input() const {
  return impl_->midi_name;
}

void JackBackend::read_midi_events(void* port_buffer, MidiEventQueue& queue) noexcept {
  const std::uint32_t count = jack_midi_get_event_count(port_buffer);
  for (std::uint32_t i = 0; i < count; ++i) {
    jack_midi_event_t raw;
    if (jack_midi_event_get(&raw, port_buffer, i) != 0) continue;
    if (const auto event = MidiEvent::from_bytes(raw.buffer, raw.size, raw.time))
      queue.push(*event);
  }
}

std::vector<JackConnection> JackBackend::connections() const {
  std::lock_guard lock(impl_->connections_mutex);
  return impl_->connections;
}

std::vector<JackConnection> JackBackend::connect(const std::vector<JackConnection>& connections) {
  if (impl_->client == nullptr || !impl_->active) return connections;
  std::vector<JackConnection> failed;
  for (const JackConnection& c : connections) {
    const int result = jack_connect(impl_->client, c.source.c_str(), c.destination.c_str());
    if (result != 0 && result != EEXIST) failed.push_back(c);
  }
  return failed;
}

void JackBackend::do_open(const StreamConfig& config, ProcessFn process, void* user) {
  Impl& impl = *impl_;
  const std::vector<std::string> inputs = port_names(options_.input_port_names, config.channels_in,
                                                     "in_", "input_port_names", "channels_in");
  const std::vector<std::string> outputs = port_names(
      options_.output_port_names, config.channels_out, "out_", "output_port_names", "channels_out");

  jack_status_t status;
  impl.client = open_client(options_.client_name, options_.server_name, status);
  if (impl.client == nullptr) {
    const std::string server = effective_server_name(options_.server_name);
    if ((status & JackServerFailed) != 0) {
      const std::string name_flag = server == "default" ? "" : "-n " + server + " ";
      throw BackendNotAvailableError("no JACK server named '" + server + "' is running (" +
                                     describe(status) + "). Start one, e.g. `jackd " + name_flag +
                                     "-d dummy -r 48000 -p 256` (no sound " + "card) or `jackd " +
                                     name_flag + "-d alsa -d hw:0` (a sound card)");
    }
    throw StreamError("cannot open JACK client '" + options_.client_name + "' on server '" +
                      server + "' (" + describe(status) + ")");
  }

  try {
    impl.process = process;
    impl.user = user;
    impl.client_name = jack_get_client_name(impl.client);
    impl.xruns.store(0);
    {
      std::lock_guard lock(impl.connections_mutex);
      impl.connections.clear();  // a new client starts unconnected
    }
    impl.buffer_size.store(jack_get_buffer_size(impl.client));
    impl.sample_rate.store(static_cast<double>(jack_get_sample_rate(impl.client)));

    // Callbacks must be registered before jack_activate().
    if (jack_set_process_callback(impl.client, &Impl::on_process, &impl) != 0 ||
        jack_set_xrun_callback(impl.client, &Impl::on_xrun, &impl) != 0 ||
        jack_set_buffer_size_callback(impl.client, &Impl::on_buffer_size, &impl) != 0 ||
        jack_set_sample_rate_callback(impl.client, &Impl::on_sample_rate, &impl) != 0 ||
        jack_set_latency_callback(impl.client, &Impl::on_latency, &impl) != 0 ||
        jack_set_port_connect_callback(impl.client, &Impl::on_port_connect, &impl) != 0)
      throw StreamError("cannot register the JACK callbacks of client '" + impl.client_name + "'");
    jack_on_info_shutdown(impl.client, &Impl::on_shutdown, &impl);

    const auto register_ports = [&](const std::vector<std::string>& names, unsigned long flags,
                                    std::vector<jack_port_t*>& ports,
                                    std::vector<std::string>& full_names) {
      for (const std::string& short_name : names) {
        jack_port_t* port =
            jack_port_register(impl.client, short_name.c_str(), JACK_DEFAULT_AUDIO_TYPE, flags, 0);
        if (port == nullptr)
          throw StreamError("cannot register JACK port '" + impl.client_name + ":" + short_name +
                            "' (invalid or duplicate name, or too long?)");
        ports.push_back(port);
        full_names.emplace_back(jack_port_name(port));
      }
    };
    impl.input_names.clear();
    impl.output_names.clear();
    register_ports(inputs, JackPortIsInput, impl.input_ports, impl.input_names);
    register_ports(outputs, JackPortIsOutput, impl.output_ports, impl.output_names);
    impl.midi_name.clear();
    if (!options_.midi_input_port.empty()) {
      if (options_.midi_events == nullptr)
        throw ConfigError("JackOptions.midi_input_port '" + options_.midi_input_port +
                          "' needs JackOptions.midi_events, the queue its events go to");
      impl.midi_port = jack_port_register(impl.client, options_.midi_input_port.c_str(),
                                          JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
      if (impl.midi_port == nullptr)
        throw StreamError("cannot register JACK MIDI port '" + impl.client_name + ":" +
                          options_.midi_input_port + "' (invalid or duplicate name?)");
      impl.midi_events = options_.midi_events;
      impl.midi_name = jack_port_name(impl.midi_port);
    }
    impl.input_buffers.assign(impl.input_ports.size(), nullptr);
    impl.output_buffers.assign(impl.output_ports.size(), nullptr);
  } catch (...) {
    impl.release();
    throw;
  }
}

void JackBackend::do_start() {
  Impl& impl = *impl_;
  // The client was opened and its ports registered, so a refusal here almost always
  // means the server went away in between (killed, crashed): report it as a lost server.
  if (jack_activate(impl.client) != 0)
    throw StreamError("JACK server shut down or stopped answering while client '" +
                      impl.client_name + "' was being activated");
  impl.active = true;
  if (!options_.auto_connect) return;

  // Connections need an active client (JACK drops those of inactive clients).
  std::string failures;
  const auto connect = [&](const std::string& source, const std::string& destination) {
    const int result = jack_connect(impl.client, source.c_str(), destination.c_str());
    if (result != 0 && result != EEXIST) failures += " " + source + " -> " + destination + ";";
  };
  const std::vector<std::string> capture =
      port_list(impl.client, JackPortIsPhysical | JackPortIsOutput);
  const std::vector<std::string> playback =
      port_list(impl.client, JackPortIsPhysical | JackPortIsInput);
  for (std::size_t i = 0; i < impl.input_names.size() && i < capture.size(); ++i)
    connect(capture[i], impl.input_names[i]);
  for (std::size_t i = 0; i < impl.output_names.size() && i < playback.size(); ++i)
    connect(impl.output_names[i], playback[i]);
  if (!failures.empty()) {
    jack_deactivate(impl.client);
    impl.active = false;
    throw StreamError("JACK client '" + impl.client_name + "' could not auto-connect:" + failures);
  }
}

void JackBackend::do_stop() noexcept {
  Impl& impl = *impl_;
  if (!impl.active) return;
  // After a server shutdown this fails harmlessly (JACK prints an error); the
  // process thread is stopped either way.
  jack_deactivate(impl.client);
  impl.active = false;
}

void JackBackend::do_close() noexcept {
  impl_->release();
}

}  // namespace fxgraph
