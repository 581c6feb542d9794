#include "fxgraph/graphs/graph_reload.h"

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {

/// The settings of `source` that are not parameters of `node`: its construction options.
std::map<std::string, OptionValue> options_of(const NodeSource& source, const Node& node) {
  std::map<std::string, OptionValue> options;
  for (const auto& [key, value] : source.settings)
    if (node.find_parameter(key) < 0) options.emplace(key, value);
  return options;
}

bool same_ports(const std::vector<PortSpec>& a, const std::vector<PortSpec>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.name == y.name && x.channels == y.channels;
  });
}

const NodeSource* find_source(const GraphDocument& document, const std::string& id) {
  const auto it = document.node_sources.find(id);
  return it == document.node_sources.end() ? nullptr : &it->second;
}

/// One reload's decisions, node by node, and the graph they make.
class Merge {
 public:
  Merge(const GraphDocument& running, GraphDocument& edited) : running_(running), edited_(edited) {
    for (const std::string& id : edited_.graph.ids()) {
      if (!running_.graph.contains(id))
        added_.push_back(id);
      else if (can_keep(id))
        kept_.push_back(id);
      else
        rebuild_fresh(id);
    }
    for (const std::string& id : running_.graph.ids())
      if (!edited_.graph.contains(id)) removed_.push_back(id);
  }

  /// Turns kept node `id` into a rebuilt one (it cannot stay); false when `id` is not
  /// a kept node, so there is nothing left to try.
  bool rebuild(const std::string& id) {
    const auto it = std::find(kept_.begin(), kept_.end(), id);
    if (it == kept_.end()) return false;
    kept_.erase(it);
    rebuild_fresh(id);
    return true;
  }

  /// The edited file's graph with the kept nodes' running objects in it.
  Graph graph() const {
    Graph merged;
    for (const std::string& id : edited_.graph.ids())
      merged.add(id, is_kept(id) ? running_.graph.node_ptr(id) : edited_.graph.node_ptr(id));
    for (const Edge& edge : edited_.graph.edges()) merged.connect(edge.from, edge.to);
    if (edited_.graph.input()) merged.set_input(*edited_.graph.input());
    if (edited_.graph.output()) merged.set_output(*edited_.graph.output());
    return merged;
  }

  /// For each kept node, the parameters whose value the file changed. A parameter the
  /// new file writes goes last, so it has the last word over one that is a view of it
  /// (gain_db after gain would leave gain rounded through decibels). One that neither
  /// file writes changed only as such a view: the parameter it follows carries it.
  std::vector<ParameterChange> file_changes() const {
    std::vector<ParameterChange> changes;
    for (const std::string& id : kept_) {
      const NodeSource* before = find_source(running_, id);
      const NodeSource* after = find_source(edited_, id);
      if (!before || !after) continue;  // a node added in code: no file values
      const Node& node = running_.graph.node(id);
      std::vector<ParameterChange> removed, written;
      const std::size_t in_file =
          std::min(node.parameters().size(), before->parameter_values.size());
      for (std::size_t i = 0; i < in_file; ++i) {
        if (before->parameter_values[i] == after->parameter_values[i]) continue;
        const std::string& name = node.parameters()[i].name;
        const ParameterChange change{id + "." + name, after->parameter_values[i]};
        if (after->settings.count(name))
          written.push_back(change);
        else if (before->settings.count(name))
          removed.push_back(change);  // back to its default (or to a view's value)
      }
      changes.insert(changes.end(), removed.begin(), removed.end());
      changes.insert(changes.end(), written.begin(), written.end());
    }
    return changes;
  }

  ReloadSummary summary() const {
    std::vector<std::string> rebuilt;  // in the file's order, like the others
    for (const std::string& id : edited_.graph.ids())
      if (std::find(rebuilt_.begin(), rebuilt_.end(), id) != rebuilt_.end()) rebuilt.push_back(id);
    return {kept_, rebuilt, added_, removed_, file_changes()};
  }

 private:
  bool is_kept(const std::string& id) const {
    return std::find(kept_.begin(), kept_.end(), id) != kept_.end();
  }

