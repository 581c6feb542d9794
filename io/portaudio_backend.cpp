#include "fxgraph/io/portaudio_backend.h"

#include <pa_jack.h>
#include <portaudio.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <sstream>
#include <utility>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {

std::string lowercase(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string describe(const PortAudioDevice& d) {
  std::ostringstream line;
  line << d.index << ": " << d.name << " (" << d.host_api << "), " << d.max_inputs << " in, "
       << d.max_outputs << " out, " << d.default_sample_rate << " Hz";
  if (d.default_input || d.default_output)
    line << " [default" << (d.default_input ? " input" : "")
         << (d.default_input && d.default_output ? "," : "") << (d.default_output ? " output" : "")
         << "]";
  return line.str();
}

PortAudioDevice device_at(int index) {
  const PaDeviceInfo* info = Pa_GetDeviceInfo(index);
  PortAudioDevice d;
  d.index = index;
  if (info == nullptr) return d;
  d.name = info->name != nullptr ? info->name : "";
  if (const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi); api != nullptr)
    d.host_api = api->name != nullptr ? api->name : "";
  d.max_inputs = info->maxInputChannels;
  d.max_outputs = info->maxOutputChannels;
  d.default_sample_rate = info->defaultSampleRate;
  d.default_input = index == Pa_GetDefaultInputDevice();
  d.default_output = index == Pa_GetDefaultOutputDevice();
  return d;
}

}  // namespace

// Everything that touches PortAudio. The static callback is what PortAudio calls.
struct PortAudioBackend::Impl {
  bool initialised = false;
  PaStream* stream = nullptr;
  bool started = false;  // control thread only
  ProcessFn process = nullptr;
  void* user = nullptr;
  PortAudioDevice device;
  std::uint32_t channels_in = 0;
  std::uint32_t channels_out = 0;
  // The views' pointer tables: sized in open(), filled per callback.
  std::vector<float*> input_buffers;
  std::vector<float*> output_buffers;

  std::atomic<double> sample_rate{0.0};
  std::atomic<std::uint32_t> buffer_size{0};
  std::atomic<std::uint64_t> xruns{0};

  // Audio thread (PortAudio's callback thread).
  static int on_process(const void* input, void* output, unsigned long frames,
                        const PaStreamCallbackTimeInfo*, PaStreamCallbackFlags flags,
                        void* arg) noexcept {
    auto& self = *static_cast<Impl*>(arg);
    if ((flags & (paInputUnderflow | paInputOverflow | paOutputUnderflow | paOutputOverflow)) != 0)
      self.xruns.fetch_add(1, std::memory_order_relaxed);
    // paNonInterleaved: one buffer per channel.
    const auto* in = static_cast<const float* const*>(input);
    auto* const* out = static_cast<float* const*>(output);
    for (std::uint32_t c = 0; c < self.channels_in; ++c)
      self.input_buffers[c] = const_cast<float*>(in[c]);  // AudioView is read-only for `in`
    for (std::uint32_t c = 0; c < self.channels_out; ++c) self.output_buffers[c] = out[c];
    const auto n = static_cast<std::uint32_t>(frames);
    self.process(self.user, AudioView{self.input_buffers.data(), self.channels_in, n},
                 AudioView{self.output_buffers.data(), self.channels_out, n});
    return paContinue;
  }

  void release() noexcept {
    if (stream != nullptr) {
      if (started) Pa_StopStream(stream);
      Pa_CloseStream(stream);
    }
    stream = nullptr;
    started = false;
  }
};

PortAudioBackend::PortAudioBackend(PortAudioOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  // Before Pa_Initialize: the JACK host API opens its client there.
  PaJack_SetClientName(options_.client_name.c_str());
  if (const PaError error = Pa_Initialize(); error != paNoError)
    throw BackendNotAvailableError(std::string("PortAudio cannot start: ") +
                                   Pa_GetErrorText(error));
  impl_->initialised = true;
}

PortAudioBackend::~PortAudioBackend() {
  close();
  if (impl_->initialised) Pa_Terminate();
}

bool PortAudioBackend::is_available() const {
  return Pa_GetDeviceCount() > 0;
}

std::vector<PortAudioDevice> PortAudioBackend::list_devices() const {
  std::vector<PortAudioDevice> list;
  const int count = Pa_GetDeviceCount();
  for (int i = 0; i < count; ++i) list.push_back(device_at(i));
  return list;
}

std::vector<std::string> PortAudioBackend::devices() const {
  std::vector<std::string> lines;
  for (const PortAudioDevice& d : list_devices()) lines.push_back(describe(d));
  return lines;
}

std::vector<std::string> PortAudioBackend::host_apis() const {
  std::vector<std::string> names;
  const PaHostApiIndex count = Pa_GetHostApiCount();
  for (PaHostApiIndex i = 0; i < count; ++i)
    if (const PaHostApiInfo* api = Pa_GetHostApiInfo(i); api != nullptr && api->name != nullptr)
      names.emplace_back(api->name);
  return names;
}

