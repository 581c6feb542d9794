// Hosting overhead: a trivial amplifier plugin run by HostedPluginNode (input copy, port
// connection, control values, meters) against the same plugin's run() called directly
// on the same buffers. The difference is what fxgraph adds per plugin per block.
//   build/bench/bench_plugin_hosting --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#if FXGRAPH_WITH_LADSPA && FXGRAPH_WITH_LV2
#include <dlfcn.h>
#include <ladspa.h>
#include <lilv/lilv.h>

#include <memory>
#include <vector>

#include "fxgraph/graphs/catalog.h"
#include "fxgraph/plugins/hosted_plugin_node.h"

namespace {

using namespace fxgraph;

/// The node prepared for one channel, with input and output views of `frames` frames.
struct NodeBench {
  std::shared_ptr<Node> node;
  AudioBuffer in, out;
  std::vector<ConstAudioView> inputs;
  std::vector<AudioView> outputs;

  NodeBench(const std::string& type, const std::string& plugin, std::uint32_t frames)
      : node(builtin_registry().create(type, NodeOptions({{"plugin", plugin}}))),
        in(1, frames),
        out(1, frames) {
    node->prepare(
        {.sample_rate = 48000, .max_block = frames, .input_channels = {1}, .output_channels = {1}});
    inputs = {in.view()};
    outputs = {out.view()};
  }
  void run(std::uint32_t frames) {
    node->process({.frames = frames, .position = 0, .inputs = inputs, .outputs = outputs});
  }
};

void BM_LadspaAmpDirect(benchmark::State& state) {
  const auto frames = std::uint32_t(state.range(0));
  void* library = dlopen("/usr/lib/ladspa/cmt.so", RTLD_NOW);
  auto descriptors =
      reinterpret_cast<LADSPA_Descriptor_Function>(dlsym(library, "ladspa_descriptor"));
  const LADSPA_Descriptor* d = nullptr;
  for (unsigned long i = 0; (d = descriptors(i)); ++i)
    if (std::string(d->Label) == "amp_mono") break;
  LADSPA_Handle handle = d->instantiate(d, 48000);
  std::vector<float> in(frames, 0.25f), out(frames);
  float gain = 0.5f;
  d->connect_port(handle, 0, &gain);
  d->connect_port(handle, 1, in.data());
  d->connect_port(handle, 2, out.data());
  for (auto _ : state) {
    d->run(handle, frames);
    benchmark::DoNotOptimize(out.data());
  }
  d->cleanup(handle);
}

void BM_LadspaAmpHosted(benchmark::State& state) {
  const auto frames = std::uint32_t(state.range(0));
  NodeBench bench("ladspa", "cmt:amp_mono", frames);
  for (auto _ : state) {
    bench.run(frames);
    benchmark::DoNotOptimize(bench.out.channel(0));
  }
}

void BM_Lv2AmpDirect(benchmark::State& state) {
  const auto frames = std::uint32_t(state.range(0));
  LilvWorld* world = lilv_world_new();
  lilv_world_load_all(world);
  LilvNode* uri = lilv_new_uri(world, "http://lv2plug.in/plugins/eg-amp");
  const LilvPlugin* plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), uri);
  LilvInstance* instance = lilv_plugin_instantiate(plugin, 48000, nullptr);
  std::vector<float> in(frames, 0.25f), out(frames);
  float gain = -6.0f;
  lilv_instance_connect_port(instance, 0, &gain);
  lilv_instance_connect_port(instance, 1, in.data());
  lilv_instance_connect_port(instance, 2, out.data());
  lilv_instance_activate(instance);
  for (auto _ : state) {
    lilv_instance_run(instance, frames);
    benchmark::DoNotOptimize(out.data());
  }
  lilv_instance_deactivate(instance);
  lilv_instance_free(instance);
  lilv_node_free(uri);
  lilv_world_free(world);
}

void BM_Lv2AmpHosted(benchmark::State& state) {
  const auto frames = std::uint32_t(state.range(0));
  NodeBench bench("lv2", "http://lv2plug.in/plugins/eg-amp", frames);
  for (auto _ : state) {
    bench.run(frames);
    benchmark::DoNotOptimize(bench.out.channel(0));
  }
}

}  // namespace

BENCHMARK(BM_LadspaAmpDirect)->Arg(64)->Arg(256);
BENCHMARK(BM_LadspaAmpHosted)->Arg(64)->Arg(256);
BENCHMARK(BM_Lv2AmpDirect)->Arg(64)->Arg(256);
BENCHMARK(BM_Lv2AmpHosted)->Arg(64)->Arg(256);
#endif