  /// Same type and options (or, for a node added in code, the same ports).
  bool can_keep(const std::string& id) const {
    const Node& old_node = running_.graph.node(id);
    const Node& new_node = edited_.graph.node(id);
    if (old_node.type() != new_node.type()) return false;
    const NodeSource* before = find_source(running_, id);
    const NodeSource* after = find_source(edited_, id);
    if (!before && !after)
      return same_ports(old_node.input_ports(), new_node.input_ports()) &&
             same_ports(old_node.output_ports(), new_node.output_ports());
    // The file's values cover the node's own parameters; the graph appends `bypass`
    // (engine/bypass.h) unless the file set it, so a node may have one more.
    return before && after && options_of(*before, old_node) == options_of(*after, new_node) &&
           before->parameter_values.size() == after->parameter_values.size() &&
           before->parameter_values.size() <= old_node.parameters().size();
  }

  /// Records `id` as rebuilt and gives the file's new node the values set live on the
  /// running one that the file did not change (by parameter name; same type only).
  void rebuild_fresh(const std::string& id) {
    rebuilt_.push_back(id);
    const Node& old_node = running_.graph.node(id);
    Node& new_node = edited_.graph.node(id);
    const NodeSource* before = find_source(running_, id);
    const NodeSource* after = find_source(edited_, id);
    if (old_node.type() != new_node.type() || !before || !after) return;
    const auto& specs = old_node.parameters();
    for (std::size_t i = 0; i < specs.size() && i < before->parameter_values.size(); ++i) {
      const int j = new_node.find_parameter(specs[i].name);
      if (j < 0 || std::size_t(j) >= after->parameter_values.size()) continue;
      const double live = old_node.requested_value(i);
      const double old_file = before->parameter_values[i];
      if (live == old_file || after->parameter_values[std::size_t(j)] != old_file) continue;
      // A view of a value carried already (gain_db after gain) is there: setting it
      // again would round the other through its own units.
      if (new_node.requested_value(std::size_t(j)) == live) continue;
      try {
        new_node.configure_parameter(specs[i].name, live);
      } catch (const Error&) {
        // The new node refuses it (other options, other range): the file's value stands.
      }
    }
  }

  const GraphDocument& running_;
  GraphDocument& edited_;
  std::vector<std::string> kept_, rebuilt_, added_, removed_;
};

std::string number_text(double value) {
  std::ostringstream out;
  out << value;  // 6 significant digits, as the session shows values
  return out.str();
}

std::string list(const std::string& what, const std::vector<std::string>& ids) {
  std::string text = what + " " + std::to_string(ids.size());
  if (ids.empty()) return text;
  std::string names;
  for (const std::string& id : ids) names += (names.empty() ? "" : ", ") + id;
  return text + " (" + names + ")";
}

}  // namespace

ReloadSummary reload_graph(const GraphDocument& running, GraphDocument& edited,
                           const GraphSwap& swap) {
  Merge merge(running, edited);
  for (;;) {
    Graph graph = merge.graph();
    try {
      swap(graph, merge.file_changes());
    } catch (const GraphError& error) {
      // A kept node the new graph cannot run as it is (it would need re-preparing
      // while the old plan runs it): a fresh node from the file takes its place. Each
      // retry rebuilds one more node, so this ends.
      if (merge.rebuild(error.context().node)) continue;
      throw;
    }
    edited.graph = std::move(graph);
    return merge.summary();
  }
}

std::string describe(const ReloadSummary& summary) {
  std::string text = "kept " + std::to_string(summary.kept.size()) + ", " +
                     list("rebuilt", summary.rebuilt) + ", " + list("added", summary.added) + ", " +
                     list("removed", summary.removed) + "; " +
                     std::to_string(summary.file_changes.size()) +
                     (summary.file_changes.size() == 1 ? " value" : " values") + " from the file";
  if (summary.file_changes.empty()) return text;
  std::string values;
  for (const ParameterChange& change : summary.file_changes)
    values += (values.empty() ? "" : ", ") + change.path + " = " + number_text(change.value);
  return text + " (" + values + ")";
}

}  // namespace fxgraph
