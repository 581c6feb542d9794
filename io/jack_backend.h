#pragma once
// JackBackend: the engine as a JACK client.
//
// open() connects to a running JACK server (it never starts one: JackNoStartServer)
// and registers one audio port per configured channel: inputs `in_1 .. in_N`,
// outputs `out_1 .. out_M` unless named in JackOptions. start() activates the client
// (JACK then calls the ProcessFn every period on its realtime thread) and, with
// `auto_connect`, connects the ports to the physical capture/playback ports in order
// (in_1 <- first capture port, out_1 -> first playback port, ...; extra channels stay
// unconnected). stop() deactivates the client; JACK drops every connection of an
// inactive client, so start() makes the auto connections again but connections made
// by hand (qjackctl, jack_connect) must be remade.
//
// The server owns the clock: sample_rate() and buffer_size() report the server's
// values, and the hooks report changes. The config's sample_rate, buffer_size and
// latency are not imposed on it: JACK's latency is chosen where the server is
// started (`jackd -d alsa -p <period> -n <periods>`).
//
// Threads
//   - audio thread: JACK's process thread runs the ProcessFn with views over the
//     port buffers, built from pointer tables preallocated in open(): no allocation,
//     no lock.
//   - notification thread: JACK's non-realtime thread runs the buffer-size and
//     sample-rate notifications (before the next process call) and counts xruns.
//     One exception, from JACK itself: when the client is activated, JACK reports the
//     period size from its process thread before the first process call; a hook runs
//     then only if the size changed since open().
//   - shutdown: when the server goes away (stopped, crashed, killed), JACK calls the
//     shutdown notification from one of its threads (notification or process
//     thread), also before start(); the state becomes `error` and the shutdown hook
//     runs, once. stop() and close() stay safe afterwards: the client handle is still
//     released with jack_client_close(), as JACK requires.
//   - connections: JACK's port-connect notification keeps a record of what our ports
//     are connected to (connections()), so it is still known once the server is gone
//     (JACK can no longer be asked then) and can be made again on a new server.
//
// MIDI input (optional)
//   With JackOptions::midi_input_port and midi_events set, open() also registers a JACK
//   MIDI input port of that name; each period, before the ProcessFn runs, the audio
//   thread copies its channel messages into the MidiEventQueue (read_midi_events): no
//   allocation, no lock; a full queue drops and counts. Without them, no MIDI port.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_backend.h"
#include "fxgraph/io/midi_events.h"

namespace fxgraph {

/// One JACK connection, as jack_connect() takes it: full port names, audio flowing
/// from `source` to `destination`.
struct JackConnection {
  std::string source;
  std::string destination;
  bool operator==(const JackConnection&) const = default;
};

struct JackOptions {
  /// The JACK client name. If taken, JACK picks a unique variant (client_name()).
  std::string client_name = "fxgraph";
  /// The server to connect to; "" means the default ($JACK_DEFAULT_SERVER or "default").
  std::string server_name;
  /// Short port names; empty means in_1 .. in_N. Otherwise exactly channels_in names.
  std::vector<std::string> input_port_names = {};
  /// Short port names; empty means out_1 .. out_M. Otherwise exactly channels_out names.
  std::vector<std::string> output_port_names = {};
  /// On start(), connect to the physical capture/playback ports.
  bool auto_connect = false;
  /// Short name of a MIDI input port to register (e.g. "midi_in"); "" = none.
  std::string midi_input_port;
  /// Where that port's events go; must outlive the backend. Needed with midi_input_port.
  MidiEventQueue* midi_events = nullptr;
};

class JackBackend final : public AudioBackend {
 public:
  explicit JackBackend(JackOptions options = {});
  ~JackBackend() override;  // close()

  /// Whether a JACK server named `server_name` ("" = default) accepts clients now.
  /// Opens and closes a short-lived client (JACK prints to stderr when none runs).
  static bool server_running(const std::string& server_name = "");

  /// Stops libjack from printing its own messages on stderr ("Cannot connect to server
  /// socket …", "jack server is not running …"): they repeat, in libjack's words, what
  /// the errors thrown here say. Process-wide and for good (libjack offers no way back);
  /// call it before the first client opens. A program's `--verbose` skips it.
  static void silence_library_messages();

  std::string name() const override { return "jack"; }
  bool is_available() const override { return server_running(options_.server_name); }
  /// The server's physical ports ("system:capture_1", ..., "system:playback_1", ...).
  std::vector<std::string> devices() const override;

  double sample_rate() const noexcept override;
  std::uint32_t buffer_size() const noexcept override;
  std::uint64_t xruns() const noexcept override;
  /// Published in the ports' latency ranges (JACK's latency callback); a change while
  /// open asks the server to recompute the graph's latencies.
  void set_processing_latency(std::uint32_t frames) override;
  /// Workers made by jack_client_create_thread, realtime when the server is.
  ThreadStarter thread_starter() override;

  const JackOptions& options() const noexcept { return options_; }
  /// The client name the server gave us (after open()).
  std::string client_name() const;
  /// Full port names, "<client>:in_1" ... (after open()).
  std::vector<std::string> input_ports() const;
  /// Full port names, "<client>:out_1" ... (after open()).
  std::vector<std::string> output_ports() const;
  /// The MIDI input's full name, "<client>:midi_in"; "" without one (after open()).
  std::string midi_input() const;

  /// Pushes the channel messages of a JACK MIDI port buffer (jack_port_get_buffer of a
  /// MIDI port) into `queue`; skips other messages (MidiEvent::from_bytes). Audio thread.
  static void read_midi_events(void* port_buffer, MidiEventQueue& queue) noexcept;

  /// The connections of this client's ports as last notified by JACK, in the order they
  /// were made: kept while open, and after the server is lost or the client closed,
  /// until the next open() starts a new record. Any thread but the audio thread.
  std::vector<JackConnection> connections() const;
  /// Makes each connection now (an existing one counts as made). Returns those that
  /// could not be made, e.g. because a port does not exist (yet). Control thread,
  /// while running (JACK drops the connections of an inactive client).
  std::vector<JackConnection> connect(const std::vector<JackConnection>& connections);

 protected:
  void do_open(const StreamConfig& config, ProcessFn process, void* user) override;
  void do_start() override;
  void do_stop() noexcept override;
  void do_close() noexcept override;

 private:
  struct Impl;  // the JACK handles and callbacks; keeps <jack/jack.h> out of this header

  JackOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fxgraph
