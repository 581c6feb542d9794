// The audio thread never allocates: 10 000 blocks with parameter changes every block
// and a plan swapped in half-way, counted by the replaced global operator new; then each
// node family that runs there (dynamics, convolver/loudness/downmix, hosted plugins,
// compensating delays, feedback loops, torchfx classes) with its parameters moving, and
// a hot reload's swap (values from the file, a node added, one removed).
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"
#include "fxgraph/graphs/graph_reload.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/io/memory_nodes.h"
#include "fxgraph/io/midi_events.h"
#include "fxgraph/nodes/generators/noise.h"
#include "fxgraph/nodes/generators/sine.h"
#include "fxgraph/nodes/register_nodes.h"
#include "fxgraph/nodes/routing/mix.h"
#include "support/allocation_counter.h"
#include "support/graph_helpers.h"
#include "support/latent_node.h"

using namespace fxgraph;
using fxgraph::test::AllocationCounter;
using fxgraph::test::make_gain;

TEST_CASE("processing allocates nothing, with parameter changes and a plan swap",
          "[engine][realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("hiss", std::make_shared<NoiseNode>(1, 7));
  g.add("mix", std::make_shared<MixNode>(2));
  g.add("drive", make_gain(0.5));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "mix:0");
  g.connect("hiss", "mix:1");
  g.connect("mix", "drive");
  g.connect("drive", "out");
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 10000; ++block) {
    // Control side (not counted): a change every block, a new plan at block 5000.
    engine.set_parameter("drive.gain", 0.1 + (block % 100) * 0.01);
    engine.set_parameter("mix.gain_1", (block % 7) * 0.1);
    if (block == 5000) {
      Graph edited = engine.graph();
      edited.add("extra", make_gain(0.9));
      edited.disconnect("drive", "out");
      edited.connect("drive", "extra");
      edited.connect("extra", "out");
      engine.replace_graph(std::move(edited));
    }
    AllocationCounter counter;  // audio side: counted
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  // The swap really happened: the new node is in the running graph.
  CHECK(engine.get_parameter("extra.gain") == Approx(0.9));
}

TEST_CASE("the dynamics nodes allocate nothing, with their parameters moving every block",
          "[engine][realtime][dynamics]") {
  const NodeRegistry& registry = builtin_registry();
  auto node = [&](const std::string& type, std::map<std::string, OptionValue> options = {}) {
    return registry.create(type, NodeOptions(std::move(options)));
  };
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("key", std::make_shared<NoiseNode>(1, 3));
  g.add("gate", node("gate"));
  g.add("comp", node("compressor", {{"sidechain", 1.0}, {"detector", "rms"}}));
  g.add("expander", node("expander"));
  g.add("width", node("stereo_width"));
  g.add("pan", node("pan"));
  g.add("dc", node("dc_block"));
  g.add("flip", node("polarity"));
  g.add("mute", node("mute"));
  g.add("limit", node("limiter", {{"true_peak", 1.0}}));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "gate");
  g.connect("gate", "comp");
  g.connect("key", "comp:sidechain");
  for (const char* chain : {"comp -> expander", "expander -> width", "width -> pan", "pan -> dc",
                            "dc -> flip", "flip -> mute", "mute -> limit", "limit -> out"}) {
    const std::string edge = chain;
    const auto arrow = edge.find(" -> ");
    g.connect(edge.substr(0, arrow), edge.substr(arrow + 4));
  }
  Engine engine(g, {.max_block = 64});
  std::size_t allocations = 0;
  for (int block = 0; block < 3000; ++block) {
    engine.set_parameter("comp.threshold_db", -40.0 + block % 30);
    engine.set_parameter("comp.makeup_db", block % 5);
    engine.set_parameter("comp.link", block % 2);
    engine.set_parameter("gate.threshold_db", -60.0 + block % 20);
    engine.set_parameter("limit.ceiling_db", -(block % 6));
    engine.set_parameter("pan.pan", (block % 21 - 10) / 10.0);
    engine.set_parameter("width.width", (block % 9) / 4.0);
    engine.set_parameter("flip.invert", block % 2);
    engine.set_parameter("mute.muted", (block / 100) % 2);
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(engine.get_parameter("comp.gain_reduction_db") >= 0.0);
}

