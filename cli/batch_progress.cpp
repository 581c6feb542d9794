#include "batch_progress.h"

#include <unistd.h>

#include <cstdio>

namespace fxgraph::cli {

namespace {

std::string clock_text(double seconds) {
  const long total = long(seconds + 0.5);
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

}  // namespace

BatchProgress::BatchProgress(bool quiet, std::size_t total)
    : enabled_(!quiet && isatty(STDERR_FILENO) == 1), total_(total) {}

BatchProgress::~BatchProgress() {
  finish();
}

double BatchProgress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void BatchProgress::finished(const ManifestRow& row) {
  ++finished_;
  if (row.status == FileStatus::failed) ++failed_;
  if (row.status == FileStatus::done && row.frames && row.sample_rate && *row.sample_rate > 0)
    audio_seconds_ += double(*row.frames) / double(*row.sample_rate);
  draw();
}

void BatchProgress::message(const std::string& text) {
  clear_line();
  std::fprintf(stderr, "%s\n", text.c_str());
  draw();
}

void BatchProgress::finish() {
  clear_line();
  enabled_ = false;
}

void BatchProgress::clear_line() {
  if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
}

void BatchProgress::draw() {
  if (!enabled_) return;
  const double seconds = elapsed();
  std::string line = "\r" + std::to_string(finished_) + "/" + std::to_string(total_) + " files";
  if (failed_ > 0) line += ", " + std::to_string(failed_) + " failed";
  char text[64];
  if (seconds > 0.0 && audio_seconds_ > 0.0) {
    std::snprintf(text, sizeof text, "   %.1fx realtime", audio_seconds_ / seconds);
    line += text;
  }
  if (finished_ > 0 && finished_ < total_)
    line += "   ETA " + clock_text(seconds / double(finished_) * double(total_ - finished_));
  line += "\033[K";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace fxgraph::cli
