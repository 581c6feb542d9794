#include "fxgraph/engine/compiler.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <map>
#include <optional>
#include <set>

#include "fxgraph/engine/chain_fusable.h"
#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace {

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = BoostGraph::vertex_descriptor;

/// An edge with its endpoints resolved to vertex and port indices.
struct ResolvedEdge {
  const Edge* edge;
  std::size_t from, to;  // vertex (index into ids)
  std::size_t out_port, in_port;
};

/// Records the DFS finish order (reversed: a topological order) and the first back
/// edge with the tree parents needed to spell the cycle out.
struct OrderVisitor : boost::default_dfs_visitor {
  std::vector<Vertex>* finished;
  std::vector<Vertex>* parent;
  std::optional<std::pair<Vertex, Vertex>>* back;
  void tree_edge(BoostGraph::edge_descriptor e, const BoostGraph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(BoostGraph::edge_descriptor e, const BoostGraph& g) const {
    if (!*back) *back = std::make_pair(boost::source(e, g), boost::target(e, g));
  }
  void finish_vertex(Vertex v, const BoostGraph&) const { finished->push_back(v); }
};

std::string port_names(const std::vector<PortSpec>& ports) {
  std::vector<std::string> names;
  for (const auto& p : ports) names.push_back(p.name);
  return join_names(names);
}

std::string describe_node(const Graph& g, const std::string& id) {
  return "'" + id + "' (" + g.node(id).type() + ")";
}

std::vector<ResolvedEdge> resolve_edges(const Graph& graph,
                                        const std::map<std::string, std::size_t>& index) {
  std::vector<ResolvedEdge> out;
  for (const Edge& e : graph.edges()) {
    auto from = index.find(e.from.node);
    auto to = index.find(e.to.node);
    for (auto* end : {&e.from, &e.to}) {
      if (!index.count(end->node))
        throw GraphError("edge '" + e.str() + "': unknown node '" + end->node + "' (nodes are " +
                         join_names(graph.ids()) + ")");
    }
    const Node& src = graph.node(e.from.node);
    const Node& dst = graph.node(e.to.node);
    const int out_port =
        e.from.port.empty() ? (src.output_ports().empty() ? -1 : 0) : src.find_output(e.from.port);
    const int in_port =
        e.to.port.empty() ? (dst.input_ports().empty() ? -1 : 0) : dst.find_input(e.to.port);
    if (out_port < 0)
      throw GraphError("edge '" + e.str() + "': node " + describe_node(graph, e.from.node) +
                       " has no output port" +
                       (e.from.port.empty() ? "" : " '" + e.from.port + "'") +
                       " (outputs: " + port_names(src.output_ports()) + ")");
    if (in_port < 0)
      throw GraphError("edge '" + e.str() + "': node " + describe_node(graph, e.to.node) +
                       " has no input port" + (e.to.port.empty() ? "" : " '" + e.to.port + "'") +
                       " (inputs: " + port_names(dst.input_ports()) + ")");
    out.push_back({&e, from->second, to->second, std::size_t(out_port), std::size_t(in_port)});
  }
  return out;
}

std::vector<std::size_t> topological_order(const Graph& graph,
                                           const std::vector<ResolvedEdge>& edges) {
  const auto& ids = graph.ids();
  BoostGraph bg(ids.size());
  for (const auto& e : edges) boost::add_edge(e.from, e.to, bg);

  std::vector<Vertex> finished;
  std::vector<Vertex> parent(ids.size());
  for (std::size_t v = 0; v < ids.size(); ++v) parent[v] = v;
  std::optional<std::pair<Vertex, Vertex>> back;
  OrderVisitor visitor;
  visitor.finished = &finished;
  visitor.parent = &parent;
  visitor.back = &back;
  boost::depth_first_search(bg, boost::visitor(visitor));

  if (back) {
    // back = (u, v): v is an ancestor of u in the DFS tree, so v → … → u → v.
    auto [u, v] = *back;
    std::vector<std::string> cycle{ids[u]};
    for (Vertex w = u; w != v; w = parent[w]) cycle.push_back(ids[parent[w]]);
    std::reverse(cycle.begin(), cycle.end());
    std::string text;
    for (const auto& id : cycle) text += id + " -> ";
    throw GraphError("the graph has a cycle: " + text + cycle.front() +
                     " (audio graphs must be acyclic; use a delay node's feedback instead)");
  }
  return {finished.rbegin(), finished.rend()};
}

/// Hands out buffers and takes them back when their last reader has run. The free ones
/// are kept ordered by (width, index), so a 1000-branch graph does not scan every
/// buffer for each port (that scan was a third of compile time).
class BufferPool {
 public:
  explicit BufferPool(std::uint32_t max_block) : max_block_(max_block) {}
  std::uint32_t acquire(std::uint32_t channels) {
    // Smallest free buffer that is wide enough; grow the widest free one otherwise
    // (lowest index first among equals).
    auto it = free_.lower_bound({channels, 0});
    if (it == free_.end() && !free_.empty()) {
      it = free_.lower_bound({std::prev(free_.end())->first, 0});
      widths_[it->second] = channels;
    }
    if (it == free_.end()) {
      widths_.push_back(channels);
      return std::uint32_t(widths_.size() - 1);
    }
    const std::uint32_t buffer = it->second;
    free_.erase(it);
    return buffer;
  }
  void release(std::uint32_t buffer) { free_.insert({widths_[buffer], buffer}); }
  std::vector<AudioBuffer> materialise() const {
    std::vector<AudioBuffer> buffers;
    buffers.reserve(widths_.size());
    for (auto w : widths_) buffers.emplace_back(w, max_block_);
    return buffers;
  }

