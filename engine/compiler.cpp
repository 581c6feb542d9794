#include "fxgraph/engine/compiler.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "fxgraph/engine/chain_fusable.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/feedback_loops.h"

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

/// A port of one vertex: where the external input enters or the external output leaves.
struct VertexPort {
  std::size_t vertex;
  std::size_t port;
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

/// The longest compensating delay: about 5.8 minutes at 48 kHz. A latency beyond it is
/// a bug in a node (or a misconfiguration), and its delay lines would not fit in memory.
constexpr std::uint64_t kMaxCompensation = std::uint64_t(1) << 24;

std::string describe_node(const Graph& g, const std::string& id) {
  return "'" + id + "' (" + g.node(id).type() + ")";
}

/// Hands out buffers and takes them back when their last reader has run. The free ones
/// are kept ordered by (width, index), so a 1000-branch graph does not scan every
/// buffer for each port (that scan was a third of compile time).
class BufferPool {
 public:
  /// `reuse`: hand out released buffers again (one thread runs the steps in order).
  BufferPool(std::uint32_t max_block, bool reuse) : max_block_(max_block), reuse_(reuse) {}
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
  void release(std::uint32_t buffer) {
    if (reuse_) free_.insert({widths_[buffer], buffer});
  }
  std::vector<AudioBuffer> materialise() const {
    std::vector<AudioBuffer> buffers;
    buffers.reserve(widths_.size());
    for (auto w : widths_) buffers.emplace_back(w, max_block_);
    return buffers;
  }

 private:
  std::uint32_t max_block_;
  bool reuse_;
  std::vector<std::uint32_t> widths_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> free_;  // (width, buffer)
};

}  // namespace

/// One compilation. run() calls the phases in order; each reads what the earlier ones
/// left in the members and adds its own, so a phase is a chapter, not a pass over
/// everything. Nested in Compiler because the last phases fill the Plan's private parts.
class Compiler::Session {
 public:
  Session(const Graph& graph, const CompileOptions& options,
          const std::unordered_set<const Node*>* running)
      : graph_(graph),
        options_(options),
        running_(running),
        ids_(graph.ids()),
        pool_(options.max_block, options.threads <= 1) {
    for (std::size_t i = 0; i < ids_.size(); ++i) index_[ids_[i]] = i;
  }

  std::unique_ptr<Plan> run() {
    resolve_edges();
    order_topologically();
    resolve_external_endpoints();
    wire_ports();
    resolve_channels();
    prepare_nodes();
    compensate_latency();
    assign_buffers();
    if (options_.fuse_chains) fuse_chains();
    group_loops();
    if (options_.threads > 1) schedule_steps();
    return materialise();
  }

 private:
  /// Where a step's input or output view lives before the buffers exist.
  struct ViewPlan {
    std::uint32_t buffer;  // buffer index, or alias: the source output view
    bool alias;
    std::uint32_t channels;
  };

  // ---- resolve edges: graph.edges() → edges_ (vertex and port indices) ----
  // Throws for an edge naming an unknown node or port.
  void resolve_edges() {
    for (const Edge& e : graph_.edges()) {
      for (auto* end : {&e.from, &e.to}) {
        if (!index_.count(end->node))
          throw GraphError("edge '" + e.str() + "': unknown node '" + end->node + "' (nodes are " +
                               join_names(ids_) + ")",
                           {.node = end->node, .edge = e.str()});
      }
      const Node& src = graph_.node(e.from.node);
      const Node& dst = graph_.node(e.to.node);
      const int out_port = resolve_port(src, e.from.port, PortDirection::output);
      const int in_port = resolve_port(dst, e.to.port, PortDirection::input);
      if (out_port < 0)
        throw GraphError("edge '" + e.str() + "': node " + describe_node(graph_, e.from.node) +
                             " has no output port" +
                             (e.from.port.empty() ? "" : " '" + e.from.port + "'") +
                             " (outputs: " + port_names(src.output_ports()) + ")",
                         {.node = e.from.node, .edge = e.str()});
      if (in_port < 0)
        throw GraphError("edge '" + e.str() + "': node " + describe_node(graph_, e.to.node) +
                             " has no input port" +
                             (e.to.port.empty() ? "" : " '" + e.to.port + "'") +
                             " (inputs: " + port_names(dst.input_ports()) + ")",
                         {.node = e.to.node, .edge = e.str()});
      edges_.push_back({&e, index_.at(e.from.node), index_.at(e.to.node), std::size_t(out_port),
                        std::size_t(in_port)});
    }
  }

  // ---- order topologically: edges_ → order_ (producers before consumers) ----
  // Feedback edges are left out: a cycle through one is a loop (feedback_loops.h),
  // whose nodes order_ keeps together. Throws for any other cycle, spelled out from its
  // first node (the error's node).
  void order_topologically() {
    BoostGraph bg(ids_.size());
    for (const auto& e : edges_)
      if (!e.edge->is_feedback()) boost::add_edge(e.from, e.to, bg);

    std::vector<Vertex> finished;
    std::vector<Vertex> parent(ids_.size());
    for (std::size_t v = 0; v < ids_.size(); ++v) parent[v] = v;
    std::optional<std::pair<Vertex, Vertex>> back;
    OrderVisitor visitor;
    visitor.finished = &finished;
    visitor.parent = &parent;
    visitor.back = &back;
    boost::depth_first_search(bg, boost::visitor(visitor));

    if (back) {
      // back = (u, v): v is an ancestor of u in the DFS tree, so v → … → u → v.
      auto [u, v] = *back;
      std::vector<std::string> cycle{ids_[u]};
      for (Vertex w = u; w != v; w = parent[w]) cycle.push_back(ids_[parent[w]]);
      std::reverse(cycle.begin(), cycle.end());
      std::string text;
      for (const auto& id : cycle) text += id + " -> ";
      throw GraphError("the graph has a cycle: " + text + cycle.front() +
                           " (declare one of its edges a feedback edge with a delay, e.g. `- " +
                           cycle.back() + " -> " + cycle.front() +
                           ": {feedback: 441}`, or use a delay node's feedback)",
                       {.node = cycle.front()});
    }
    const std::vector<std::size_t> forward(finished.rbegin(), finished.rend());
    std::vector<LoopEdge> loop_edges;
    for (const auto& e : edges_) loop_edges.push_back({e.from, e.to, e.edge->feedback});
    loops_ = layout_loops(ids_.size(), forward, loop_edges);
    order_ = loops_.order;
  }

