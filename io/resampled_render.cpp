#include "fxgraph/io/resampled_render.h"

#include <memory>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/file_nodes.h"

namespace fxgraph {
namespace {

std::string unused(const Graph& graph, std::string id) {
  const std::string base = id;
  for (int n = 2; graph.contains(id); ++n) id = base + std::to_string(n);
  return id;
}

}  // namespace

RenderResult process_file_at_rate(const Graph& chain, const RateConversionJob& job,
                                  RenderOptions render) {
  if (!chain.input() || !chain.output())
    throw ConfigError("process_file_at_rate needs a chain with an external input and output");
  Graph graph;
  for (const std::string& id : chain.ids()) graph.add(id, chain.node_ptr(id));
  for (const Edge& edge : chain.edges()) graph.connect(edge);
  const std::string in = unused(graph, "in");
  graph.add(in, std::make_shared<FileInNode>(job.input, true));
  graph.connect(Endpoint{in, ""}, *chain.input());
  const std::string out = unused(graph, "out");
  graph.add(out,
            std::make_shared<FileOutNode>(FileOutOptions{
                .path = job.output, .sample_format = job.sample_format, .dither = job.dither}));
  graph.connect(*chain.output(), Endpoint{out, ""});
  render.sample_rate = job.rate;
  render.resample_inputs = true;
  render.duration_seconds = 0.0;
  return render_graph(graph, render);
}

}  // namespace fxgraph
