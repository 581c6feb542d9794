#include "fxgraph/nodes/effects/note_value.h"

#include <charconv>
#include <cmath>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {
[[noreturn]] void bad_note(std::string_view text) {
  throw ConfigError("invalid note value '" + std::string(text) +
                    "': expected N/D with an optional 'd' (dotted) or 't' (triplet) suffix, "
                    "e.g. 1/4, 1/8, 1/16, 1/4d, 1/8t, 3/16");
}

bool parse_unsigned(std::string_view s, unsigned& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}
}  // namespace

NoteValue NoteValue::parse(std::string_view text) {
  NoteValue note;
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && (s.back() == 'd' || s.back() == 'D' || s.back() == '.')) {
    note.multiplier = 1.5;
    s.remove_suffix(1);
  } else if (!s.empty() && (s.back() == 't' || s.back() == 'T')) {
    note.multiplier = 2.0 / 3.0;
    s.remove_suffix(1);
  }
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) bad_note(text);
  if (!parse_unsigned(s.substr(0, slash), note.numerator) ||
      !parse_unsigned(s.substr(slash + 1), note.denominator) || note.numerator == 0 ||
      note.denominator == 0 || note.numerator > 64 || note.denominator > 256)
    bad_note(text);
  // Only binary subdivisions are musical note values; "1/7" is not a note.
  if ((note.denominator & (note.denominator - 1)) != 0) bad_note(text);
  return note;
}

double note_milliseconds(std::string_view note, double bpm) {
  if (!std::isfinite(bpm) || bpm < 1.0 || bpm > 1000.0)
    throw ConfigError("bpm must be a tempo in [1, 1000] beats per minute");
  return NoteValue::parse(note).milliseconds(bpm);
}

}  // namespace fxgraph
