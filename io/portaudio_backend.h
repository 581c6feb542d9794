#pragma once
// PortAudioBackend: the engine on a sound card through PortAudio (ALSA, JACK, OSS …
// whichever host APIs the installed PortAudio has), for desktops without a JACK
// server, as torchfx's sounddevice backend plays.
//
// Devices: PortAudio's list (list_devices()), taken when the backend is created.
// PortAudioOptions::device picks one by index ("3") or by name: an exact name, else a
// case-insensitive part of exactly one device's name ("USB", "system"); empty means the
// default input and output devices. The same device serves capture and playback.
//
// Stream: callback mode, 32-bit float, planar (paNonInterleaved), channels_in inputs
// (none: output only) and channels_out outputs, the config's sample rate and a fixed
// buffer_size frames per callback (PortAudio adapts the device's own period to it).
// The config's latency (buffer_size × periods) is the suggested latency.
//
// Threads
//   - audio thread: PortAudio's callback thread runs the ProcessFn with views over the
//     callback's own buffers, through a pointer table preallocated in open(): no
//     allocation, no lock. Under/overflows reported to the callback count as xruns.
//   - no notifications: PortAudio reports neither rate changes nor a lost device, so
//     the hooks never run (and a device unplugged mid-stream is not noticed).
// With PortAudio's JACK host API, PortAudio is itself a JACK client (named after
// PortAudioOptions::client_name) on the server $JACK_DEFAULT_SERVER names.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_backend.h"

namespace fxgraph {

struct PortAudioOptions {
  /// "" (the defaults), an index from list_devices(), or (part of) a device's name.
  std::string device;
  /// The client name PortAudio's JACK host API uses (other host APIs ignore it).
  std::string client_name = "fxgraph";
};

/// One device as PortAudio lists it.
struct PortAudioDevice {
  int index = -1;
  std::string name;
  std::string host_api;  ///< "ALSA", "JACK Audio Connection Kit" …
  int max_inputs = 0;
  int max_outputs = 0;
  double default_sample_rate = 0.0;
  bool default_input = false;   ///< the default input device (of the default host API)
  bool default_output = false;  ///< the default output device
};

class PortAudioBackend final : public AudioBackend {
 public:
  /// Initialises PortAudio (which scans the devices: a JACK server must run now for
  /// PortAudio's JACK host API to list it). Throws BackendNotAvailableError when
  /// PortAudio cannot start.
  explicit PortAudioBackend(PortAudioOptions options = {});
  ~PortAudioBackend() override;  // close(), then PortAudio's own release

  std::string name() const override { return "portaudio"; }
  bool is_available() const override;
  /// One line per device: "3: system (JACK Audio Connection Kit), 2 in, 2 out, 48000 Hz".
  std::vector<std::string> devices() const override;
  /// The devices, in PortAudio's order (their index is what `device` may name).
  std::vector<PortAudioDevice> list_devices() const;
  /// The host APIs present ("ALSA", "JACK Audio Connection Kit", "OSS" …).
  std::vector<std::string> host_apis() const;
  /// The device `options.device` names (see PortAudioOptions); throws ConfigError
  /// (field `device`) naming what matched when none or several do.
  PortAudioDevice find_device(const std::string& device) const;

  double sample_rate() const noexcept override;
  std::uint32_t buffer_size() const noexcept override;
  std::uint64_t xruns() const noexcept override;

  const PortAudioOptions& options() const noexcept { return options_; }
  /// The device the stream uses (after open()).
  const PortAudioDevice& device() const noexcept;

 protected:
  void do_open(const StreamConfig& config, ProcessFn process, void* user) override;
  void do_start() override;
  void do_stop() noexcept override;
  void do_close() noexcept override;

 private:
  struct Impl;  // the PortAudio stream and callback; keeps <portaudio.h> out of this header

  PortAudioOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fxgraph
