#pragma once
// Hot reload: a running graph becomes the graph of its edited file, without a click
// where the file did not change.
//
// Aims
//   A live session (`fxgraph jack`'s `reload`, `--watch`) loads the edited file into a
//   fresh GraphDocument, then reload_graph() decides node by node what runs next:
//   - kept: the id, the type and the construction options (the settings that are not
//     parameters: channels, a file, FIR taps …) are the same. The running Node object
//     itself goes into the new graph, so its state (filter memories, delay lines,
//     ramps) carries on through the swap. Its values set live (`set`, --params, OSC,
//     MIDI) stay, except those whose value in the file changed: for each parameter
//     the old file's value is compared with the new file's (NodeSource), and only a
//     difference is sent to the node.
//   - rebuilt: the same id and type with other options, or a kept node that cannot
//     stay (see below): the new file's node, with the live values carried over by the
//     same rule (a value set live that the file did not change).
//   - added / removed: ids only in the new or only in the old file.
//   Nodes a command added in code (a chain file's JACK ends) have no settings in the
//   file: they stay when the type and the ports are the same.
//
// Threads and the audio thread (the careful part)
//   reload_graph runs on a control thread. It prepares nothing itself: it hands the
//   merged graph and the changed values to `swap` (Engine::replace_graph or
//   RealtimeProcessor::replace_graph), which compiles the graph while the old plan
//   runs on. The compiler prepares only the new nodes; a kept node is in the running
//   plan, and the engine passes the running plans' nodes to the compiler, which
//   refuses with a GraphError naming it rather than re-prepare a node the audio thread
//   may be running (its channel count changed, say). reload_graph then rebuilds that
//   node from the file and tries again. The changed values travel through the engine's
//   queue ahead of the new plan, so the audio thread applies them between two blocks;
//   the new plan starts at a block boundary; the old plan (and with it any removed
//   node) goes back to the control side to be freed. Nothing on the audio thread
//   allocates, locks or waits at the swap.
//
// Failure
//   A refused edit (the swap's GraphError or ParameterError) leaves the running graph
//   and its values as they were; the error propagates, with the node or setting it
//   names, for the caller to locate in the new file (locate_error). Errors in the file
//   itself (YAML syntax, unknown types) come from loading it, before reload_graph.
//
// Does not
//   load the file, re-bind ports, or change the stream's sample rate or block size
//   (a live stream's are the backend's): the caller does what its backend allows.

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/graphs/yaml_loader.h"

namespace fxgraph {

/// What a reload did, node by node (ids in the new file's order; removed in the old's).
struct ReloadSummary {
  std::vector<std::string> kept;     ///< the running node stays, state and live values
  std::vector<std::string> rebuilt;  ///< a new node, live values carried over
  std::vector<std::string> added;
  std::vector<std::string> removed;
  /// Values the file changed on kept nodes (sent to the running nodes).
  std::vector<ParameterChange> file_changes;
};

/// Swaps a graph in, setting `changes` on the nodes it shares with the running one at
/// the same block boundary: Engine::replace_graph or RealtimeProcessor::replace_graph.
using GraphSwap = std::function<void(Graph graph, std::span<const ParameterChange> changes)>;

/// Makes `edited` the running graph: merges it with `running` (the document the
/// running graph was loaded from, whose graph holds the running nodes) as the header
/// describes and calls `swap`. On success `edited.graph` is the graph now running and
/// `edited` is what the next reload compares with. Throws what `swap` throws for a
/// refused edit; `running` is unchanged then. Control thread.
ReloadSummary reload_graph(const GraphDocument& running, GraphDocument& edited,
                           const GraphSwap& swap);

/// "kept 4, rebuilt 1 (lp), added 0, removed 0; 1 value from the file (g.gain = 0.25)".
std::string describe(const ReloadSummary& summary);

}  // namespace fxgraph
