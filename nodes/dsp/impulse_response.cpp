#include "fxgraph/nodes/dsp/impulse_response.h"

#include <sndfile.h>
#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "fxgraph/engine/errors.h"

namespace fxgraph::dsp {
namespace {

constexpr int kMaxChannels = 16;
constexpr sf_count_t kMaxFrames = sf_count_t{1} << 20;

struct SndfileCloser {
  void operator()(SNDFILE* f) const noexcept { sf_close(f); }
};

std::vector<float> resample(const std::vector<float>& in, double from, double to,
                            const std::string& path) {
  const auto out_frames = std::size_t(std::llround(double(in.size()) * to / from));
  std::vector<float> out(std::max<std::size_t>(out_frames, 1));
  std::size_t done = 0;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ, 0);
  if (const soxr_error_t error =
          soxr_oneshot(from, to, 1, in.data(), in.size(), nullptr, out.data(), out.size(), &done,
                       &io, &quality, nullptr))
    throw ConfigError("impulse response '" + path + "': resampling failed (" + error + ")");
  out.resize(std::max<std::size_t>(done, 1));
  return out;
}

}  // namespace

ImpulseResponse read_impulse_response(const std::string& path) {
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file)
    throw ConfigError("cannot read impulse response '" + path + "': " + sf_strerror(nullptr),
                      {.key = "path"});
  if (info.channels < 1 || info.channels > kMaxChannels)
    throw ConfigError("impulse response '" + path + "' has " + std::to_string(info.channels) +
                          " channels (1 to " + std::to_string(kMaxChannels) + " are supported)",
                      {.key = "path"});
  if (info.frames < 1 || info.frames > kMaxFrames)
    throw ConfigError("impulse response '" + path + "' has " + std::to_string(info.frames) +
                          " frames (1 to " + std::to_string(kMaxFrames) + " are supported)",
                      {.key = "path"});
  std::vector<float> interleaved(std::size_t(info.frames) * std::size_t(info.channels));
  const sf_count_t read = sf_readf_float(file.get(), interleaved.data(), info.frames);
  if (read != info.frames)
    throw ConfigError("impulse response '" + path + "' is truncated: read " + std::to_string(read) +
                          " of " + std::to_string(info.frames) + " frames",
                      {.key = "path"});
  ImpulseResponse ir{.channels = {}, .sample_rate = double(info.samplerate), .path = path};
  ir.channels.assign(std::size_t(info.channels), std::vector<float>(std::size_t(info.frames)));
  for (std::size_t i = 0; i < std::size_t(info.frames); ++i)
    for (std::size_t c = 0; c < ir.channels.size(); ++c)
      ir.channels[c][i] = interleaved[i * ir.channels.size() + c];
  for (const auto& channel : ir.channels)
    for (float v : channel)
      if (!std::isfinite(v))
        throw ConfigError("impulse response '" + path + "' holds a non-finite sample",
                          {.key = "path"});
  return ir;
}

ImpulseResponse shape_impulse_response(const ImpulseResponse& ir, double sample_rate,
                                       const ImpulseShaping& shaping) {
  ImpulseResponse out{.channels = {}, .sample_rate = sample_rate, .path = ir.path};
  const auto delay = std::size_t(std::llround(shaping.delay_ms * 1e-3 * sample_rate));
  const std::size_t limit =
      shaping.max_length_s > 0.0
          ? std::max<std::size_t>(1, std::size_t(std::llround(shaping.max_length_s * sample_rate)))
          : SIZE_MAX;
  for (const auto& channel : ir.channels) {
    std::vector<float> taps = ir.sample_rate == sample_rate
                                  ? channel
                                  : resample(channel, ir.sample_rate, sample_rate, ir.path);
    taps.insert(taps.begin(), delay, 0.0f);
    if (taps.size() > limit) taps.resize(limit);
    out.channels.push_back(std::move(taps));
  }
  return out;
}

}  // namespace fxgraph::dsp
