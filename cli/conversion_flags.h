#pragma once
// The conversion flags of run and process: `--rate R` (the rate the graph runs at and
// the output is written at; inputs at another rate are converted with libsoxr,
// io/stream_resampler.h), `--channels N` (a downmix node at the end of the chain) and
// `--dither` / `--no-dither` (TPDF dither for 16-bit output, on by default like SoX).

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>

#include "cli_support.h"

namespace fxgraph::cli {

struct ConversionFlags {
  std::optional<double> rate;
  std::optional<std::uint32_t> channels;
  bool dither = false;
  bool no_dither = false;

  void add_to(CLI::App& command) {
    command
        .add_option("--rate", rate,
                    "run at this sample rate (Hz), converting the inputs with libsoxr (very "
                    "high quality, aligned with the input)")
        ->check(CLI::Range(1000.0, 768000.0));
    command
        .add_option("--channels", channels,
                    "output channels: the output goes through a downmix (ITU 5.1 -> stereo, "
                    "any -> mono, mono -> any)")
        ->check(CLI::Range(1u, 64u));
    command.add_flag("--dither", dither, "TPDF dither when writing pcm16 (the default)");
    command.add_flag("--no-dither", no_dither, "no dither: plain rounding to pcm16");
  }
  /// The dither choice: nullopt when neither flag was given (each file_out's own, on by
  /// default). Throws UsageError for both.
  std::optional<bool> dither_choice() const {
    if (dither && no_dither) throw UsageError("give --dither or --no-dither, not both");
    if (dither || no_dither) return dither;
    return std::nullopt;
  }
};

}  // namespace fxgraph::cli
