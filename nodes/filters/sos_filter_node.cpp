#include "fxgraph/nodes/filters/sos_filter_node.h"

#include <algorithm>
#include <array>

#include "fxgraph/nodes/dsp/sos_tail.h"

namespace fxgraph::filters {

SosFilterNode::SosFilterNode(std::string type, std::uint32_t max_sections)
    : Node(std::move(type)), max_sections_(max_sections) {
  add_input("in");
  add_output("out");
}

void SosFilterNode::on_prepare(const PrepareInfo& info) {
  std::vector<double> values(parameters().size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = value(i);
  check_design(values, info.sample_rate);
  const std::uint32_t channels =
      info.output_channels.empty() ? 1u : std::max(1u, info.output_channels[0]);
  sos_.prepare(channels, max_sections_);
  SectionArray sections;
  if (design(values, info.sample_rate, sections))
    sos_.set_sections(sections.sections.data(), sections.count);
}

void SosFilterNode::on_request(std::size_t index, double value) {
  (void)index;
  (void)value;
  // The requested values already hold the candidate; Node::request_parameter puts the
  // old value back if the design refuses it.
  std::vector<double> candidate(parameters().size());
  for (std::size_t i = 0; i < candidate.size(); ++i) candidate[i] = requested_value(i);
  check_design(candidate, is_prepared() ? prepared_info().sample_rate : 0.0);
}

void SosFilterNode::on_parameter(std::size_t index, double value) noexcept {
  (void)index;
  (void)value;
  if (!is_prepared()) return;  // prepare() designs from the configured values
  std::array<double, kMaxParameters> values{};
  const std::size_t count = std::min(parameters().size(), kMaxParameters);
  for (std::size_t i = 0; i < count; ++i) values[i] = this->value(i);
  SectionArray sections;
  if (design(std::span<const double>(values.data(), count), prepared_info().sample_rate, sections))
    sos_.set_sections(sections.sections.data(), sections.count);
}

bool SosFilterNode::can_chain_with(const Node& next) const noexcept {
  const auto* filter = dynamic_cast<const SosFilterNode*>(&next);
  return filter != nullptr && filter->sos_.num_channels() == sos_.num_channels();
}

double SosFilterNode::chain_cost_per_sample(std::span<Node* const> chain) const {
  // The compiler only chains nodes this one accepted: all SosFilterNodes.
  std::uint32_t sections = 0;
  for (const Node* node : chain)
    sections += static_cast<const SosFilterNode*>(node)->estimated_sections();
  return cascade_cost(sections);
}

void SosFilterNode::process_chain(std::span<Node* const> chain,
                                  const ProcessContext& ctx) noexcept {
  // The compiler only chains nodes this one accepted: all SosFilterNodes.
  std::array<dsp::SosFilter*, ChainFusable::kMaxChain> filters{};
  const std::size_t count = std::min(chain.size(), filters.size());
  for (std::size_t i = 0; i < count; ++i) filters[i] = &static_cast<SosFilterNode*>(chain[i])->sos_;
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  dsp::SosFilter::process_chain(std::span<dsp::SosFilter* const>(filters.data(), count),
                                ConstAudioView{in.channels, in.num_channels, ctx.frames},
                                AudioView{out.channels, out.num_channels, ctx.frames});
}

void SosFilterNode::do_process(const ProcessContext& ctx) noexcept {
  const ConstAudioView& in = ctx.inputs[0];
  const AudioView& out = ctx.outputs[0];
  sos_.process(ConstAudioView{in.channels, in.num_channels, ctx.frames},
               AudioView{out.channels, out.num_channels, ctx.frames});
}

}  // namespace fxgraph::filters

namespace fxgraph::filters {

Tail SosFilterNode::tail() const {
  return {.frames = dsp::sos_tail_frames(sos_.sections(), Tail::kThreshold)};
}

}  // namespace fxgraph::filters
