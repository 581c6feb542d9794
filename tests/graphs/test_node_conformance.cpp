// Node conformance: every type in the catalog, at 1, 2 and 6 channels, keeps the node
// contract of engine/node.h. A new node type is covered by registering it: this test
// walks the registry, so there is no list of types to keep up to date.
//
// For each type and channel count:
//   - it is prepared (an Engine compiles a one-node chain around it);
//   - processing seeded noise in random block sizes allocates nothing on the audio
//     thread, and gives bit for bit the output of the same input in fixed blocks;
//   - after reset, the same input gives the first run's output again;
//   - every parameter set to its minimum and to its maximum gives finite output (a
//     value the node refuses with ParameterError — a cutoff above Nyquist — is fine).
//   - bypassed (the engine's `bypass`, engine/bypass.h), once the 10 ms fade is over,
//     it gives its input back delayed by its latency, bit for bit (a source: silence),
//     without allocating — the type does nothing for it.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/catalog.h"
#include "support/allocation_counter.h"
#include "support/audio_files.h"

using namespace fxgraph;

namespace {

constexpr std::uint32_t kMaxBlock = 256;
// Longer than every default delay line (delay: 500 ms), so state that reset leaves
// behind comes out again within the run. Not a multiple of any block size.
constexpr std::uint32_t kFrames = 30011;
constexpr std::uint32_t kMaxChannels = 48;  // the widest output (filterbank 8 x 6)

/// The type's example settings, with `channels` set when the type has that option, and
/// every file the example names created (as `channels`-channel noise) in `folder`.
NodeOptions conformance_options(const NodeType& type, std::uint32_t channels,
                                const std::filesystem::path& folder) {
  NodeOptions options;
  for (const auto& [key, value] : type.example) {
    const auto* text = std::get_if<std::string>(&value);
    if (text && std::filesystem::path(*text).has_extension()) {
      const auto file = folder / (std::to_string(channels) + "-" + *text);
      if (!std::filesystem::exists(file)) test::write_noise_wav(file, 4800, channels);
      options.set(key, file.string());
    } else {
      options.set(key, value);
    }
  }
  for (const OptionSpec& option : type.options)
    if (option.name == "channels") options.set("channels", double(channels));
  return options;
}

AudioBuffer seeded_noise(std::uint32_t channels, std::uint32_t frames) {
  AudioBuffer b(channels, frames);
  std::mt19937 random(1234);
  std::uniform_real_distribution<float> sample(-0.5f, 0.5f);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i) b.channel(c)[i] = sample(random);
  return b;
}

/// The channels of the engine's output view: those the graph output gives, no more
/// (wider, the engine would only repeat or zero them), and one for a sink's graph.
std::uint32_t output_width(const Engine& engine) {
  const std::uint32_t width = std::max(1u, engine.output_channels());
  REQUIRE(width <= kMaxChannels);
  return width;
}

/// Runs `in` through `engine` in blocks of `sizes` (cycled; all <= kMaxBlock) and
/// returns every output channel's samples, channel after channel; counts the audio
/// thread's allocations.
std::vector<float> run(Engine& engine, AudioBuffer& in, const std::vector<std::uint32_t>& sizes,
                       std::size_t& allocations) {
  const std::uint32_t width = output_width(engine);
  AudioBuffer out(width, kFrames);
  float* in_pointers[kMaxChannels];
  float* out_pointers[kMaxChannels];
  std::size_t next = 0;
  for (std::uint32_t offset = 0; offset < kFrames;) {
    const std::uint32_t n = std::min(sizes[next++ % sizes.size()], kFrames - offset);
    for (std::uint32_t c = 0; c < in.num_channels(); ++c) in_pointers[c] = in.channel(c) + offset;
    for (std::uint32_t c = 0; c < width; ++c) out_pointers[c] = out.channel(c) + offset;
    test::AllocationCounter counter;
    engine.process(ConstAudioView{in_pointers, in.num_channels(), n},
                   AudioView{out_pointers, width, n});
    allocations += counter.count();
    offset += n;
  }
  std::vector<float> samples;
  for (std::uint32_t c = 0; c < width; ++c)
    samples.insert(samples.end(), out.channel(c), out.channel(c) + kFrames);
  return samples;
}

