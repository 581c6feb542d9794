// Registration of the filter node types (IIR designs, RBJ biquads, FIR).
#include "nodes/registry.h"

namespace fxgraph {

void register_filter_nodes(NodeRegistry& registry) { (void)registry; }

}  // namespace fxgraph