  bool in_loop(std::size_t v) const { return loops_.loop_of[v] != LoopLayout::kNoLoop; }

  // ---- resolve the external endpoints: graph.input()/output() → ext_in_, ext_out_ ----
  // Throws for an unknown node or port; the error's key is "input" or "output".
  void resolve_external_endpoints() {
    if (graph_.input()) ext_in_ = resolve_external(*graph_.input(), PortDirection::input);
    if (graph_.output()) ext_out_ = resolve_external(*graph_.output(), PortDirection::output);
  }

  VertexPort resolve_external(const Endpoint& e, PortDirection direction) const {
    const bool input = direction == PortDirection::input;
    const std::string key = input ? "input" : "output";
    if (!index_.count(e.node))
      throw GraphError(
          "graph " + key + ": unknown node '" + e.node + "' (nodes are " + join_names(ids_) + ")",
          {.key = key});
    const Node& n = graph_.node(e.node);
    const int port = resolve_port(n, e.port, direction);
    if (port < 0)
      throw GraphError("graph " + key + ": node " + describe_node(graph_, e.node) + " has no " +
                           key + " port " + (e.port.empty() ? "" : "'" + e.port + "' ") + "(" +
                           key + "s: " + port_names(input ? n.input_ports() : n.output_ports()) +
                           ")",
                       {.key = key});
    return {index_.at(e.node), std::size_t(port)};
  }

  // ---- wire ports: edges_ → incoming_ (edges into each input port) and readers_ ----
  // (edge count out of each output port); also fetches every vertex's node.
  void wire_ports() {
    incoming_.resize(ids_.size());
    readers_.resize(ids_.size());
    nodes_.resize(ids_.size());
    for (std::size_t v = 0; v < ids_.size(); ++v) {
      nodes_[v] = graph_.node_ptr(ids_[v]);
      incoming_[v].resize(nodes_[v]->input_ports().size());
      readers_[v].assign(nodes_[v]->output_ports().size(), 0);
    }
    // Feedback edges are read through their rings (Plan::FeedbackLine), not the
    // source's buffer: they take no part in the buffers' liveness.
    feedback_in_.resize(ids_.size());
    for (std::size_t v = 0; v < ids_.size(); ++v)
      feedback_in_[v].resize(nodes_[v]->input_ports().size());
    for (const auto& e : edges_) {
      if (e.edge->is_feedback()) {
        feedback_in_[e.to][e.in_port].push_back(&e);
        continue;
      }
      incoming_[e.to][e.in_port].push_back(&e);
      ++readers_[e.from][e.out_port];
    }
  }

  bool is_external_input(std::size_t v, std::size_t p) const {
    return ext_in_ && ext_in_->vertex == v && ext_in_->port == p;
  }

  // ---- resolve channels: in topological order → in_ch_, out_ch_ per port ----
  // Applies the channel rules (compiler.h); throws for a mismatch, naming the edge.
  // A feedback edge's source may come later in the order, so its width is known only
  // after a pass: a kAnyChannels input it would widen is widened and the pass redone
  // (widths only grow, so this ends).
  void resolve_channels() {
    feedback_width_.assign(ids_.size(), {});
    for (std::size_t v = 0; v < ids_.size(); ++v)
      feedback_width_[v].assign(nodes_[v]->input_ports().size(), 0);
    do resolve_channels_once();
    while (widen_for_feedback());
    check_feedback_channels();
  }

  void resolve_channels_once() {
    in_ch_.assign(ids_.size(), {});
    out_ch_.assign(ids_.size(), {});
    for (std::size_t v : order_) {
      const Node& node = *nodes_[v];
      const auto& ports = node.input_ports();
      in_ch_[v].resize(ports.size());
      for (std::size_t p = 0; p < ports.size(); ++p) {
        std::uint32_t widest = 0;
        for (const auto* e : incoming_[v][p])
          widest = std::max(widest, out_ch_[e->from][e->out_port]);
        if (is_external_input(v, p)) widest = std::max(widest, options_.input_channels);
        widest = std::max(widest, feedback_width_[v][p]);
        const std::uint32_t width = ports[p].channels != kAnyChannels ? ports[p].channels
                                    : widest != 0                     ? widest
                                                                      : 1;
        for (const auto* e : incoming_[v][p]) {
          const std::uint32_t src = out_ch_[e->from][e->out_port];
          if (src != width && src != 1)
            throw GraphError("channel mismatch on edge '" + e->edge->str() + "': '" +
                                 e->edge->from.str() + "' gives " + std::to_string(src) +
                                 " channels but input '" + e->edge->to.str() + "' takes " +
                                 std::to_string(width) + " (only mono sources are upmixed)",
                             {.node = e->edge->to.node, .edge = e->edge->str()});
        }
        in_ch_[v][p] = width;
      }
      try {
        out_ch_[v] = node.output_channels(in_ch_[v]);
      } catch (const GraphError& e) {
        throw node_failure(v, e);
      }
    }
  }

