#include "fxgraph/engine/multipass_driver.h"

#include <algorithm>

namespace fxgraph {

std::vector<MultiPassNode*> multipass_nodes(const Engine& engine, const Graph& graph) {
  std::vector<MultiPassNode*> nodes;
  for (const auto& id : engine.order())
    if (auto* node = dynamic_cast<MultiPassNode*>(&graph.node(id))) nodes.push_back(node);
  return nodes;
}

void run_measurement_passes(Engine& engine, const Graph& graph,
                            const std::function<void()>& run_pass,
                            const std::vector<MultiPassNode*>& measured) {
  const auto nodes = multipass_nodes(engine, graph);
  auto was_measured = [&](MultiPassNode* node) {
    return std::find(measured.begin(), measured.end(), node) != measured.end();
  };
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    if (was_measured(nodes[k])) continue;
    for (std::size_t j = 0; j < nodes.size(); ++j)
      nodes[j]->set_pass(j < k || was_measured(nodes[j]) ? MultiPassNode::Pass::apply
                         : j == k                        ? MultiPassNode::Pass::measure
                                                         : MultiPassNode::Pass::pass_through);
    engine.request_reset();
    run_pass();
    nodes[k]->finish_measurement();
  }
  for (auto* node : nodes) node->set_pass(MultiPassNode::Pass::apply);
  engine.request_reset();
}

}  // namespace fxgraph