/// A graph of one node, id "0", fed by the graph input when it has an input port and
/// giving the graph output when it has an output port (sources and sinks have one side).
Graph one_node_graph(std::shared_ptr<Node> node) {
  Graph g;
  const bool has_input = !node->input_ports().empty();
  const bool has_output = !node->output_ports().empty();
  g.add("0", std::move(node));
  if (has_input) g.set_input({"0", ""});
  if (has_output) g.set_output({"0", ""});
  return g;
}

/// Where two runs first differ, as "channel c, frame i: a vs b"; empty when identical.
/// (Catch would print both whole vectors, a million samples, on a failed ==.)
std::string first_difference(const std::vector<float>& a, const std::vector<float>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && !(std::isnan(a[i]) && std::isnan(b[i])))
      return "channel " + std::to_string(i / kFrames) + ", frame " + std::to_string(i % kFrames) +
             ": " + std::to_string(a[i]) + " vs " + std::to_string(b[i]);
  return "";
}

bool all_finite(const std::vector<float>& samples) {
  for (float s : samples)
    if (!std::isfinite(s)) return false;
  return true;
}

std::vector<std::uint32_t> random_block_sizes(std::uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::uint32_t> size(1, kMaxBlock);
  std::vector<std::uint32_t> sizes(64);
  for (auto& s : sizes) s = size(random);
  return sizes;
}

}  // namespace

namespace {

/// The registered type names, fxgraph's own or torchfx's (NodeType::torchfx_module), and
/// of those every second one from `first` on: separate test cases, so each stays well
/// inside ctest's per-test time limit on a loaded machine.
std::vector<std::string> type_names(bool torchfx, std::size_t first = 0, std::size_t step = 1) {
  std::vector<std::string> names;
  for (const std::string& name : builtin_registry().names())
    if (builtin_registry().find(name)->torchfx_module.empty() != torchfx) names.push_back(name);
  std::vector<std::string> picked;
  for (std::size_t i = first; i < names.size(); i += step) picked.push_back(names[i]);
  return picked;
}

/// Bypassed from the first block: after the fade and the node's latency, each output
/// channel is the input channel of the same index (a mono input on all), or silence
/// for a source. Nodes with several input ports or a fixed width of their own are left
/// to tests/engine/test_bypass.cpp.
void check_bypass(const std::string& type_name, const NodeOptions& options,
                  const EngineConfig& config, AudioBuffer& input) {
  auto node = builtin_registry().create(type_name, options);
  if (node->input_ports().size() > 1 || node->output_ports().size() != 1) return;
  Engine engine(one_node_graph(node), config);
  const PrepareInfo& info = node->prepared_info();
  const std::uint32_t in_width = info.input_channels.empty() ? 0 : info.input_channels[0];
  const std::uint32_t out_width = info.output_channels[0];
  if (in_width != 0 && in_width != input.num_channels()) return;
  if (node->bypass_index() < 0) return;  // its own `bypass` (a plugin's port) means its own thing
  engine.set_parameter("0.bypass", 1.0);
  std::size_t allocations = 0;
  const std::vector<float> out = run(engine, input, {kMaxBlock}, allocations);
  CHECK(allocations == 0);
  const std::uint64_t settled = std::uint64_t(config.sample_rate * 0.010) + node->latency();
  for (std::uint32_t c = 0; c < out.size() / kFrames; ++c) {
    // The plan's mapping of the node's result onto the output, then the dry lane's.
    const std::uint32_t lane = out_width == 1 ? 0 : c;
    const bool sounding = lane < out_width && in_width != 0 && (in_width == 1 || lane < in_width);
    const float* dry = sounding ? input.channel(in_width == 1 ? 0 : lane) : nullptr;
    for (std::uint64_t i = settled; i < kFrames; ++i) {
      const float expected = dry ? dry[i - node->latency()] : 0.0f;
      if (out[std::size_t(c) * kFrames + i] != expected) {
        FAIL_CHECK("bypassed: channel " << c << ", frame " << i << ": "
                                        << out[std::size_t(c) * kFrames + i] << " vs " << expected);
        return;
      }
    }
  }
}

void check_node_contract(const std::string& type_name, std::uint32_t channels) {
  const NodeRegistry& registry = builtin_registry();
  CAPTURE(type_name, channels);
  static const auto folder = test::unique_temp_dir("fxgraph-conformance");
  const NodeType& type = *registry.find(type_name);
  const NodeOptions options = conformance_options(type, channels, folder);
  const EngineConfig config{.max_block = kMaxBlock, .input_channels = channels};
  AudioBuffer input = seeded_noise(channels, kFrames);

  Engine fixed(one_node_graph(registry.create(type_name, options)), config);
  std::size_t ignored = 0;
  const std::vector<float> reference = run(fixed, input, {kMaxBlock}, ignored);
  REQUIRE(all_finite(reference));

  auto node = registry.create(type_name, options);
  Engine engine(one_node_graph(node), config);
  REQUIRE(node->is_prepared());
  std::size_t allocations = 0;
  const std::vector<float> varied = run(engine, input, random_block_sizes(channels), allocations);
  CHECK(allocations == 0);
  CHECK(first_difference(varied, reference) == "");

  engine.request_reset();
  CHECK(first_difference(run(engine, input, {kMaxBlock}, allocations), reference) == "");

  for (const ParameterSpec& spec : node->parameters()) {
    for (const double value : {spec.min, spec.max}) {
      CAPTURE(spec.name, value);
      try {
        engine.set_parameter("0." + spec.name, value);
      } catch (const ParameterError&) {
        continue;  // refused by the node with a reason: nothing reached the audio thread
      }
      CHECK(all_finite(run(engine, input, {kMaxBlock}, allocations)));
    }
  }
  CHECK(allocations == 0);
  check_bypass(type_name, options, config, input);
}

}  // namespace