  /// Whether a feedback edge's source is wider than the kAnyChannels input it feeds
  /// (which then takes its width on the next pass).
  bool widen_for_feedback() {
    bool widened = false;
    for (std::size_t v = 0; v < ids_.size(); ++v)
      for (std::size_t p = 0; p < feedback_in_[v].size(); ++p)
        for (const auto* e : feedback_in_[v][p]) {
          const std::uint32_t src = out_ch_[e->from][e->out_port];
          if (nodes_[v]->input_ports()[p].channels == kAnyChannels && src > in_ch_[v][p] &&
              src > feedback_width_[v][p]) {
            feedback_width_[v][p] = src;
            widened = true;
          }
        }
    return widened;
  }

  /// After the passes: a feedback edge's source must match its input's width, or be mono.
  void check_feedback_channels() const {
    for (std::size_t v = 0; v < ids_.size(); ++v)
      for (std::size_t p = 0; p < feedback_in_[v].size(); ++p)
        for (const auto* e : feedback_in_[v][p]) {
          const std::uint32_t src = out_ch_[e->from][e->out_port], width = in_ch_[v][p];
          if (src != width && src != 1)
            throw GraphError("channel mismatch on feedback edge '" + e->edge->str() + "': '" +
                                 e->edge->from.str() + "' gives " + std::to_string(src) +
                                 " channels but input '" + e->edge->to.str() + "' takes " +
                                 std::to_string(width) + " (only mono sources are upmixed)",
                             {.node = e->edge->to.node, .edge = e->edge->str()});
        }
  }

  /// `cause`, raised by node `v`, as a GraphError that names the node (message and field).
  GraphError node_failure(std::size_t v, const Error& cause) const {
    GraphError error("node " + describe_node(graph_, ids_[v]) + ": " + cause.what(),
                     cause.context());
    error.add_context({.node = ids_[v]});
    return error;
  }

  // ---- prepare nodes: in_ch_, out_ch_ → every node prepared (allocation happens here) ----
  // Throws for a running node that would need re-preparing, or a node that refuses.
  void prepare_nodes() {
    for (std::size_t v : order_) {
      PrepareInfo info{options_.sample_rate, options_.max_block, in_ch_[v], out_ch_[v]};
      Node& node = *nodes_[v];
      if (running_ && running_->count(&node) && !node.is_prepared_for(info))
        throw GraphError("node " + describe_node(graph_, ids_[v]) +
                             " is running and would need re-preparing (its channels, sample rate "
                             "or block size change); replace it with a new node instead",
                         {.node = ids_[v]});
      try {
        node.prepare(info);
      } catch (const Error& e) {
        throw node_failure(v, e);
      }
    }
  }

  // ---- compensate latency: node latencies → edge_delay_, external_delay_, latency_ ----
  // Each node's inputs line up with the latest of them (the others are delayed), and
  // sinks (nodes without outputs) line up with the graph's total, so every output of a
  // render lags by the same amount. Throws for a delay too long to allocate.
  void compensate_latency() {
    std::vector<std::uint64_t> arrival(ids_.size(), 0), output(ids_.size(), 0);
    std::uint64_t total = 0;
    for (std::size_t v : order_) {
      for (const auto& port : incoming_[v])
        for (const auto* e : port) arrival[v] = std::max(arrival[v], output[e->from]);
      const std::uint64_t own = nodes_[v]->latency();
      if (own > kMaxCompensation)
        throw GraphError("node " + describe_node(graph_, ids_[v]) + " reports a latency of " +
                             std::to_string(own) + " frames; at most " +
                             std::to_string(kMaxCompensation) + " can be compensated",
                         {.node = ids_[v]});
      output[v] = arrival[v] + own;
      if (nodes_[v]->output_ports().empty()) total = std::max(total, arrival[v]);
    }
    if (ext_out_) total = std::max(total, output[ext_out_->vertex]);
    for (std::size_t v : order_)
      if (nodes_[v]->output_ports().empty()) arrival[v] = total;

    edge_delay_.assign(edges_.size(), 0);
    for (std::size_t i = 0; i < edges_.size(); ++i) {
      const ResolvedEdge& e = edges_[i];
      if (e.edge->is_feedback()) continue;  // its delay is its own (feedback_loops.h)
      edge_delay_[i] = arrival[e.to] - output[e.from];
      if (edge_delay_[i] > kMaxCompensation)
        throw GraphError("edge '" + e.edge->str() + "' would need a compensating delay of " +
                             std::to_string(edge_delay_[i]) + " frames; at most " +
                             std::to_string(kMaxCompensation) + " are possible",
                         {.node = e.edge->to.node, .edge = e.edge->str()});
      if (edge_delay_[i] != 0) latency_.delays.push_back({e.edge->str(), edge_delay_[i]});
    }
    if (ext_in_) {
      external_delay_ = arrival[ext_in_->vertex];
      if (external_delay_ != 0)
        latency_.delays.push_back({"input -> " + graph_.input()->str(), external_delay_});
    }
    for (std::size_t v : order_) {
      latency_.nodes.push_back({ids_[v], nodes_[v]->latency(), output[v]});
      node_latency_.push_back(nodes_[v]->latency());
    }
    latency_.total = total;
  }

  /// The compensating delay of the edge `e` points to (an element of edges_).
  std::uint64_t delay_of(const ResolvedEdge* e) const {
    return edge_delay_[std::size_t(e - edges_.data())];
  }

  /// A new delay line of `frames` frames for `channels` channels; its index.
  std::uint32_t add_delay_line(std::uint64_t frames, std::uint32_t channels) {
    delay_lines_.push_back({std::uint32_t(frames), channels});
    return std::uint32_t(delay_lines_.size() - 1);
  }

