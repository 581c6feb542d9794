#pragma once
// SosFilterNode: the base of every IIR filter node (Butterworth, Chebyshev, elliptic,
// Linkwitz-Riley, RBJ biquads). It owns a dsp::SosFilter with one state per channel
// and turns parameter values into coefficients; a subclass only says how.
//
// Aims
//   - Any channel count: the input port is kAnyChannels, the output as wide.
//   - Live changes without clicks or allocation: on_parameter() (audio thread) designs
//     into a fixed SectionArray (nodes/dsp/iir_design.h or the RBJ formulas, which return a
//     Biquad by value) and calls SosFilter::set_sections(), which keeps the state. When
//     a change alters the section count (an order change), SosFilter keeps the state of
//     the sections that remain and starts added ones from zero: a short transient, not
//     a reset.
//   - Errors at the edges: prepare() and set_parameter() (control threads) run the
//     subclass's check_design(), which throws ParameterError (e.g. a cutoff at or above
//     Nyquist, a message containing "Nyquist"). A rejected request restores the previous
//     requested value, so get_parameter() still reports what is running. The audio
//     thread never throws: should an invalid design reach it anyway, the previous
//     coefficients stay.
//   - Chains run as one cascade: consecutive filter nodes of the same width are fused
//     by the compiler (engine/chain_fusable.h) and run through
//     dsp::SosFilter::process_chain (the same result to float precision as running
//     them one by one, faster).

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <vector>

#include "fxgraph/engine/chain_fusable.h"
#include "fxgraph/engine/node.h"
#include "fxgraph/nodes/dsp/iir_design.h"
#include "fxgraph/nodes/dsp/sos_filter.h"

namespace fxgraph::filters {

using dsp::design_iir;
using dsp::iir_section_count;
using dsp::IirFamily;
using dsp::IirSpec;
using dsp::kMaxSections;
using dsp::SectionArray;

class SosFilterNode : public Node, public ChainFusable {
 public:
  bool can_chain_with(const Node& next) const noexcept override;
  void process_chain(std::span<Node* const> chain, const ProcessContext& ctx) noexcept override;

  Tail tail() const override;
  /// A cascade of sections waits on each sample's recursion: up to ~5 sections cost what a
  /// 4th-order filter's 2 do (1), more a fifth each (bench/node_costs.cpp).
  double cost_per_sample() const override { return cascade_cost(estimated_sections()); }
  /// The same for the chain's sections together: run as one cascade (process_chain), the
  /// filters share the wait.
  double chain_cost_per_sample(std::span<Node* const> chain) const override;
  /// Most parameters a filter node declares (sizes the audio thread's value array).
  static constexpr std::size_t kMaxParameters = 8;

 protected:
  SosFilterNode(std::string type, std::uint32_t max_sections);

  /// Control thread: throws ParameterError when `values` (one per parameter, in table
  /// order) do not make a valid design at `sample_rate`. sample_rate is 0 before the
  /// node is prepared: check only what does not depend on it.
  virtual void check_design(std::span<const double> values, double sample_rate) const = 0;
  /// Audio thread: the sections for `values`; false keeps the previous coefficients.
  virtual bool design(std::span<const double> values, double sample_rate,
                      SectionArray& out) const noexcept = 0;

  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;
  void on_parameter(std::size_t index, double value) noexcept override;
  void on_request(std::size_t index, double value) override;
  void on_reset() noexcept override { sos_.reset(); }
  /// The sections the current parameters design (for cost_per_sample; the audio thread
  /// holds the real count). Control thread. Default: the most the filter may have.
  virtual std::uint32_t estimated_sections() const { return max_sections_; }

 private:
  static double cascade_cost(std::uint32_t sections) {
    return std::max(1.0, 0.2 * double(sections));
  }

  std::uint32_t max_sections_;
  dsp::SosFilter sos_;
};

}  // namespace fxgraph::filters
