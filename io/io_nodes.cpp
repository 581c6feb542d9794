#include "io/io_nodes.h"

#include "io/memory_nodes.h"

namespace fxgraph {

void register_io_nodes(NodeRegistry& registry) {
  registry.add({.name = "memory_in",
                .aliases = {},
                .summary = "buffers pushed by an embedding program (MemorySourceNode::feed)",
                .options = {{"channels", "output channels", "2"}},
                .factory = [](const NodeOptions& o) {
                  return std::make_shared<MemorySourceNode>(
                      std::uint32_t(o.integer("channels", 2, 1, 64)));
                }});
  registry.add({.name = "memory_out",
                .aliases = {},
                .summary = "keeps the last block for an embedding program (MemorySinkNode)",
                .options = {},
                .factory = [](const NodeOptions&) { return std::make_shared<MemorySinkNode>(); }});
}

}  // namespace fxgraph