  // ---- assign buffers: order_ → plan_ steps and gathers, in_views_, out_views_ ----
  // Buffers are shared by liveness: one goes back to the pool when its last reader ran.
  void assign_buffers() {
    plan_.reset(new Plan());
    plan_->sample_rate_ = options_.sample_rate;
    plan_->max_block_ = options_.max_block;
    plan_->input_channels_ = ext_in_ ? options_.input_channels : 0;
    out_view_.resize(ids_.size());
    remaining_ = readers_;
    if (ext_out_) ++remaining_[ext_out_->vertex][ext_out_->port];  // read after the last step

    for (std::size_t v : order_) {
      Plan::Step step{};
      step.node = nodes_[v].get();
      std::vector<std::uint32_t> scratch;
      gather_inputs(v, step, scratch);
      // Outputs get fresh buffers while the inputs are still held, so no step writes
      // into what it reads.
      allocate_outputs(v, step);
      plan_->steps_.push_back(step);
      step_vertex_.push_back(v);
      release_after(v, scratch);
      plan_->describe_lines_.push_back(describe_step(v, step));
      plan_->order_ids_.push_back(ids_[v]);
    }
    connect_feedback();
  }

  /// The input views of vertex `v`'s step: an alias of the producer's output when one
  /// edge of the same width feeds the port, else a scratch buffer (listed in `scratch`)
  /// filled by gathers (copy, sum, upmix, the external input, or silence).
  void gather_inputs(std::size_t v, Plan::Step& step, std::vector<std::uint32_t>& scratch) {
    const Node& node = *nodes_[v];
    step.input_begin = std::uint32_t(in_views_.size());
    step.gather_begin = std::uint32_t(plan_->gathers_.size());
    for (std::size_t p = 0; p < node.input_ports().size(); ++p) {
      const auto& sources = incoming_[v][p];
      const bool external = is_external_input(v, p);
      const std::uint32_t width = in_ch_[v][p];
      const std::uint32_t view = std::uint32_t(in_views_.size());
      const auto& feedback = feedback_in_[v][p];
      if (sources.size() == 1 && feedback.empty() && !external && delay_of(sources[0]) == 0 &&
          out_ch_[sources[0]->from][sources[0]->out_port] == width) {
        in_views_.push_back({out_view_[sources[0]->from][sources[0]->out_port], true, width});
        continue;
      }
      const std::uint32_t buffer = pool_.acquire(width);
      scratch.push_back(buffer);
      in_views_.push_back({buffer, false, width});
      bool first = true;
      auto add_gather = [&](std::uint32_t source, std::uint32_t src_width, std::uint64_t delay) {
        const bool upmix = src_width == 1 && width != 1;
        Plan::GatherKind kind =
            first ? (upmix ? Plan::GatherKind::upmix_copy : Plan::GatherKind::copy)
                  : (upmix ? Plan::GatherKind::upmix_add : Plan::GatherKind::add);
        const std::uint32_t line =
            delay == 0 ? Plan::kNoDelay : add_delay_line(delay, upmix ? 1 : width);
        plan_->gathers_.push_back({kind, view, source, line});
        first = false;
      };
      // In a loop the step sees the block through offset views (Plan::run_window), which
      // the caller's buffer cannot be: copy it there.
      if (external && sources.empty() && feedback.empty() && !in_loop(v) &&
          options_.input_channels >= width && external_delay_ == 0) {
        // The buffer is the fallback for a call with a narrower external input.
        plan_->gathers_.push_back({Plan::GatherKind::external_view, view, Plan::kExternalInput});
        first = false;
      } else if (external) {
        add_gather(Plan::kExternalInput, options_.input_channels, external_delay_);
      }
      for (const auto* e : sources)
        add_gather(out_view_[e->from][e->out_port], out_ch_[e->from][e->out_port], delay_of(e));
      for (const auto* e : feedback) {
        // The source may not have a step yet: connect_feedback fills in `source`.
        const std::uint32_t src_width = out_ch_[e->from][e->out_port];
        add_gather(0, src_width, 0);
        plan_->gathers_.back().feedback = std::uint32_t(feedback_lines_.size());
        feedback_lines_.push_back({e, std::uint32_t(plan_->gathers_.size() - 1), src_width});
      }
      if (first) plan_->gathers_.push_back({Plan::GatherKind::clear, view, 0});
    }
    step.input_count = std::uint32_t(node.input_ports().size());
    step.gather_count = std::uint32_t(plan_->gathers_.size()) - step.gather_begin;
  }

  /// Once every step has its outputs: each feedback gather learns its source's output
  /// view (the schedule orders by it), and each source's step pushes that view into the
  /// edge's ring after it ran. Steps are still one per vertex here (before fusion).
  void connect_feedback() {
    std::vector<std::size_t> step_of(ids_.size());
    for (std::size_t s = 0; s < step_vertex_.size(); ++s) step_of[step_vertex_[s]] = s;
    std::vector<std::vector<Plan::FeedbackPush>> pushes(step_vertex_.size());
    for (std::uint32_t line = 0; line < feedback_lines_.size(); ++line) {
      const FeedbackLinePlan& f = feedback_lines_[line];
      const std::uint32_t source = out_view_[f.edge->from][f.edge->out_port];
      plan_->gathers_[f.gather].source = source;
      pushes[step_of[f.edge->from]].push_back({line, source});
    }
    for (std::size_t s = 0; s < pushes.size(); ++s) {
      Plan::Step& step = plan_->steps_[s];
      step.push_begin = std::uint32_t(plan_->pushes_.size());
      step.push_count = std::uint32_t(pushes[s].size());
      plan_->pushes_.insert(plan_->pushes_.end(), pushes[s].begin(), pushes[s].end());
    }
  }

