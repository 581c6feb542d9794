#pragma once
// Musical note values for tempo-synced effects: "1/4" (a quarter note), "1/8d" (dotted
// eighth, ×1.5), "1/8t" (eighth triplet, ×2/3), "3/16", "1/1".
//
// A note value is a fraction of a whole note (four beats); at `bpm` beats per minute a
// beat lasts 60000 / bpm ms, so "1/4" at 120 BPM is 500 ms.

#include <string>
#include <string_view>

namespace fxgraph {

struct NoteValue {
  unsigned numerator = 1;
  unsigned denominator = 4;
  double multiplier = 1.0;  ///< 1.5 dotted, 2/3 triplet, 1 plain

  /// Length in milliseconds at `bpm` beats per minute (a beat is a quarter note).
  double milliseconds(double bpm) const noexcept {
    return 4.0 * 60000.0 / bpm * double(numerator) / double(denominator) * multiplier;
  }

  /// Parses "N/D" with an optional suffix 'd' (dotted) or 't' (triplet).
  /// Throws ConfigError naming `text` and the valid forms.
  static NoteValue parse(std::string_view text);
};

/// "1/4" at `bpm` in milliseconds; throws ConfigError for a bad note or tempo.
double note_milliseconds(std::string_view note, double bpm);

}  // namespace fxgraph
