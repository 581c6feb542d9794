#include "engine/multipass_driver.h"

namespace fxgraph {

std::vector<MultiPassNode*> multipass_nodes(const Engine& engine, const Graph& graph) {
  std::vector<MultiPassNode*> nodes;
  for (const auto& id : engine.order())
    if (auto* node = dynamic_cast<MultiPassNode*>(&graph.node(id))) nodes.push_back(node);
  return nodes;
}

void run_measurement_passes(Engine& engine, const Graph& graph,
                            const std::function<void()>& run_pass) {
  const auto nodes = multipass_nodes(engine, graph);
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    for (std::size_t j = 0; j < nodes.size(); ++j)
      nodes[j]->set_pass(j < k    ? MultiPassNode::Pass::apply
                         : j == k ? MultiPassNode::Pass::measure
                                  : MultiPassNode::Pass::pass_through);
    engine.request_reset();
    run_pass();
    nodes[k]->finish_measurement();
  }
  for (auto* node : nodes) node->set_pass(MultiPassNode::Pass::apply);
  engine.request_reset();
}

}  // namespace fxgraph