  /// A fresh buffer for each output port of vertex `v`.
  void allocate_outputs(std::size_t v, Plan::Step& step) {
    const std::size_t count = nodes_[v]->output_ports().size();
    step.output_begin = std::uint32_t(out_views_.size());
    out_view_[v].resize(count);
    for (std::size_t p = 0; p < count; ++p) {
      const std::uint32_t buffer = pool_.acquire(out_ch_[v][p]);
      out_view_[v][p] = std::uint32_t(out_views_.size());
      out_views_.push_back({buffer, false, out_ch_[v][p]});
    }
    step.output_count = std::uint32_t(count);
  }

  /// After vertex `v` ran: its scratch inputs, the sources it was the last reader of,
  /// and its outputs nobody reads go back to the pool.
  void release_after(std::size_t v, const std::vector<std::uint32_t>& scratch) {
    const Node& node = *nodes_[v];
    for (auto b : scratch) pool_.release(b);
    for (std::size_t p = 0; p < node.input_ports().size(); ++p)
      for (const auto* e : incoming_[v][p])
        if (--remaining_[e->from][e->out_port] == 0)
          pool_.release(out_views_[out_view_[e->from][e->out_port]].buffer);
    for (std::size_t p = 0; p < node.output_ports().size(); ++p)
      if (remaining_[v][p] == 0) pool_.release(out_views_[out_view_[v][p]].buffer);
  }

  /// The Plan::describe() line of vertex `v`: its ports, channels and buffers.
  std::string describe_step(std::size_t v, const Plan::Step& step) const {
    const Node& node = *nodes_[v];
    std::string line = ids_[v] + " (" + node.type() + ")";
    for (std::size_t p = 0; p < node.input_ports().size(); ++p) {
      const auto& iv = in_views_[step.input_begin + p];
      line += "  in " + node.input_ports()[p].name + ":" + std::to_string(in_ch_[v][p]) + "ch" +
              (iv.alias ? "=buf" + std::to_string(out_views_[iv.buffer].buffer)
                        : "@buf" + std::to_string(iv.buffer));
    }
    for (std::size_t p = 0; p < node.output_ports().size(); ++p)
      line += "  out " + node.output_ports()[p].name + ":" + std::to_string(out_ch_[v][p]) +
              "ch@buf" + std::to_string(out_views_[out_view_[v][p]].buffer);
    return line;
  }

  // ---- fuse chains: plan_ steps → runs of chainable nodes as one step each ----
  // (engine/chain_fusable.h). B joins the run that A ends when B runs right after A and
  // A's only output feeds only B's only input, through an alias (no gather): nothing
  // else can see the buffer between them, so not writing it changes nothing.
  void fuse_chains() {
    std::vector<Plan::Step> fused;
    std::vector<std::size_t> heads;  // the vertex each fused step starts with
    const auto& steps = plan_->steps_;
    for (std::size_t i = 0; i < steps.size();) {
      Plan::Step head = steps[i];
      auto* fusable = dynamic_cast<ChainFusable*>(nodes_[step_vertex_[i]].get());
      std::size_t last = i;
      // A fused chain runs whole blocks and feeds no feedback edge from inside: loops
      // and feedback sources stay single steps.
      const auto plain = [&](std::size_t k) {
        return !in_loop(step_vertex_[k]) && steps[k].push_count == 0;
      };
      if (fusable && plain(i) && has_one_input_and_output(step_vertex_[i])) {
        while (last + 1 < steps.size() && last + 1 - i < ChainFusable::kMaxChain) {
          const std::size_t a = step_vertex_[last], b = step_vertex_[last + 1];
          if (!plain(last + 1) || !has_one_input_and_output(b) ||
              !feeds_only(a, b, steps[last + 1]) || !fusable->can_chain_with(*nodes_[b]))
            break;
          ++last;
        }
      }
      if (last > i) {
        head.fusable = fusable;
        head.chain_begin = std::uint32_t(plan_->chain_nodes_.size());
        head.chain_count = std::uint32_t(last - i + 1);
        for (std::size_t k = i; k <= last; ++k) {
          plan_->chain_nodes_.push_back(steps[k].node);
          plan_->chain_steps_.push_back(steps[k]);
        }
        head.output_begin = steps[last].output_begin;
        std::string line = "fused into one step:";
        for (std::size_t k = i; k <= last; ++k) line += " " + ids_[step_vertex_[k]];
        plan_->describe_lines_.push_back(std::move(line));
      }
      fused.push_back(head);
      heads.push_back(step_vertex_[i]);
      i = last + 1;
    }
    plan_->steps_ = std::move(fused);
    step_vertex_ = std::move(heads);
  }

  // ---- group loops: plan_ steps → one step per feedback loop (feedback_loops.h) ----
  // A loop's steps (consecutive: order_ keeps them together) move to loop_steps_ and
  // one step that runs them in sub-blocks takes their place.
  void group_loops() {
    std::vector<Plan::Step> grouped;
    std::vector<std::size_t> vertices;
    const auto& steps = plan_->steps_;
    for (std::size_t i = 0; i < steps.size();) {
      const std::uint32_t loop = loops_.loop_of[step_vertex_[i]];
      if (loop == LoopLayout::kNoLoop) {
        grouped.push_back(steps[i]);
        vertices.push_back(step_vertex_[i]);
        ++i;
        continue;
      }
      Plan::Loop run{std::uint32_t(plan_->loop_steps_.size()), 0, loops_.loops[loop].sub_block};
      Plan::LoopInfo info{{}, run.sub_block};
      for (; i < steps.size() && loops_.loop_of[step_vertex_[i]] == loop; ++i) {
        plan_->loop_steps_.push_back(steps[i]);
        info.nodes.push_back(ids_[step_vertex_[i]]);
        ++run.step_count;
      }
      Plan::Step step{};
      step.node = plan_->loop_steps_[run.step_begin].node;
      step.loop = std::uint32_t(plan_->loops_.size());
      plan_->loops_.push_back(run);
      grouped.push_back(step);
      vertices.push_back(loops_.order[loops_.loops[loop].begin]);
      plan_->describe_lines_.push_back(describe_loop(info));
      plan_->loop_info_.push_back(std::move(info));
    }
    plan_->steps_ = std::move(grouped);
    step_vertex_ = std::move(vertices);
  }

