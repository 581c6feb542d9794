#pragma once
// loudness: an EBU R128 meter (libebur128 through dsp::LoudnessMeter). The signal passes
// through unchanged; the measures are meters, read live by path
// (`Engine::get_parameter("meter.integrated")`, `fxgraph jack`'s `get`):
//   momentary    LUFS over the last 400 ms
//   short_term   LUFS over the last 3 s
//   integrated   gated LUFS since the start (or the last reset)
//   range        loudness range, LU
//   true_peak    dBTP since the start, all channels
// Silence reads -inf LUFS / dBTP. Meters are published after every block, on the audio
// thread, without allocating (see dsp/loudness_meter.h for how).

#include <string_view>

#include "fxgraph/engine/node.h"
#include "fxgraph/nodes/dsp/loudness_meter.h"

namespace fxgraph {

class LoudnessNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "loudness";

  enum Meter : std::size_t { kMomentary, kShortTerm, kIntegrated, kRange, kTruePeak };

  LoudnessNode();

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_reset() noexcept override;

 private:
  void publish() noexcept;
  dsp::LoudnessMeter meter_;
};

}  // namespace fxgraph
