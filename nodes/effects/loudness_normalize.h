#pragma once
// loudness_normalize: brings a file to a target integrated loudness (EBU R128, LUFS)
// without its true peak exceeding a limit. A MultiPassNode like normalize: the first
// pass measures integrated loudness and true peak with libebur128 (dsp::LoudnessMeter),
// the second applies one gain to every channel. A live graph refuses it.
//
// The gain is target - measured integrated loudness (dB), so the output measures the
// target. True-peak guard: when that gain would lift the true peak above `true_peak`,
// the gain is lowered until the true peak sits on the limit, and the output is quieter
// than the target (a linear gain moves true peak and loudness by the same dB). A
// lookahead limiter in front of the limit would keep the loudness instead; this node
// does not limit. The meters report what was measured and the gain chosen.
// Silence (integrated -inf) is left as it is.

#include <string_view>

#include "fxgraph/engine/multipass.h"
#include "fxgraph/engine/node.h"
#include "fxgraph/nodes/dsp/loudness_meter.h"

namespace fxgraph {

class LoudnessNormalizeNode : public Node, public MultiPassNode {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "loudness_normalize";

  enum Param : std::size_t { kTarget, kTruePeak };
  enum Meter : std::size_t { kInputIntegrated, kInputTruePeak, kGainDb };

  LoudnessNormalizeNode();

  void set_pass(Pass pass) override;
  void finish_measurement() override;
  /// The gain applied (dB) after finish_measurement.
  double gain_db() const noexcept { return gain_db_; }

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  Pass pass_ = Pass::pass_through;
  dsp::LoudnessMeter meter_;
  double gain_db_ = 0.0;
};

}  // namespace fxgraph