TEST_CASE("the loudness meter, convolver and downmix process and reset without allocating",
          "[engine][realtime]") {
  // libebur128 allocates per 400 ms block unless in histogram mode, and has no reset:
  // the meter must keep both off the audio thread (nodes/dsp/loudness_meter.h).
  NodeRegistry registry;
  register_dsp_nodes(registry);
  NodeOptions ir;
  ir.set("path", std::string(FXGRAPH_TEST_DATA_DIR) + "/dsp/fixtures/convolver_ir_true.wav");
  NodeOptions stereo;
  stereo.set("channels", 2.0);
  Graph g = Graph::chain({registry.create("convolver", ir), registry.create("loudness", {}),
                          registry.create("downmix", stereo)});
  Engine engine(g, {.max_block = 64, .input_channels = 2});
  AudioBuffer in(2, 64), out(2, 64);
  for (std::uint32_t i = 0; i < 64; ++i) in.channel(0)[i] = in.channel(1)[i] = 0.1f * float(i % 7);

  std::size_t allocations = 0;
  for (int block = 0; block < 20000; ++block) {
    if (block % 5000 == 2500) engine.request_reset();  // control side
    AllocationCounter counter;
    engine.process(in.view(std::uint32_t(1 + block % 64)), out.view(std::uint32_t(1 + block % 64)));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(std::isfinite(engine.get_parameter("1.integrated")));
}

#if FXGRAPH_WITH_LV2 && FXGRAPH_WITH_LADSPA
#include "fxgraph/graphs/catalog.h"

TEST_CASE("hosted LV2 and LADSPA plugins process without allocating, controls changing",
          "[engine][realtime][plugins]") {
  const NodeRegistry& registry = builtin_registry();
  // A mono LADSPA amp (two instances on stereo), an LV2 amp and an LV2 delay whose
  // `block` option makes every engine block run as several plugin runs.
  auto amp = registry.create("ladspa", NodeOptions({{"plugin", std::string("cmt:amp_mono")}}));
  auto gain = registry.create(
      "lv2", NodeOptions({{"plugin", std::string("http://lv2plug.in/plugins/eg-amp")}}));
  auto delay = registry.create(
      "lv2", NodeOptions({{"plugin", std::string("http://gareus.org/oss/lv2/nodelay")},
                          {"delay", 10.0},
                          {"block", 16.0}}));
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("1", amp);
  g.add("2", gain);
  g.add("3", delay);
  g.connect("tone", "1");
  g.connect("1", "2");
  g.connect("2", "3");
  g.set_output({"3", ""});
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 4000; ++block) {
    engine.set_parameter("1.gain", 0.5 + (block % 10) * 0.05);
    engine.set_parameter("2.gain", -(block % 20));
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(engine.get_parameter("3.latency") == 10.0);
}
#endif

TEST_CASE("compensating delays allocate nothing, nor does a latency change", "[engine][realtime]") {
  Graph g;
  g.add("tone", std::make_shared<SineNode>(1));
  g.add("lag", std::make_shared<fxgraph::test::LatentNode>(17));
  g.add("mix", std::make_shared<MixNode>(2));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "lag");
  g.connect("lag", "mix:0");
  g.connect("tone", "mix:1");  // delayed 17 frames to meet "lag"
  g.connect("mix", "out");
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 2000; ++block) {
    // Control side (not counted): each latency change compiles a plan with new delays.
    if (block % 500 == 250) engine.set_parameter("lag.frames", 17 + block / 100);
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(engine.latency() == 17 + 1750 / 100);
}

TEST_CASE("feedback loops allocate nothing, in sub-blocks, on one thread or two",
          "[engine][realtime][feedback]") {
  const unsigned threads = GENERATE(1u, 2u);
  // noise → sum → lag(3) → fb → sum:1 (fed back 5 late); a branch around the loop.
  Graph g;
  g.add("hiss", std::make_shared<NoiseNode>(1, 3));
  g.add("sum", std::make_shared<MixNode>(2));
  g.add("lag", std::make_shared<fxgraph::test::LatentNode>(3));
  g.add("fb", make_gain(0.5));
  g.add("side", make_gain(0.2));
  g.add("mix", std::make_shared<MixNode>(2));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("hiss", "sum:0");
  g.connect("sum", "lag");
  g.connect("lag", "fb");
  g.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{5});
  g.connect("hiss", "side");
  g.connect("lag", "mix:0");
  g.connect("side", "mix:1");
  g.connect("mix", "out");
  Engine engine(g, {.max_block = 64, .threads = threads});

  std::size_t allocations = 0;
  for (int block = 0; block < 2000; ++block) {
    engine.set_parameter("fb.gain", 0.3 + (block % 10) * 0.05);
    if (block == 1000) engine.request_reset();  // clears the feedback rings too
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
}

