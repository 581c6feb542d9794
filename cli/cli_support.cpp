#include "cli_support.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "fxgraph/io/file_format.h"
#include "fxgraph/io/sndfile_reader.h"

namespace fxgraph::cli {

namespace fs = std::filesystem;

void run_output_phase(const std::function<void()>& work) {
  try {
    work();
  } catch (const IoError& e) {
    throw RuntimeFailure(e.what());
  }
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // from_chars takes no leading '+', which people do write ("+3" dB).
  std::string_view digits = text;
  if (digits.front() == '+') {
    digits.remove_prefix(1);
    if (digits.empty() || digits.front() == '-' || digits.front() == '+') return std::nullopt;
  }
  double value = 0.0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::vector<std::string> close_type_names(const NodeRegistry& registry, const std::string& name) {
  std::vector<std::string> names;
  for (const std::string& match : registry.close_matches(name)) {
    const NodeType* type = registry.find(match);
    const std::string& type_name = type ? type->name : match;
    if (std::find(names.begin(), names.end(), type_name) == names.end()) names.push_back(type_name);
  }
  return names;
}

void check_input_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw UsageError("input file '" + path + "' does not exist");
  if (fs::is_directory(path, ec)) throw UsageError("input '" + path + "' is a folder, not a file");
  std::optional<std::string> problem;
  try {
    SndfileReader reader(path);  // the same open the processing will do, same message
    problem = truncation_problem(path);
  } catch (const IoError& e) {
    throw UsageError(e.what());
  }
  if (problem) throw UsageError("input file '" + path + "' is damaged: " + *problem);
}

void check_sample_format(const std::string& sample_format) {
  if (sample_format.empty()) return;
  try {
    (void)parse_sample_format(sample_format);
  } catch (const IoError& e) {
    throw UsageError(std::string("--format: ") + e.what());
  }
}

void check_output_path(const std::string& path, const std::string& sample_format) {
  if (path.empty()) throw UsageError("the output path is empty");
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw UsageError("output '" + path + "' is a folder; give a file name such as '" +
                     (fs::path(path) / "out.wav").string() + "'");
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::exists(folder, ec))
    throw UsageError("cannot write '" + path + "': folder '" + folder.string() +
                     "' does not exist (create it first)");
  if (!fs::is_directory(folder, ec))
    throw UsageError("cannot write '" + path + "': '" + folder.string() + "' is not a folder");
  try {
    (void)make_file_format(path, sample_format);
  } catch (const IoError& e) {
    throw UsageError(e.what());
  }
}

void TailFlags::add_to(CLI::App& command) {
  seconds_option = command.add_option(
      "--tail", seconds,
      "longest tail (reverb decay, echoes) played out after the input ends, in seconds "
      "(default: as long as the effects report, until it falls below -120 dBFS)");
  command.add_flag("--no-tail", off, "stop with the input: the output has the input's length")
      ->excludes(seconds_option);
}

TailOptions TailFlags::options() const {
  if (seconds_option && seconds_option->count() && !(std::isfinite(seconds) && seconds >= 0.0))
    throw UsageError("--tail must be a number of seconds, 0 or more, not " +
                     format_number(seconds));
  TailOptions tail{.enabled = !off};
  if (seconds_option && seconds_option->count()) tail.max_seconds = seconds;
  return tail;
}

void warn_if_clipped(const ClipCount& clipping, SampleFormat format, const std::string& label) {
  if (clipping.clipped == 0) return;
  const bool integer = format == SampleFormat::pcm16 || format == SampleFormat::pcm24 ||
                       format == SampleFormat::pcm32;
  const double percent =
      100.0 * double(clipping.clipped) / double(std::max<std::uint64_t>(clipping.samples, 1));
  const double db = 20.0 * std::log10(double(clipping.peak));
  const std::string where = label.empty() ? "" : "'" + label + "': ";
  std::fprintf(stderr,
               integer
                   ? "fxgraph: warning: %sclipped %llu samples (%.1f%%), peak %.3g (%+.1f dBFS)\n"
                   : "fxgraph: warning: %s%llu samples (%.1f%%) above full scale, peak %.3g "
                     "(%+.1f dBFS); kept in the float file, they clip on playback\n",
               where.c_str(), static_cast<unsigned long long>(clipping.clipped), percent,
               double(clipping.peak), db);
}

ProgressBar::ProgressBar(bool quiet, double audio_seconds)
    : enabled_(!quiet && isatty(STDERR_FILENO) == 1), audio_seconds_(audio_seconds) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::update(double fraction) {
  if (!enabled_) return;
  const double clamped = fraction < 0.0 ? 0.0 : fraction > 1.0 ? 1.0 : fraction;
  const int percent = int(clamped * 100.0);
  if (percent == shown_) return;
  shown_ = percent;
  constexpr int kWidth = 20;
  const int filled = int(clamped * kWidth);
  std::string bar = "\r[" + std::string(std::size_t(filled), '#') +
                    std::string(std::size_t(kWidth - filled), ' ') + "] ";
  char number[8];
  std::snprintf(number, sizeof number, "%3d%%", percent);
  bar += number;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (clamped > 0.0 && elapsed > 0.0) {
    char rate[64];
    if (audio_seconds_ > 0.0) {
      std::snprintf(rate, sizeof rate, "  %.1fx", clamped * audio_seconds_ / elapsed);
      bar += rate;
    }
    const auto left = static_cast<long long>(elapsed * (1.0 - clamped) / clamped + 0.5);
    std::snprintf(rate, sizeof rate, "  ETA %lld:%02lld ", left / 60, left % 60);
    bar += rate;
  }
  std::fputs(bar.c_str(), stderr);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (enabled_ && shown_ >= 0) std::fputs("\n", stderr);
  shown_ = -1;
  enabled_ = false;
}

std::function<void(double)> ProgressBar::callback() {
  return [this](double fraction) { update(fraction); };
}

}  // namespace fxgraph::cli
