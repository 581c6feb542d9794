#include "fxgraph/io/offline_render.h"

#include <algorithm>
#include <cmath>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/engine/graph_tail.h"
#include "fxgraph/engine/multipass_driver.h"
#include "fxgraph/io/file_nodes.h"
#include "fxgraph/io/tail_render.h"

namespace fxgraph {

double choose_render_rate(const std::vector<FileInNode*>& inputs, const RenderOptions& options) {
  // One rate for the whole graph, and resampling only when asked for: by the render
  // (--rate) for every input, or by an input's own `resample: true`.
  if (options.resample_inputs && options.sample_rate) return *options.sample_rate;
  const FileInNode* rate_source = nullptr;
  for (const FileInNode* in : inputs)
    if (!in->resample_requested()) {
      if (rate_source && in->file_sample_rate() != rate_source->file_sample_rate())
        throw IoError("input files have different sample rates: '" + rate_source->path() + "' is " +
                      std::to_string(int(rate_source->file_sample_rate())) + " Hz, '" + in->path() +
                      "' is " + std::to_string(int(in->file_sample_rate())) +
                      " Hz (convert them with --rate R, or `resample: true` on a file_in)");
      if (!rate_source) rate_source = in;
    }
  if (rate_source) return rate_source->file_sample_rate();
  if (options.sample_rate) return *options.sample_rate;
  if (!inputs.empty()) return inputs.front()->file_sample_rate();
  return 48000.0;
}

RenderResult render_graph(const Graph& graph, const RenderOptions& options) {
  std::vector<FileInNode*> inputs;
  std::vector<FileOutNode*> outputs;
  for (const auto& id : graph.ids()) {
    Node& node = graph.node(id);
    if (auto* in = dynamic_cast<FileInNode*>(&node)) inputs.push_back(in);
    if (auto* out = dynamic_cast<FileOutNode*>(&node)) outputs.push_back(out);
  }
  if (outputs.empty())
    throw ConfigError("the graph has no file_out node: nothing would be written");

  const double rate = choose_render_rate(inputs, options);
  for (FileInNode* in : inputs) in->convert_to(rate);
  for (const FileInNode* in : inputs)
    for (const FileOutNode* out : outputs) check_output_differs(in->path(), out->path());

  std::uint64_t total = 0;
  if (options.duration_seconds > 0.0) {
    total = std::uint64_t(std::llround(options.duration_seconds * rate));
  } else {
    if (inputs.empty())
      throw ConfigError("the graph has no file_in node: give a duration to render");
    for (const FileInNode* in : inputs) total = std::max(total, in->output_frames());
  }

  const std::uint32_t block = std::max<std::uint32_t>(1, options.block_size);
  Engine engine(graph, {.sample_rate = rate,
                        .max_block = block,
                        .input_channels = 1,
                        .threads = std::max(1u, options.threads)});
  for (const Automation& a : options.automation) engine.automate(a);
  engine.request_reset();  // nodes may carry state from an earlier render
  // The tail: measured in full by the measuring passes, trimmed where it dies away.
  const TailPlan tail = options.duration_seconds > 0.0 || inputs.empty()
                            ? TailPlan{}
                            : plan_tail(graph_tail(graph, engine.order()), options.tail, rate);
  // The latency: as many more frames carry the inputs' last frames out, and as many
  // are dropped from the start (unless kept).
  const std::uint64_t latency = engine.latency();
  const std::uint64_t skip = options.keep_latency ? 0 : latency;
  total += latency;
  const std::uint64_t input_total = total;
  total += tail.max_frames;
  // Exact normalize: measuring passes over the whole signal, writing nothing.
  run_measurement_passes(engine, graph, [&] {
    for (FileInNode* in : inputs) in->rewind();
    for (std::uint64_t done = 0; done < total;) {
      const auto frames = std::uint32_t(std::min<std::uint64_t>(block, total - done));
      throw_if_stop_requested(options.stop);
      for (FileInNode* in : inputs) in->stage(frames);
      engine.process(frames);
      done += frames;
    }
  });
  for (FileInNode* in : inputs) in->rewind();

  const std::optional<SampleFormat> input_sample =
      inputs.empty() ? std::nullopt : inputs.front()->reader().subtype();
  for (FileOutNode* out : outputs) out->open(std::uint32_t(rate), input_sample);

  TailEndDetector detector(tail);
  std::uint64_t written = 0;
  std::vector<ConstAudioView> blocks(outputs.size());
  try {
    std::uint64_t done = 0;
    std::uint64_t staged = 0;  // frames asked of each input
    std::uint64_t next_report = 0;
    while (done < total) {
      const auto frames = std::uint32_t(std::min<std::uint64_t>(block, total - done));
      throw_if_stop_requested(options.stop);
      for (FileInNode* in : inputs) in->stage(frames);
      staged += frames;
      engine.process(frames);
      std::uint32_t keep = frames;
      if (done + frames > input_total) {
        const auto from = std::uint32_t(done >= input_total ? 0 : input_total - done);
        for (std::size_t i = 0; i < outputs.size(); ++i)
          blocks[i] = outputs[i]->staged_block(frames);
        keep = detector.end_of(blocks, from, frames);
      }
      const auto from =
          std::uint32_t(done >= skip ? 0 : std::min<std::uint64_t>(skip - done, keep));
      for (FileOutNode* out : outputs) out->flush(keep, from);
      done += keep;
      if (keep < frames) break;
      if (options.progress && done >= next_report) {
        options.progress(double(done) / double(total));
        next_report = done + std::max<std::uint64_t>(total / 100, 1);
      }
    }
    throw_if_stop_requested(options.stop);
    // A file cut short while it was read gives silence where its end was: refuse.
    for (const FileInNode* in : inputs)
      if (in->reader().position() < std::min(in->file_frames(), staged))
        check_input_complete(in->path(), in->reader().position(), in->file_frames());
    for (FileOutNode* out : outputs) out->commit();
    written = done - std::min(done, skip);
  } catch (...) {
    for (FileOutNode* out : outputs) out->abandon();
    throw;
  }

  RenderResult result{rate, written, {}};
  for (const FileOutNode* out : outputs) {
    result.outputs.push_back(out->path());
    result.clipping.push_back(out->clip_count());
    result.sample_formats.push_back(out->sample_format());
  }
  return result;
}

}  // namespace fxgraph
