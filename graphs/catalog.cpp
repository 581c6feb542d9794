#include "fxgraph/graphs/catalog.h"
#include "fxgraph/nodes/register_nodes.h"

#include "fxgraph/io/io_nodes.h"
#if FXGRAPH_WITH_PLUGINS
#include "fxgraph/plugins/register_plugins.h"
#endif

namespace fxgraph {

const NodeRegistry& builtin_registry() {
  static const NodeRegistry registry = [] {
    NodeRegistry r;
    register_dsp_nodes(r);
    register_dynamics_nodes(r);
    register_io_nodes(r);
#if FXGRAPH_WITH_PLUGINS
    register_plugin_nodes(r);
#endif
    return r;
  }();
  return registry;
}

}  // namespace fxgraph