TEST_CASE("an automated feedback loop allocates nothing as its sub-blocks follow the automation",
          "[engine][realtime][feedback][automation]") {
  const unsigned threads = GENERATE(1u, 2u);
  // noise → sum → fb → sum:1 (fed back 7 late); a branch around the loop.
  Graph g;
  g.add("hiss", std::make_shared<NoiseNode>(1, 3));
  g.add("sum", std::make_shared<MixNode>(2));
  g.add("fb", make_gain(0.5));
  g.add("side", make_gain(0.2));
  g.add("mix", std::make_shared<MixNode>(2));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("hiss", "sum:0");
  g.connect("sum", "fb");
  g.connect(Endpoint::parse("fb"), Endpoint::parse("sum:1"), FeedbackEdge{7});
  g.connect("hiss", "side");
  g.connect("sum", "mix:0");
  g.connect("side", "mix:1");
  g.connect("mix", "out");
  Engine engine(g, {.sample_rate = 48000, .max_block = 64, .threads = threads});
  engine.automate("fb.gain", {{0.0, 0.1}, {0.5, 0.9}, {1.0, 0.2}}, AutomationCurve::linear);
  engine.automate("sum.gain_1", {{0.2, 0.5}, {0.6, 1.0}}, AutomationCurve::hold);

  std::size_t allocations = 0;
  for (int block = 0; block < 2000; ++block) {
    if (block == 1000) engine.request_reset();  // rewinds the automation too
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
}

TEST_CASE("torchfx's classes allocate nothing while their parameters change every block",
          "[engine][realtime][torchfx]") {
  const NodeRegistry& registry = builtin_registry();
  Graph g;
  g.add("tone", std::make_shared<SineNode>(2));
  g.add("gain", registry.create("Gain", NodeOptions({{"gain", 0.5}})));
  g.add("delay", registry.create("Delay", NodeOptions({{"delay_samples", 300.0}})));
  g.add("echo", registry.create("Reverb", NodeOptions({{"delay", 200.0}})));
  g.add("low", registry.create("LoButterworth", NodeOptions({{"cutoff", 8000.0}})));
  g.add("eq", registry.create("Peaking", NodeOptions({{"cutoff", 2000.0}, {"gain", 2.0}})));
  g.add("band", registry.create("Elliptic", NodeOptions({{"btype", std::string("bandpass")},
                                                         {"cutoff", std::vector{300.0, 3000.0}}})));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "gain");
  g.connect("gain", "delay");
  g.connect("delay", "echo");
  g.connect("echo", "low");
  g.connect("low", "eq");
  g.connect("eq", "band");
  g.connect("band", "out");
  Engine engine(g, {.max_block = 64});

  std::size_t allocations = 0;
  for (int block = 0; block < 2000; ++block) {
    engine.set_parameter("gain.gain", 0.1 + (block % 100) * 0.01);
    engine.set_parameter("delay.feedback", (block % 9) * 0.1);
    engine.set_parameter("delay.taps", 1 + block % 5);
    engine.set_parameter("echo.mix", (block % 11) * 0.09);
    engine.set_parameter("low.cutoff", 1000.0 + (block % 50) * 100.0);
    engine.set_parameter("eq.gain", 0.5 + (block % 13) * 0.1);
    engine.set_parameter("band.cutoff_high", 3000.0 + (block % 40) * 250.0);  // a band redesign
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
}

TEST_CASE("taking MIDI messages in allocates nothing, a full queue included",
          "[engine][realtime][midi]") {
  MidiEventQueue queue(256);  // allocated here, before counting
  const std::uint8_t messages[][3] = {{0xB0, 7, 100}, {0x90, 60, 127}, {0xC0, 3, 0}, {7, 1, 0}};
  const std::size_t sizes[] = {3, 3, 2, 2};
  std::size_t allocations = 0;
  {
    AllocationCounter counter;
    for (int period = 0; period < 1000; ++period)  // as JackBackend::read_midi_events does
      for (std::size_t i = 0; i < 4; ++i)
        if (const auto event = MidiEvent::from_bytes(messages[i], sizes[i], std::uint32_t(i)))
          queue.push(*event);
    allocations = counter.count();
  }
  CHECK(allocations == 0);
  CHECK(queue.dropped() == 3000 - 256);
}

TEST_CASE("bypass allocates nothing while nodes fade in and out every few blocks",
          "[engine][realtime][bypass]") {
  // A source, a fused IIR chain (run node by node while one is bypassed), a lookahead
  // limiter (a dry delay line), a mono -> stereo pan (a channel-mapped dry path).
  const NodeRegistry& registry = builtin_registry();
  auto node = [&](const std::string& type, std::map<std::string, OptionValue> options = {}) {
    return registry.create(type, NodeOptions(std::move(options)));
  };
  Graph g;
  g.add("tone", std::make_shared<SineNode>(1));
  g.add("lp", node("lowpass", {{"cutoff", 3000.0}}));
  g.add("hp", node("highpass", {{"cutoff", 200.0}}));
  g.add("limit", node("limiter"));
  g.add("pan", node("pan"));
  g.add("out", std::make_shared<MemorySinkNode>());
  g.connect("tone", "lp");
  g.connect("lp", "hp");
  g.connect("hp", "limit");
  g.connect("limit", "pan");
  g.connect("pan", "out");
  Engine engine(g, {.max_block = 64});
  const char* nodes[] = {"tone", "lp", "hp", "limit", "pan"};
  std::size_t allocations = 0;
  for (int block = 0; block < 3000; ++block) {
    if (block % 5 == 0)
      engine.set_parameter(std::string(nodes[block / 5 % 5]) + ".bypass", (block / 25) % 2);
    if (block % 500 == 0) engine.request_reset();  // clears the dry delay lines
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
}

TEST_CASE("a hot reload's swap allocates nothing on the audio thread", "[engine][realtime]") {
  const auto yaml = [](const std::string& gain, const std::string& tail) {
    return "nodes:\n"
           "  tone: { type: sine }\n"
           "  lp: { type: lowpass, cutoff: 2000 }\n"
           "  g: { type: gain, gain: " +
           gain + " }\n" + tail;
  };
  GraphDocument running = load_graph_string(
      yaml("0.5", "  rev: { type: reverb }\nedges:\n  - tone -> lp -> g -> rev\n"));
  Engine engine(running.graph, {.max_block = 64, .input_channels = 1});
  GraphDocument edited = load_graph_string(
      yaml("0.25", "  post: { type: gain }\nedges:\n  - tone -> lp -> g -> post\n"));

  std::size_t allocations = 0;
  for (int block = 0; block < 2000; ++block) {
    // Control side (not counted): the reload at block 1000 (rev removed, post added,
    // g.gain from the file); the retired plan is freed by the next control call.
    if (block == 1000)
      reload_graph(running, edited, [&](Graph graph, std::span<const ParameterChange> changes) {
        engine.replace_graph(std::move(graph), changes);
      });
    if (block == 1500) engine.collect_garbage();
    AllocationCounter counter;
    engine.process(std::uint32_t(1 + block % 64));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(engine.order() == std::vector<std::string>{"tone", "lp", "g", "post"});
  CHECK(engine.graph().node("g").value(0) == 0.25);  // applied by the audio thread
}

TEST_CASE("automation allocates nothing: sweeps, holds, a reset and schedules swapped in",
          "[engine][realtime][automation]") {
  const NodeRegistry& registry = builtin_registry();
  Graph g = Graph::chain({registry.create("biquad_lowpass", {}), registry.create("lowpass", {}),
                          registry.create("gain", {}), registry.create("polarity", {})});
  Engine engine(g, {.sample_rate = 48000, .max_block = 64, .input_channels = 1, .threads = 2});
  engine.automate("0.cutoff", {{0.0, 200.0}, {1.0, 8000.0}}, AutomationCurve::exponential);
  engine.automate("1.order", {{0.1, 2.0}, {0.5, 8.0}}, AutomationCurve::hold);
  engine.automate("2.gain", {{0.0, 0.1}, {0.3, 1.0}, {0.7, 0.5}}, AutomationCurve::linear);
  AudioBuffer in(1, 64), out(1, 64);
  for (std::uint32_t i = 0; i < 64; ++i) in.channel(0)[i] = 0.1f * float(i % 7);

  std::size_t allocations = 0;
  for (int block = 0; block < 3000; ++block) {
    // Control side (not counted): new schedules now and then, a reset once.
    if (block % 500 == 250)
      engine.automate("3.invert", {{engine.automation_seconds(), 1.0}}, AutomationCurve::hold);
    if (block == 1500) engine.request_reset();
    if (block == 2000) engine.set_parameter("2.gain", 0.7);  // ends the gain's automation
    const auto frames = std::uint32_t(1 + block % 64);
    AllocationCounter counter;
    engine.process(in.view(frames), out.view(frames));
    allocations += counter.count();
  }
  CHECK(allocations == 0);
  CHECK(engine.automation().size() == 3);
}