TEST_CASE("every registered node type keeps the node contract at 1, 2 and 6 channels",
          "[conformance][realtime]") {
  const std::string type_name = GENERATE_COPY(from_range(type_names(false)));
  const std::uint32_t channels = GENERATE(1u, 2u, 6u);
  check_node_contract(type_name, channels);
}

TEST_CASE("torchfx-named node types keep the node contract at 1, 2 and 6 channels (first half)",
          "[conformance][realtime][torchfx]") {
  const std::string type_name = GENERATE_COPY(from_range(type_names(true, 0, 2)));
  const std::uint32_t channels = GENERATE(1u, 2u, 6u);
  check_node_contract(type_name, channels);
}

TEST_CASE("torchfx-named node types keep the node contract at 1, 2 and 6 channels (second half)",
          "[conformance][realtime][torchfx]") {
  const std::string type_name = GENERATE_COPY(from_range(type_names(true, 1, 2)));
  const std::uint32_t channels = GENERATE(1u, 2u, 6u);
  check_node_contract(type_name, channels);
}

TEST_CASE("every node's output falls below -120 dBFS within the tail it reports",
          "[conformance][tail]") {
  const NodeRegistry& registry = builtin_registry();
  const std::string type_name = GENERATE_COPY(from_range(registry.names()));
  const std::uint32_t channels = GENERATE(1u, 2u);
  CAPTURE(type_name, channels);
  static const auto folder = test::unique_temp_dir("fxgraph-conformance-tail");
  const NodeType& type = *registry.find(type_name);
  auto node = registry.create(type_name, conformance_options(type, channels, folder));
  if (node->input_ports().empty() || node->output_ports().empty()) {
    SUCCEED("a source or a sink: no input to stop, or no output to hear");
    return;
  }
  const EngineConfig config{.max_block = kMaxBlock, .input_channels = channels};
  Engine engine(one_node_graph(node), config);
  const Tail tail = node->tail();
  CAPTURE(tail.frames, tail.quiet_gap);
  if (!tail.bounded()) {
    SUCCEED("an unbounded tail promises nothing");
    return;
  }
  // Full-scale noise, so the bound is tested at the level it is stated for.
  AudioBuffer loud = seeded_noise(channels, kMaxBlock);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < kMaxBlock; ++i) loud.channel(c)[i] *= 2.0f;
  AudioBuffer silence(channels, kMaxBlock);
  const std::uint32_t width = output_width(engine);
  AudioBuffer out(width, kMaxBlock);
  for (std::uint32_t done = 0; done < kFrames; done += kMaxBlock)
    engine.process(loud.view(), out.view());
  // The tail itself, then a second beyond it that must stay below the threshold.
  const std::uint64_t checked_from = tail.frames;
  const std::uint64_t end = tail.frames + 48000;
  float loudest_after = 0.0f;
  for (std::uint64_t done = 0; done < end; done += kMaxBlock) {
    engine.process(silence.view(), out.view());
    for (std::uint32_t c = 0; c < width; ++c)
      for (std::uint32_t i = 0; i < kMaxBlock; ++i)
        if (done + i >= checked_from)
          loudest_after = std::max(loudest_after, std::fabs(out.channel(c)[i]));
  }
  CHECK(loudest_after < float(Tail::kThreshold));
}