 private:
  std::uint32_t max_block_;
  std::vector<std::uint32_t> widths_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> free_;  // (width, buffer)
};

}  // namespace

std::unique_ptr<Plan> Compiler::compile(const Graph& graph, const CompileOptions& options,
                                        const std::unordered_set<const Node*>* running) {
  if (!(options.sample_rate > 0.0))
    throw GraphError("sample rate must be positive, got " + std::to_string(options.sample_rate));
  if (options.max_block == 0) throw GraphError("max block size must be at least 1 frame");

  const auto& ids = graph.ids();
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < ids.size(); ++i) index[ids[i]] = i;

  const std::vector<ResolvedEdge> edges = resolve_edges(graph, index);
  const std::vector<std::size_t> order = topological_order(graph, edges);

  // External endpoints.
  std::optional<std::pair<std::size_t, std::size_t>> ext_in, ext_out;  // vertex, port
  if (graph.input()) {
    const Endpoint& e = *graph.input();
    if (!index.count(e.node))
      throw GraphError("graph input: unknown node '" + e.node + "' (nodes are " + join_names(ids) +
                       ")");
    const Node& n = graph.node(e.node);
    const int port = e.port.empty() ? (n.input_ports().empty() ? -1 : 0) : n.find_input(e.port);
    if (port < 0)
      throw GraphError("graph input: node " + describe_node(graph, e.node) + " has no input port " +
                       (e.port.empty() ? "" : "'" + e.port + "' ") +
                       "(inputs: " + port_names(n.input_ports()) + ")");
    ext_in = {index[e.node], std::size_t(port)};
  }
  if (graph.output()) {
    const Endpoint& e = *graph.output();
    if (!index.count(e.node))
      throw GraphError("graph output: unknown node '" + e.node + "' (nodes are " + join_names(ids) +
                       ")");
    const Node& n = graph.node(e.node);
    const int port = e.port.empty() ? (n.output_ports().empty() ? -1 : 0) : n.find_output(e.port);
    if (port < 0)
      throw GraphError("graph output: node " + describe_node(graph, e.node) +
                       " has no output port " + (e.port.empty() ? "" : "'" + e.port + "' ") +
                       "(outputs: " + port_names(n.output_ports()) + ")");
    ext_out = {index[e.node], std::size_t(port)};
  }

  // Edges into each (vertex, input port), and out of each (vertex, output port).
  std::vector<std::vector<std::vector<const ResolvedEdge*>>> incoming(ids.size());
  std::vector<std::vector<std::size_t>> readers(ids.size());  // per output port: reader count
  std::vector<std::shared_ptr<Node>> nodes(ids.size());
  for (std::size_t v = 0; v < ids.size(); ++v) {
    nodes[v] = graph.node_ptr(ids[v]);
    incoming[v].resize(nodes[v]->input_ports().size());
    readers[v].assign(nodes[v]->output_ports().size(), 0);
  }
  for (const auto& e : edges) {
    incoming[e.to][e.in_port].push_back(&e);
    ++readers[e.from][e.out_port];
  }

  // Channel resolution in topological order.
  std::vector<std::vector<std::uint32_t>> in_ch(ids.size()), out_ch(ids.size());
  for (std::size_t v : order) {
    const Node& node = *nodes[v];
    const auto& ports = node.input_ports();
    in_ch[v].resize(ports.size());
    for (std::size_t p = 0; p < ports.size(); ++p) {
      std::uint32_t widest = 0;
      for (const auto* e : incoming[v][p]) widest = std::max(widest, out_ch[e->from][e->out_port]);
      if (ext_in && ext_in->first == v && ext_in->second == p)
        widest = std::max(widest, options.input_channels);
      const std::uint32_t width = ports[p].channels != kAnyChannels ? ports[p].channels
                                  : widest != 0                     ? widest
                                                                    : 1;
      for (const auto* e : incoming[v][p]) {
        const std::uint32_t src = out_ch[e->from][e->out_port];
        if (src != width && src != 1)
          throw GraphError("channel mismatch on edge '" + e->edge->str() + "': '" +
                           e->edge->from.str() + "' gives " + std::to_string(src) +
                           " channels but input '" + e->edge->to.str() + "' takes " +
                           std::to_string(width) + " (only mono sources are upmixed)");
      }
      in_ch[v][p] = width;
    }
    try {
      out_ch[v] = node.output_channels(in_ch[v]);
    } catch (const GraphError& e) {
      throw GraphError("node " + describe_node(graph, ids[v]) + ": " + e.what());
    }
  }

  // Prepare nodes (allocation happens here, never at run time).
  for (std::size_t v : order) {
    PrepareInfo info{options.sample_rate, options.max_block, in_ch[v], out_ch[v]};
    Node& node = *nodes[v];
    if (running && running->count(&node) && !node.is_prepared_for(info))
      throw GraphError("node " + describe_node(graph, ids[v]) +
                       " is running and would need re-preparing (its channels, sample rate or "
                       "block size change); replace it with a new node instead");
    try {
      node.prepare(info);
    } catch (const Error& e) {
      throw GraphError("node " + describe_node(graph, ids[v]) + ": " + e.what());
    }
  }

  // Build the steps and assign buffers by liveness.
  auto plan = std::unique_ptr<Plan>(new Plan());
  plan->sample_rate_ = options.sample_rate;
  plan->max_block_ = options.max_block;
  plan->input_channels_ = ext_in ? options.input_channels : 0;
  BufferPool pool(options.max_block);
  // Output view index and remaining readers per (vertex, output port).
  std::vector<std::vector<std::uint32_t>> out_view(ids.size());
  std::vector<std::vector<std::size_t>> remaining = readers;
  if (ext_out) ++remaining[ext_out->first][ext_out->second];  // read after the last step

  struct ViewPlan {
    std::uint32_t buffer;  // buffer index, or alias: the source output view
    bool alias;
    std::uint32_t channels;
  };
  std::vector<ViewPlan> in_views, out_views;
  std::vector<std::size_t> step_vertex;  // the vertex each step runs

  for (std::size_t v : order) {
    Node& node = *nodes[v];
    Plan::Step step{};
    step.node = &node;
    step.input_begin = std::uint32_t(in_views.size());
    step.gather_begin = std::uint32_t(plan->gathers_.size());
    std::vector<std::uint32_t> scratch;
    std::string line = ids[v] + " (" + node.type() + ")";

    for (std::size_t p = 0; p < node.input_ports().size(); ++p) {
      const auto& sources = incoming[v][p];
      const bool external = ext_in && ext_in->first == v && ext_in->second == p;
      const std::uint32_t width = in_ch[v][p];
      const std::uint32_t view = std::uint32_t(in_views.size());
      if (sources.size() == 1 && !external &&
          out_ch[sources[0]->from][sources[0]->out_port] == width) {
        in_views.push_back({out_view[sources[0]->from][sources[0]->out_port], true, width});
      } else {
        const std::uint32_t buffer = pool.acquire(width);
        scratch.push_back(buffer);
        in_views.push_back({buffer, false, width});
        bool first = true;
        auto add_gather = [&](std::uint32_t source, std::uint32_t src_width) {
          const bool upmix = src_width == 1 && width != 1;
          Plan::GatherKind kind =
              first ? (upmix ? Plan::GatherKind::upmix_copy : Plan::GatherKind::copy)
                    : (upmix ? Plan::GatherKind::upmix_add : Plan::GatherKind::add);
          plan->gathers_.push_back({kind, view, source});
          first = false;
        };
        if (external && sources.empty() && options.input_channels >= width) {
          // The buffer is the fallback for a call with a narrower external input.
          plan->gathers_.push_back({Plan::GatherKind::external_view, view, Plan::kExternalInput});
          first = false;
        } else if (external) {
          add_gather(Plan::kExternalInput, options.input_channels);
        }
        for (const auto* e : sources)
          add_gather(out_view[e->from][e->out_port], out_ch[e->from][e->out_port]);
        if (first) plan->gathers_.push_back({Plan::GatherKind::clear, view, 0});
      }
    }
    step.input_count = std::uint32_t(node.input_ports().size());
    step.gather_count = std::uint32_t(plan->gathers_.size()) - step.gather_begin;

    // Outputs get fresh buffers while the inputs are still held, so no step writes
    // into what it reads.
    step.output_begin = std::uint32_t(out_views.size());
    out_view[v].resize(node.output_ports().size());
    for (std::size_t p = 0; p < node.output_ports().size(); ++p) {
      const std::uint32_t buffer = pool.acquire(out_ch[v][p]);
      out_view[v][p] = std::uint32_t(out_views.size());
      out_views.push_back({buffer, false, out_ch[v][p]});
    }
    step.output_count = std::uint32_t(node.output_ports().size());
    plan->steps_.push_back(step);
    step_vertex.push_back(v);

    // Release: scratch inputs, sources whose last reader this was, unread outputs.
    for (auto b : scratch) pool.release(b);
    for (std::size_t p = 0; p < node.input_ports().size(); ++p)
      for (const auto* e : incoming[v][p])
        if (--remaining[e->from][e->out_port] == 0)
          pool.release(out_views[out_view[e->from][e->out_port]].buffer);
    for (std::size_t p = 0; p < node.output_ports().size(); ++p)
      if (remaining[v][p] == 0) pool.release(out_views[out_view[v][p]].buffer);

    for (std::size_t p = 0; p < node.input_ports().size(); ++p) {
      const auto& iv = in_views[step.input_begin + p];
      line += "  in " + node.input_ports()[p].name + ":" + std::to_string(in_ch[v][p]) + "ch" +
              (iv.alias ? "=buf" + std::to_string(out_views[iv.buffer].buffer)
                        : "@buf" + std::to_string(iv.buffer));
    }
    for (std::size_t p = 0; p < node.output_ports().size(); ++p)
      line += "  out " + node.output_ports()[p].name + ":" + std::to_string(out_ch[v][p]) +
              "ch@buf" + std::to_string(out_views[out_view[v][p]].buffer);
    plan->describe_lines_.push_back(std::move(line));
    plan->order_ids_.push_back(ids[v]);
  }

  // Fuse runs of chainable nodes into one step each (engine/chain_fusable.h). B joins
  // the run that A ends when B runs right after A and A's only output feeds only B's
  // only input, through an alias (no gather): nothing else can see the buffer between
  // them, so not writing it changes nothing.
  if (options.fuse_chains) {
    auto single_in_out = [&](std::size_t v) {
      return nodes[v]->input_ports().size() == 1 && nodes[v]->output_ports().size() == 1;
    };
    auto feeds_only = [&](std::size_t a, std::size_t b, const Plan::Step& b_step) {
      const auto& sources = incoming[b][0];
      return readers[a][0] == 1 && !(ext_out && ext_out->first == a) &&
             !(ext_in && ext_in->first == b) && sources.size() == 1 && sources[0]->from == a &&
             b_step.gather_count == 0 && in_views[b_step.input_begin].alias;
    };
    std::vector<Plan::Step> fused;
    for (std::size_t i = 0; i < plan->steps_.size();) {
      Plan::Step head = plan->steps_[i];
      const std::size_t head_vertex = step_vertex[i];
      auto* fusable = dynamic_cast<ChainFusable*>(nodes[head_vertex].get());
      std::size_t last = i;
      if (fusable && single_in_out(head_vertex)) {
        while (last + 1 < plan->steps_.size() && last + 1 - i < ChainFusable::kMaxChain) {
          const std::size_t a = step_vertex[last], b = step_vertex[last + 1];
          if (!single_in_out(b) || !feeds_only(a, b, plan->steps_[last + 1]) ||
              !fusable->can_chain_with(*nodes[b]))
            break;
          ++last;
        }
      }
      if (last > i) {
        head.fusable = fusable;
        head.chain_begin = std::uint32_t(plan->chain_nodes_.size());
        head.chain_count = std::uint32_t(last - i + 1);
        for (std::size_t k = i; k <= last; ++k) plan->chain_nodes_.push_back(plan->steps_[k].node);
        head.output_begin = plan->steps_[last].output_begin;
        std::string line = "fused into one step:";
        for (std::size_t k = i; k <= last; ++k) line += " " + ids[step_vertex[k]];
        plan->describe_lines_.push_back(std::move(line));
      }
      fused.push_back(head);
      i = last + 1;
    }
    plan->steps_ = std::move(fused);
  }

  // Materialise buffers and the views into them.
  plan->buffers_ = pool.materialise();
  plan->output_buffer_of_.reserve(out_views.size());
  for (const auto& ov : out_views) {
    AudioBuffer& b = plan->buffers_[ov.buffer];
    plan->output_views_.push_back(b.view().channels
                                      ? AudioView{b.view().channels, ov.channels, options.max_block}
                                      : AudioView{});
    plan->output_buffer_of_.push_back(ov.buffer);
  }
  for (const auto& iv : in_views) {
    if (iv.alias) {
      plan->input_views_.push_back(plan->output_views_[iv.buffer]);
      plan->own_input_channels_.push_back(plan->output_views_[iv.buffer].channels);
      plan->input_buffer_of_.push_back(plan->output_buffer_of_[iv.buffer]);
    } else {
      AudioBuffer& b = plan->buffers_[iv.buffer];
      plan->input_views_.push_back({b.view().channels, iv.channels, options.max_block});
      plan->own_input_channels_.push_back(b.view().channels);
      plan->input_buffer_of_.push_back(iv.buffer);
    }
  }
  if (ext_out) {
    plan->output_view_ = out_view[ext_out->first][ext_out->second];
    plan->output_channels_ = out_ch[ext_out->first][ext_out->second];
  }
  for (std::size_t v : order) plan->nodes_.push_back(nodes[v]);
  return plan;
}

}  // namespace fxgraph