  /// The Plan::describe() line of a loop: its nodes, sub-block and feedback edges.
  std::string describe_loop(const Plan::LoopInfo& info) const {
    std::string line = "loop in sub-blocks of " + std::to_string(info.sub_block) + " frames:";
    for (const auto& id : info.nodes) line += " " + id;
    for (const auto& f : feedback_lines_)
      if (std::find(info.nodes.begin(), info.nodes.end(), f.edge->edge->to.node) !=
          info.nodes.end())
        line += "; feedback " + f.edge->edge->str() + " (" +
                std::to_string(f.edge->edge->feedback) + " frames)";
    return line;
  }

  /// The steps step `s` runs: itself, or a loop's.
  std::span<const Plan::Step> members(const Plan::Step& step) const {
    if (step.loop == Plan::kNoLoop) return {&step, 1};
    const Plan::Loop& loop = plan_->loops_[step.loop];
    return {plan_->loop_steps_.data() + loop.step_begin, loop.step_count};
  }

  // ---- schedule steps: plan_ steps → the StepSchedule (which step waits for which) ----
  // A step waits for the producers of what it reads: the outputs its inputs alias and
  // the sources of its gathers. A step outside a loop waits for a producer it only
  // gathers from just before that gather (Gather::awaited_step), so a sum of many
  // branches adds those already made while the last ones are still running; the order of
  // the additions stays the gathers' own, so the output stays that of one thread.
  void schedule_steps() {
    const auto& steps = plan_->steps_;
    std::vector<std::uint32_t> producer(out_views_.size(), UINT32_MAX);
    for (std::uint32_t s = 0; s < steps.size(); ++s)
      for (const Plan::Step& m : members(steps[s]))
        for (std::uint32_t o = 0; o < m.output_count; ++o) producer[m.output_begin + o] = s;
    std::vector<std::vector<std::uint32_t>> successors(steps.size()), awaited(steps.size());
    const auto depends = [&](std::uint32_t s, std::uint32_t view) {
      const std::uint32_t p = producer[view];
      if (p == UINT32_MAX || p == s) return UINT32_MAX;
      auto& list = successors[p];
      if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
      return p;
    };
    for (std::uint32_t s = 0; s < steps.size(); ++s) {
      std::vector<std::uint32_t> before;  // producers of aliased inputs: waited for first
      for (const Plan::Step& m : members(steps[s]))
        for (std::uint32_t i = 0; i < m.input_count; ++i)
          if (in_views_[m.input_begin + i].alias)
            before.push_back(depends(s, in_views_[m.input_begin + i].buffer));
      for (const Plan::Step& m : members(steps[s])) {
        // A feedback gather depends on its source too: outside a loop the source runs
        // first (order_ puts it there) and must have filled the ring.
        for (std::uint32_t g = 0; g < m.gather_count; ++g) {
          Plan::Gather& gather = plan_->gathers_[m.gather_begin + g];
          if (gather.kind == Plan::GatherKind::clear || gather.source == Plan::kExternalInput)
            continue;
          const std::uint32_t p = depends(s, gather.source);
          if (p == UINT32_MAX || steps[s].loop != Plan::kNoLoop ||
              std::find(before.begin(), before.end(), p) != before.end())
            continue;
          gather.awaited_step = p;
          if (std::find(awaited[s].begin(), awaited[s].end(), p) == awaited[s].end())
            awaited[s].push_back(p);
        }
      }
    }
    plan_->schedule_ = std::make_unique<StepSchedule>(successors, step_costs(), hand_over(),
                                                      options_.threads, awaited);
    if (plan_->schedule_->has_parallelism()) describe_lanes();
  }

  /// "thread N: a, b+c, …" per thread: the steps of its lane, a fused chain or a loop as
  /// its nodes joined by "+".
  void describe_lanes() {
    std::map<const Node*, std::string> id_of;
    for (std::size_t v = 0; v < ids_.size(); ++v) id_of[nodes_[v].get()] = ids_[v];
    const std::function<std::string(const Plan::Step&)> name = [&](const Plan::Step& step) {
      std::string joined;
      const auto add = [&](const std::string& part) {
        joined += (joined.empty() ? "" : "+") + part;
      };
      if (step.loop != Plan::kNoLoop)
        for (const Plan::Step& member : members(step)) add(name(member));
      else if (step.chain_count > 1)
        for (std::uint32_t k = 0; k < step.chain_count; ++k)
          add(id_of[plan_->chain_nodes_[step.chain_begin + k]]);
      else
        add(id_of[step.node]);
      return joined;
    };
    const StepSchedule& schedule = *plan_->schedule_;
    for (unsigned lane = 0; lane < schedule.lanes(); ++lane) {
      std::string line = "thread " + std::to_string(lane) + ":";
      for (std::uint32_t s : schedule.lane(lane))
        line += (line.back() == ':' ? " " : ", ") + name(plan_->steps_[s]);
      if (line.back() == ':') line += " (idle)";
      plan_->describe_lines_.push_back(std::move(line));
    }
  }

