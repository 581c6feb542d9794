#include "fxgraph/engine/node.h"

#include <algorithm>
#include <charconv>

#include "fxgraph/engine/bypass.h"
#include "fxgraph/engine/errors.h"

namespace fxgraph {

Node::Node(std::string type) : type_(std::move(type)) {}
Node::~Node() = default;

namespace {
int find_port(const std::vector<PortSpec>& ports, std::string_view name) noexcept {
  for (std::size_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == name) return int(i);
  int index = -1;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec == std::errc() && end == name.data() + name.size() && index >= 0 &&
      std::size_t(index) < ports.size())
    return index;
  return -1;
}
}  // namespace

int Node::find_input(std::string_view name) const noexcept {
  return find_port(inputs_, name);
}
int Node::find_output(std::string_view name) const noexcept {
  return find_port(outputs_, name);
}

int Node::find_parameter(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].name == name) return int(i);
  return -1;
}

int Node::find_meter(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < meter_specs_.size(); ++i)
    if (meter_specs_[i].name == name) return int(i);
  return -1;
}

std::vector<std::uint32_t> Node::output_channels(
    std::span<const std::uint32_t> input_channels) const {
  std::uint32_t widest = 0;
  for (auto c : input_channels) widest = std::max(widest, c);
  if (widest == 0) widest = 1;
  std::vector<std::uint32_t> out;
  out.reserve(outputs_.size());
  for (const auto& port : outputs_)
    out.push_back(port.channels == kAnyChannels ? widest : port.channels);
  return out;
}

void Node::prepare(const PrepareInfo& info) {
  if (is_prepared_for(info)) return;
  on_prepare(info);
  prepared_info_ = info;
  prepared_ = true;
  prepare_bypass();
}

void Node::enable_bypass() {
  if (bypass_index_ >= 0 || find_parameter(kBypassParameter) >= 0) return;
  bypass_index_ = int(add_parameter(bypass_parameter_spec()));
  if (prepared_) prepare_bypass();
}

void Node::prepare_bypass() {
  if (bypass_index_ < 0) return;
  auto mixer = std::make_unique<BypassMixer>();
  mixer->prepare(prepared_info_, latency(), values_[std::size_t(bypass_index_)] != 0.0);
  bypass_ = std::move(mixer);
}

void Node::process_bypass(const ProcessContext& ctx) noexcept {
  bypass_->process(ctx);
}

bool Node::bypass_needs_process() const noexcept {
  return bypass_ && bypass_->needs_process();
}

void Node::reset() noexcept {
  on_reset();
  if (bypass_) bypass_->reset();
}

std::size_t Node::add_input(std::string name, std::uint32_t channels) {
  inputs_.push_back({std::move(name), channels});
  return inputs_.size() - 1;
}

std::size_t Node::add_output(std::string name, std::uint32_t channels) {
  outputs_.push_back({std::move(name), channels});
  return outputs_.size() - 1;
}

std::size_t Node::add_parameter(ParameterSpec spec) {
  values_.push_back(spec.default_value);
  specs_.push_back(std::move(spec));
  // The atomics cannot move, so the table is rebuilt; parameters are only added in
  // constructors, long before anything runs.
  auto grown = std::make_unique<std::atomic<double>[]>(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i)
    grown[i].store(i < requested_size_ ? requested_[i].load() : values_[i]);
  requested_ = std::move(grown);
  requested_size_ = values_.size();
  return specs_.size() - 1;
}

std::size_t Node::add_meter(MeterSpec spec) {
  // Rebuilt like the parameter table: meters are only added in constructors.
  auto grown = std::make_unique<std::atomic<double>[]>(meter_specs_.size() + 1);
  for (std::size_t i = 0; i < meter_specs_.size(); ++i) grown[i].store(meter_value(i));
  grown[meter_specs_.size()].store(spec.initial_value);
  meter_values_ = std::move(grown);
  meter_specs_.push_back(std::move(spec));
  return meter_specs_.size() - 1;
}

void Node::configure_parameter(std::string_view name, double value) {
  const int index = find_parameter(name);
  if (index < 0) {
    std::vector<std::string> names;
    for (const auto& s : specs_) names.push_back(s.name);
    throw ParameterError("unknown parameter '" + std::string(name) + "' for node type '" + type_ +
                             "': valid parameters are " + join_names(names),
                         {.key = std::string(name), .key_part = KeyPart::name});
  }
  request_parameter(std::size_t(index), value, name);
  apply_parameter(std::size_t(index), value);
}

void Node::request_parameter(std::size_t index, double value, std::string_view where) {
  validate_parameter_value(specs_[index], value, where);
  const double previous = requested_[index].load(std::memory_order_relaxed);
  requested_[index].store(value, std::memory_order_relaxed);
  try {
    on_request(index, value);
  } catch (Error& error) {
    requested_[index].store(previous, std::memory_order_relaxed);
    error.add_context({.key = specs_[index].name});  // the node's own check may not say
    throw;
  } catch (...) {
    requested_[index].store(previous, std::memory_order_relaxed);
    throw;
  }
}

void Node::apply_parameter(std::size_t index, double value) noexcept {
  values_[index] = value;
  if (int(index) == bypass_index_) {
    // The engine's own parameter: the node type never hears of it.
    if (bypass_) bypass_->set_engaged(value != 0.0);
    return;
  }
  on_parameter(index, value);
}

}  // namespace fxgraph