PortAudioDevice PortAudioBackend::find_device(const std::string& device) const {
  const std::vector<PortAudioDevice> all = list_devices();
  std::string listing;
  for (const PortAudioDevice& d : all) listing += "\n  " + describe(d);
  if (all.empty()) throw ConfigError("PortAudio lists no audio device", {.key = "device"});

  int index = -1;
  const auto [end, error] = std::from_chars(device.data(), device.data() + device.size(), index);
  if (!device.empty() && error == std::errc() && end == device.data() + device.size()) {
    if (index < 0 || index >= int(all.size()))
      throw ConfigError("no PortAudio device number " + device + "; the devices are:" + listing,
                        {.key = "device"});
    return all[std::size_t(index)];
  }
  for (const PortAudioDevice& d : all)
    if (d.name == device) return d;
  std::vector<const PortAudioDevice*> matches;
  for (const PortAudioDevice& d : all)
    if (lowercase(d.name).find(lowercase(device)) != std::string::npos) matches.push_back(&d);
  if (matches.size() == 1) return *matches.front();
  if (matches.empty())
    throw ConfigError(
        "no PortAudio device is named like '" + device + "'; the devices are:" + listing,
        {.key = "device"});
  std::string names;
  for (const PortAudioDevice* d : matches) names += "\n  " + describe(*d);
  throw ConfigError("'" + device + "' names several PortAudio devices; give one's number:" + names,
                    {.key = "device"});
}

double PortAudioBackend::sample_rate() const noexcept {
  return impl_->sample_rate.load();
}
std::uint32_t PortAudioBackend::buffer_size() const noexcept {
  return impl_->buffer_size.load();
}
std::uint64_t PortAudioBackend::xruns() const noexcept {
  return impl_->xruns.load();
}
const PortAudioDevice& PortAudioBackend::device() const noexcept {
  return impl_->device;
}

void PortAudioBackend::do_open(const StreamConfig& config, ProcessFn process, void* user) {
  Impl& impl = *impl_;
  PortAudioDevice input_device, output_device;
  if (options_.device.empty()) {
    input_device = device_at(Pa_GetDefaultInputDevice());
    output_device = device_at(Pa_GetDefaultOutputDevice());
  } else {
    input_device = output_device = find_device(options_.device);
  }
  const auto check = [&](const PortAudioDevice& d, std::uint32_t wanted, int available,
                         const char* direction, const char* field) {
    if (wanted == 0) return;
    if (d.index < 0)
      throw BackendNotAvailableError(std::string("PortAudio has no default ") + direction +
                                     " device; choose one (--list-devices)");
    if (int(wanted) > available)
      throw ConfigError("PortAudio device '" + d.name + "' has " + std::to_string(available) + " " +
                            direction + " channels but StreamConfig." + field + " = " +
                            std::to_string(wanted),
                        {.key = "device"});
  };
  check(input_device, config.channels_in, input_device.max_inputs, "input", "channels_in");
  check(output_device, config.channels_out, output_device.max_outputs, "output", "channels_out");

  const double latency_s = config.latency_ms() / 1000.0;
  PaStreamParameters in{input_device.index, int(config.channels_in), paFloat32 | paNonInterleaved,
                        latency_s, nullptr};
  PaStreamParameters out{output_device.index, int(config.channels_out),
                         paFloat32 | paNonInterleaved, latency_s, nullptr};
  const PaError error = Pa_OpenStream(&impl.stream, config.channels_in > 0 ? &in : nullptr,
                                      config.channels_out > 0 ? &out : nullptr, config.sample_rate,
                                      config.buffer_size, paNoFlag, &Impl::on_process, &impl);
  if (error != paNoError) {
    impl.stream = nullptr;
    const PortAudioDevice& named = config.channels_out > 0 ? output_device : input_device;
    throw StreamError("PortAudio cannot open device '" + named.name + "' (" + named.host_api +
                      ") at " + std::to_string(int(config.sample_rate)) + " Hz, " +
                      std::to_string(config.channels_in) + " in, " +
                      std::to_string(config.channels_out) + " out: " + Pa_GetErrorText(error));
  }
  impl.process = process;
  impl.user = user;
  impl.device = config.channels_out > 0 ? output_device : input_device;
  impl.channels_in = config.channels_in;
  impl.channels_out = config.channels_out;
  impl.input_buffers.assign(config.channels_in, nullptr);
  impl.output_buffers.assign(config.channels_out, nullptr);
  impl.xruns.store(0);
  impl.buffer_size.store(config.buffer_size);
  const PaStreamInfo* info = Pa_GetStreamInfo(impl.stream);
  impl.sample_rate.store(info != nullptr ? info->sampleRate : config.sample_rate);
}

void PortAudioBackend::do_start() {
  if (const PaError error = Pa_StartStream(impl_->stream); error != paNoError)
    throw StreamError("PortAudio cannot start the stream on '" + impl_->device.name +
                      "': " + Pa_GetErrorText(error));
  impl_->started = true;
}

void PortAudioBackend::do_stop() noexcept {
  if (!impl_->started) return;
  Pa_StopStream(impl_->stream);  // waits for the callback in progress
  impl_->started = false;
}

void PortAudioBackend::do_close() noexcept {
  impl_->release();
}

}  // namespace fxgraph