  /// step_costs()'s unit in ns on the project VM: a 4th-order filter's sample
  /// (bench/node_costs.cpp), to put measured times into it.
  static constexpr double kUnitNs = 1.8;

  /// A step's estimated work for the schedule's partition, in 4th-order filters' samples
  /// (kUnitNs each): what each node it runs says one frame of one channel
  /// costs (Node::cost_per_sample; a fused chain, what its head says the chain costs), and
  /// 0.06 per gather (a copy or an add, measured like the nodes: bench/README.md, "Parallel
  /// branches"), per output channel and frame. Estimates; idle threads even out the rest.
  /// A feedback loop's step costs what its nodes' steps cost together, plus a call per
  /// node and sub-block.
  std::vector<double> step_costs() const {
    std::vector<double> cost;
    for (const Plan::Step& step : plan_->steps_) {
      if (step.loop == Plan::kNoLoop) {
        cost.push_back(one_step_cost(step));
        continue;
      }
      const Plan::Loop& loop = plan_->loops_[step.loop];
      double sum = 0.0;
      for (std::uint32_t k = 0; k < loop.step_count; ++k)
        sum += one_step_cost(plan_->loop_steps_[loop.step_begin + k]);
      // Each of its sub-blocks calls every member again: a short feedback delay makes
      // a loop far dearer than its samples say (~30 ns a call, whatever its length).
      constexpr double kCallCost = 30.0 / kUnitNs;
      const double sub_blocks =
          std::ceil(double(options_.max_block) / std::max(1u, loop.sub_block));
      cost.push_back(sum + kCallCost * sub_blocks * loop.step_count);
    }
    return cost;
  }

  double one_step_cost(const Plan::Step& step) const {
    std::uint32_t channels = 0;
    for (std::uint32_t o = 0; o < step.output_count; ++o)
      channels += out_views_[step.output_begin + o].channels;
    double per_sample = 0.06 * step.gather_count;
    if (step.chain_count > 1)
      per_sample += step.fusable->chain_cost_per_sample(
          {plan_->chain_nodes_.data() + step.chain_begin, step.chain_count});
    else
      per_sample += step.node->cost_per_sample();
    return double(std::max(1u, channels)) * options_.max_block * per_sample;
  }

  /// What a step on one thread reading a producer's output from another costs, in the
  /// unit of step_costs(), measured in ns on the project VM (2 vCPUs; bench/README.md
  /// "Parallel branches") with the vCPUs far apart, as they mostly are: a cache line takes
  /// ~300 ns from one core to the other, so a consumer sees its producer done that late; a
  /// buffer read from the other core costs the producer's done word (a line: ~300 ns, even
  /// when it finished long before), ~50 ns for its first lines, asked for at once (Plan::
  /// prefetch_inputs), and ~0.18 ns per sample (a 16-input sum reading 8 stereo inputs
  /// from the other core: +1.1 µs at 256 frames); and a block split over two threads costs
  /// ~1 µs more than on one for the worker's part alone (BM_HandOver, 2 threads against 1),
  /// charged double: 64-frame blocks the model saw gaining less than that ran slower
  /// split. A guide for the partition, not a promise.
  StepSchedule::HandOver hand_over() const {
    constexpr double kLatency = 300.0 / kUnitNs, kPerCrossing = 350.0 / kUnitNs,
                     kPerSample = 0.18 / kUnitNs, kPerBlock = 2000.0 / kUnitNs;
    StepSchedule::HandOver cost{.latency = kLatency, .per_block = kPerBlock};
    for (const Plan::Step& step : plan_->steps_) {
      std::uint32_t channels = 0;
      for (const Plan::Step& m : members(step))
        for (std::uint32_t o = 0; o < m.output_count; ++o)
          channels += out_views_[m.output_begin + o].channels;
      cost.data.push_back(kPerCrossing + kPerSample * channels * options_.max_block);
    }
    return cost;
  }

  bool has_one_input_and_output(std::size_t v) const {
    return nodes_[v]->input_ports().size() == 1 && nodes_[v]->output_ports().size() == 1;
  }

  /// Whether `a`'s only output feeds nothing but `b`'s only input, by alias.
  bool feeds_only(std::size_t a, std::size_t b, const Plan::Step& b_step) const {
    const auto& sources = incoming_[b][0];
    return readers_[a][0] == 1 && !(ext_out_ && ext_out_->vertex == a) &&
           !(ext_in_ && ext_in_->vertex == b) && sources.size() == 1 && sources[0]->from == a &&
           b_step.gather_count == 0 && in_views_[b_step.input_begin].alias;
  }

  // ---- materialise: the pool's buffers and the view plans → the finished Plan ----
  std::unique_ptr<Plan> materialise() {
    Plan& plan = *plan_;
    plan.buffers_ = pool_.materialise();
    plan.output_buffer_of_.reserve(out_views_.size());
    for (const auto& ov : out_views_) {
      AudioBuffer& b = plan.buffers_[ov.buffer];
      plan.output_views_.push_back(
          b.view().channels ? AudioView{b.view().channels, ov.channels, options_.max_block}
                            : AudioView{});
      plan.output_buffer_of_.push_back(ov.buffer);
    }
    for (const auto& iv : in_views_) {
      if (iv.alias) {
        plan.input_views_.push_back(plan.output_views_[iv.buffer]);
        plan.own_input_channels_.push_back(plan.output_views_[iv.buffer].channels);
        plan.input_buffer_of_.push_back(plan.output_buffer_of_[iv.buffer]);
      } else {
        AudioBuffer& b = plan.buffers_[iv.buffer];
        plan.input_views_.push_back({b.view().channels, iv.channels, options_.max_block});
        plan.own_input_channels_.push_back(b.view().channels);
        plan.input_buffer_of_.push_back(iv.buffer);
      }
    }
    if (ext_out_) {
      plan.output_view_ = out_view_[ext_out_->vertex][ext_out_->port];
      plan.output_channels_ = out_ch_[ext_out_->vertex][ext_out_->port];
    }
    for (std::size_t v : order_) plan.nodes_.push_back(nodes_[v]);
    for (const auto& line : delay_lines_) {
      Plan::DelayLine& d = plan.delays_.emplace_back();
      d.length = line.length;
      d.channels = line.channels;
      d.ring.assign(std::size_t(line.length) * line.channels, 0.0f);
      d.output.assign(options_.max_block, 0.0f);
    }
    materialise_feedback(plan);
    plan.latency_ = std::move(latency_);
    plan.node_latency_ = std::move(node_latency_);
    return std::move(plan_);
  }

