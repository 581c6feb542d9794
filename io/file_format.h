#pragma once
// Output audio file formats: which container (from the file's extension) and which
// sample format (subtype) a written file gets.
//
// Choosing a format
//   - The container comes from the output path's extension, case-insensitively:
//       .wav → WAV, .flac → FLAC, .ogg/.oga → Ogg Vorbis, .aiff/.aif → AIFF,
//       .au/.snd → AU, .caf → CAF, .w64 → Wave64, .rf64 → RF64.
//   - The sample format is pcm16, pcm24, pcm32, float, double (or vorbis for Ogg).
//     When the user names none, default_file_format() keeps the input file's sample
//     format when the container can store it (a float WAV in gives a float WAV out,
//     so processing through fxgraph does not quietly lose resolution), and otherwise
//     picks pcm24 — the common studio format, lossless for 24-bit sources and what FLAC
//     stores best — or vorbis for Ogg. FLAC cannot hold float or 32-bit samples, so a
//     float input written to .flac becomes pcm24.
//   - FLAC takes an optional compression level 0 (fastest) … 8 (smallest), passed to
//     libsndfile as SFC_SET_COMPRESSION_LEVEL level/8. It changes the file size, never
//     the decoded samples. libsndfile's default is used when no level is given.
//
// Nothing here opens files or includes <sndfile.h>: the conversion to libsndfile's
// SF_FORMAT_* bits lives in file_format.cpp (to_sndfile_format()).

#include <optional>
#include <string>
#include <string_view>

namespace fxgraph {

/// The file container (libsndfile's "major format").
enum class ContainerFormat { wav, flac, ogg, aiff, au, caf, w64, rf64 };

/// How samples are stored (libsndfile's "subtype").
enum class SampleFormat {
  pcm16,    ///< "pcm16": signed 16-bit integer
  pcm24,    ///< "pcm24": signed 24-bit integer
  pcm32,    ///< "pcm32": signed 32-bit integer
  float32,  ///< "float": 32-bit IEEE float (bit-exact for fxgraph's float samples)
  float64,  ///< "double": 64-bit IEEE float
  vorbis,   ///< "vorbis": lossy Ogg Vorbis
};

/// A complete output format. Build it with default_file_format() or make_file_format(),
/// which validate it; a hand-filled one is validated by validate_file_format().
struct FileFormat {
  ContainerFormat container = ContainerFormat::wav;
  SampleFormat sample = SampleFormat::pcm24;
  std::optional<int> flac_compression_level;  ///< 0..8, FLAC only; nullopt: libsndfile default
  /// TPDF dither before rounding to pcm16 (io/tpdf_dither.h); no effect on other formats.
  bool dither = false;
};

/// The container for a path's extension. Throws IoError naming the path and listing
/// the known extensions when the extension is missing or unknown.
ContainerFormat container_from_path(const std::string& path);

/// Parses "wav", "flac", "ogg", "aiff", "au", "caf", "w64", "rf64" (case-insensitive).
/// Throws IoError listing the valid choices.
ContainerFormat parse_container_format(std::string_view name);

/// Parses "pcm16", "pcm24", "pcm32", "float", "double", "vorbis" (case-insensitive;
/// "float32" and "float64" are accepted too). Throws IoError listing the valid choices.
SampleFormat parse_sample_format(std::string_view name);

/// The canonical names used by the parsers above ("wav", "float", ...).
std::string_view to_string(ContainerFormat container) noexcept;
std::string_view to_string(SampleFormat sample) noexcept;

/// Whether `container` can store samples as `sample` (e.g. FLAC: pcm16 and pcm24 only).
bool container_supports(ContainerFormat container, SampleFormat sample) noexcept;

/// The format for writing `output_path`: the container from its extension; the sample
/// format of the input file when known and storable in that container; otherwise pcm24
/// (vorbis for Ogg). Throws IoError for an unknown extension.
FileFormat default_file_format(const std::string& output_path,
                               std::optional<SampleFormat> input_sample = std::nullopt);

/// The format for writing `output_path` from user options: `sample` (e.g. "pcm16"; empty
/// means the default above) and an optional FLAC compression level. Throws IoError with
/// a message naming the bad option and the valid choices.
FileFormat make_file_format(const std::string& output_path, std::string_view sample,
                            std::optional<int> flac_compression_level = std::nullopt,
                            std::optional<SampleFormat> input_sample = std::nullopt);

/// Throws IoError when the sample format does not fit the container or the compression
/// level is out of 0..8 or given for a container other than FLAC.
void validate_file_format(const FileFormat& format);

/// libsndfile's SF_FORMAT_* bits (major format | subtype) for `format`.
int to_sndfile_format(const FileFormat& format) noexcept;

/// Our sample format for libsndfile's SF_FORMAT_* bits, or nullopt when fxgraph does not
/// write that subtype (8-bit, u-law, ADPCM, ...).
std::optional<SampleFormat> sample_format_from_sndfile(int sndfile_format) noexcept;

/// Our container for libsndfile's SF_FORMAT_* bits, or nullopt when fxgraph does not
/// write that container (e.g. WAVEX, NIST, RAW).
std::optional<ContainerFormat> container_from_sndfile(int sndfile_format) noexcept;

}  // namespace fxgraph
