#include "fxgraph/io/file_format.h"

#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <utility>

#include "fxgraph/engine/errors.h"

namespace fxgraph {
namespace {

struct ContainerEntry {
  ContainerFormat container;
  std::string_view name;
  int sf_major;
};

constexpr std::array<ContainerEntry, 8> containers{{
    {ContainerFormat::wav, "wav", SF_FORMAT_WAV},
    {ContainerFormat::flac, "flac", SF_FORMAT_FLAC},
    {ContainerFormat::ogg, "ogg", SF_FORMAT_OGG},
    {ContainerFormat::aiff, "aiff", SF_FORMAT_AIFF},
    {ContainerFormat::au, "au", SF_FORMAT_AU},
    {ContainerFormat::caf, "caf", SF_FORMAT_CAF},
    {ContainerFormat::w64, "w64", SF_FORMAT_W64},
    {ContainerFormat::rf64, "rf64", SF_FORMAT_RF64},
}};

// Extensions (lower case, with the dot) → container. Order is the order error messages list.
constexpr std::array<std::pair<std::string_view, ContainerFormat>, 11> extensions{{
    {".wav", ContainerFormat::wav},
    {".flac", ContainerFormat::flac},
    {".ogg", ContainerFormat::ogg},
    {".oga", ContainerFormat::ogg},
    {".aiff", ContainerFormat::aiff},
    {".aif", ContainerFormat::aiff},
    {".au", ContainerFormat::au},
    {".snd", ContainerFormat::au},
    {".caf", ContainerFormat::caf},
    {".w64", ContainerFormat::w64},
    {".rf64", ContainerFormat::rf64},
}};

struct SampleEntry {
  SampleFormat sample;
  std::string_view name;
  int sf_subtype;
};

constexpr std::array<SampleEntry, 6> samples{{
    {SampleFormat::pcm16, "pcm16", SF_FORMAT_PCM_16},
    {SampleFormat::pcm24, "pcm24", SF_FORMAT_PCM_24},
    {SampleFormat::pcm32, "pcm32", SF_FORMAT_PCM_32},
    {SampleFormat::float32, "float", SF_FORMAT_FLOAT},
    {SampleFormat::float64, "double", SF_FORMAT_DOUBLE},
    {SampleFormat::vorbis, "vorbis", SF_FORMAT_VORBIS},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

template <typename Table, typename Name>
std::string list_names(const Table& table, Name name) {
  std::string out;
  for (const auto& entry : table) {
    if (!out.empty()) out += ", ";
    out += name(entry);
  }
  return out;
}

int sf_major(ContainerFormat container) noexcept {
  for (const auto& e : containers)
    if (e.container == container) return e.sf_major;
  return SF_FORMAT_WAV;
}

int sf_subtype(SampleFormat sample) noexcept {
  for (const auto& e : samples)
    if (e.sample == sample) return e.sf_subtype;
  return SF_FORMAT_PCM_24;
}

// The fallback when the input's sample format is unknown or does not fit the container.
SampleFormat fallback_sample(ContainerFormat container) noexcept {
  return container == ContainerFormat::ogg ? SampleFormat::vorbis : SampleFormat::pcm24;
}

}  // namespace

ContainerFormat container_from_path(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  for (const auto& [known, container] : extensions)
    if (ext == known) return container;
  const std::string valid =
      list_names(extensions, [](const auto& e) { return std::string(e.first); });
  if (ext.empty())
    throw IoError("cannot tell the audio format of '" + path +
                  "': it has no extension; use one of " + valid);
  throw IoError("cannot tell the audio format of '" + path + "': unknown extension '" + ext +
                "'; use one of " + valid);
}

ContainerFormat parse_container_format(std::string_view name) {
  const std::string key = lower(name);
  for (const auto& e : containers)
    if (key == e.name) return e.container;
  throw IoError("unknown file format '" + std::string(name) + "'; valid choices: " +
                list_names(containers, [](const auto& e) { return std::string(e.name); }));
}

SampleFormat parse_sample_format(std::string_view name) {
  const std::string key = lower(name);
  if (key == "float32") return SampleFormat::float32;
  if (key == "float64") return SampleFormat::float64;
  for (const auto& e : samples)
    if (key == e.name) return e.sample;
  throw IoError("unknown sample format '" + std::string(name) + "'; valid choices: " +
                list_names(samples, [](const auto& e) { return std::string(e.name); }));
}

std::string_view to_string(ContainerFormat container) noexcept {
  for (const auto& e : containers)
    if (e.container == container) return e.name;
  return "unknown";
}

std::string_view to_string(SampleFormat sample) noexcept {
  for (const auto& e : samples)
    if (e.sample == sample) return e.name;
  return "unknown";
}

bool container_supports(ContainerFormat container, SampleFormat sample) noexcept {
  // Ask libsndfile itself, so the answer matches what sf_open will accept.
  SF_INFO info{};
  info.samplerate = 48000;
  info.channels = 2;
  info.format = sf_major(container) | sf_subtype(sample);
  return sf_format_check(&info) == SF_TRUE;
}

FileFormat default_file_format(const std::string& output_path,
                               std::optional<SampleFormat> input_sample) {
  FileFormat format;
  format.container = container_from_path(output_path);
  format.sample = input_sample && container_supports(format.container, *input_sample)
                      ? *input_sample
                      : fallback_sample(format.container);
  return format;
}

FileFormat make_file_format(const std::string& output_path, std::string_view sample,
                            std::optional<int> flac_compression_level,
                            std::optional<SampleFormat> input_sample) {
  FileFormat format = default_file_format(output_path, input_sample);
  if (!sample.empty()) format.sample = parse_sample_format(sample);
  format.flac_compression_level = flac_compression_level;
  validate_file_format(format);
  return format;
}

void validate_file_format(const FileFormat& format) {
  if (!container_supports(format.container, format.sample)) {
    std::string valid;
    for (const auto& e : samples) {
      if (!container_supports(format.container, e.sample)) continue;
      if (!valid.empty()) valid += ", ";
      valid += e.name;
    }
    throw IoError("the " + std::string(to_string(format.container)) +
                  " format cannot store samples as '" + std::string(to_string(format.sample)) +
                  "'; valid choices: " + valid);
  }
  if (format.flac_compression_level) {
    const int level = *format.flac_compression_level;
    if (format.container != ContainerFormat::flac)
      throw IoError("a compression level applies to flac only, not to " +
                    std::string(to_string(format.container)));
    if (level < 0 || level > 8)
      throw IoError("flac compression level must be 0 to 8, got " + std::to_string(level));
  }
}

int to_sndfile_format(const FileFormat& format) noexcept {
  return sf_major(format.container) | sf_subtype(format.sample);
}

std::optional<SampleFormat> sample_format_from_sndfile(int sndfile_format) noexcept {
  const int subtype = sndfile_format & SF_FORMAT_SUBMASK;
  for (const auto& e : samples)
    if (e.sf_subtype == subtype) return e.sample;
  return std::nullopt;
}

std::optional<ContainerFormat> container_from_sndfile(int sndfile_format) noexcept {
  const int major = sndfile_format & SF_FORMAT_TYPEMASK;
  for (const auto& e : containers)
    if (e.sf_major == major) return e.container;
  return std::nullopt;
}

}  // namespace fxgraph