  /// The feedback edges' rings (silent to start: the source's first frames arrive
  /// `length` frames late) and run_window's views: a stretch per loop, sized for its
  /// widest step.
  void materialise_feedback(Plan& plan) const {
    for (const auto& f : feedback_lines_) {
      Plan::FeedbackLine& line = plan.feedback_.emplace_back();
      line.length = f.edge->edge->feedback;
      line.channels = f.channels;
      line.capacity = line.length + options_.max_block;
      line.write = line.length;
      line.ring.assign(std::size_t(line.capacity) * line.channels, 0.0f);
      line.output.assign(options_.max_block, 0.0f);
    }
    std::uint32_t inputs = 0, outputs = 0, in_channels = 0, out_channels = 0;
    for (Plan::Loop& loop : plan.loops_) {
      loop.inputs_begin = inputs;
      loop.outputs_begin = outputs;
      loop.input_channels_begin = in_channels;
      loop.output_channels_begin = out_channels;
      std::uint32_t most_inputs = 0, most_outputs = 0, most_in = 0, most_out = 0;
      for (std::uint32_t k = 0; k < loop.step_count; ++k) {
        const Plan::Step& step = plan.loop_steps_[loop.step_begin + k];
        most_inputs = std::max(most_inputs, step.input_count);
        most_outputs = std::max(most_outputs, step.output_count);
        std::uint32_t in = 0, out = 0;
        for (std::uint32_t i = 0; i < step.input_count; ++i)
          in += plan.input_views_[step.input_begin + i].num_channels;
        for (std::uint32_t o = 0; o < step.output_count; ++o)
          out += plan.output_views_[step.output_begin + o].num_channels;
        most_in = std::max(most_in, in);
        most_out = std::max(most_out, out);
      }
      inputs += most_inputs;
      outputs += most_outputs;
      in_channels += most_in;
      out_channels += most_out;
    }
    plan.window_inputs_.resize(inputs);
    plan.window_outputs_.resize(outputs);
    plan.window_input_channels_.resize(in_channels);
    plan.window_output_channels_.resize(out_channels);
  }

  // Inputs.
  const Graph& graph_;
  const CompileOptions& options_;
  const std::unordered_set<const Node*>* running_;
  const std::vector<std::string>& ids_;
  std::map<std::string, std::size_t> index_;  // id → vertex

  // resolve_edges, order_topologically, resolve_external_endpoints.
  std::vector<ResolvedEdge> edges_;
  std::vector<std::size_t> order_;
  LoopLayout loops_;
  std::optional<VertexPort> ext_in_, ext_out_;

  // wire_ports: per vertex, per port.
  std::vector<std::shared_ptr<Node>> nodes_;
  std::vector<std::vector<std::vector<const ResolvedEdge*>>> incoming_;
  std::vector<std::vector<std::size_t>> readers_;
  std::vector<std::vector<std::vector<const ResolvedEdge*>>> feedback_in_;  // feedback edges

  // resolve_channels: per vertex, per port.
  std::vector<std::vector<std::uint32_t>> in_ch_, out_ch_;
  std::vector<std::vector<std::uint32_t>> feedback_width_;  // widths feedback edges asked for

  // compensate_latency: per edge (parallel to edges_), and for the external input.
  std::vector<std::uint64_t> edge_delay_;
  std::uint64_t external_delay_ = 0;
  LatencyReport latency_;
  std::vector<std::uint64_t> node_latency_;  // in order_
  struct DelayLinePlan {
    std::uint32_t length, channels;
  };
  std::vector<DelayLinePlan> delay_lines_;  // for gathers, in gathers_ order
  struct FeedbackLinePlan {
    const ResolvedEdge* edge;
    std::uint32_t gather;    // its gather in plan_->gathers_
    std::uint32_t channels;  // the source's
  };
  std::vector<FeedbackLinePlan> feedback_lines_;  // Plan::feedback_, in the same order

  // assign_buffers, fuse_chains.
  std::unique_ptr<Plan> plan_;
  BufferPool pool_;
  std::vector<std::vector<std::uint32_t>> out_view_;  // output view per (vertex, port)
  std::vector<std::vector<std::size_t>> remaining_;   // readers still to run per output
  std::vector<ViewPlan> in_views_, out_views_;
  std::vector<std::size_t> step_vertex_;  // the vertex each step runs
};

std::unique_ptr<Plan> Compiler::compile(const Graph& graph, const CompileOptions& options,
                                        const std::unordered_set<const Node*>* running) {
  if (!(options.sample_rate > 0.0))
    throw GraphError("sample rate must be positive, got " + std::to_string(options.sample_rate));
  if (options.max_block == 0) throw GraphError("max block size must be at least 1 frame");
  if (options.threads == 0) throw ConfigError("threads must be at least 1");
  return Session(graph, options, running).run();
}

}  // namespace fxgraph
