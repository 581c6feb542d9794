// fxgraph.Engine (a graph run block by block on arrays, keeping its state across calls)
// and the one-shot fxgraph.process().
//
// The GIL is released while audio is processed, so engines on different threads run in
// parallel. One Engine is one audio thread's worth of state: calls to process() on the
// same engine from several threads take turns on a mutex (never held with the GIL).
#include <pybind11/stl.h>

#include <memory>
#include <mutex>

#include "arrays.h"
#include "bindings.h"
#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/multipass_driver.h"

namespace fxgraph::python {
namespace {

/// Runs `frames` frames of `in` through `engine` into `out` (or nowhere, when `out` has
/// no data), max_block frames at a time. GIL released by the caller.
void run_blocks(Engine& engine, const AudioInput* in, PlanarPointers* in_pointers,
                PlanarPointers* out_pointers, std::uint32_t out_channels, std::uint32_t frames) {
  const std::uint32_t block = engine.config().max_block;
  for (std::uint32_t offset = 0; offset < frames; offset += block) {
    const std::uint32_t count = std::min(block, frames - offset);
    const ConstAudioView in_view =
        in != nullptr ? in_pointers->const_view(offset, count) : ConstAudioView{};
    const AudioView out_view = out_pointers != nullptr && out_channels > 0
                                   ? out_pointers->view(offset, count)
                                   : AudioView{nullptr, 0, count};
    if (in == nullptr && out_view.num_channels == 0)
      engine.process(count);
    else
      engine.process(in_view, out_view);
  }
}

/// The caller's `out` array: float32, C-contiguous, writable, (channels, frames).
py::array_t<float, py::array::c_style> output_array(py::handle out, std::uint32_t channels,
                                                    std::uint32_t frames) {
  const std::string expected = "out: expected a writable C-contiguous float32 array of shape (" +
                               std::to_string(channels) + ", " + std::to_string(frames) + ")";
  if (!py::isinstance<py::array_t<float, py::array::c_style>>(out)) throw py::type_error(expected);
  auto array = py::reinterpret_borrow<py::array_t<float, py::array::c_style>>(out);
  if (array.ndim() != 2 || array.shape(0) != channels || array.shape(1) != frames ||
      !array.writeable())
    throw py::value_error(expected);
  return array;
}

class PyEngine {
 public:
  PyEngine(py::handle graph, double sample_rate, std::uint32_t max_block, std::uint32_t channels,
           unsigned threads)
      : recipe_(recipe_from(graph)) {
    if (max_block == 0) throw py::value_error("max_block must be at least 1");
    if (threads == 0) throw py::value_error("threads must be at least 1");
    if (channels == 0 || channels > kMaxChannels)
      throw py::value_error("channels must be from 1 to " + std::to_string(kMaxChannels) +
                            ", got " + std::to_string(channels));
    Graph built = recipe_.build();
    py::gil_scoped_release release;  // compiling prepares (allocates) every node
    engine_ = std::make_unique<Engine>(std::move(built), EngineConfig{.sample_rate = sample_rate,
                                                                      .max_block = max_block,
                                                                      .input_channels = channels,
                                                                      .threads = threads});
  }

  py::object process(py::handle x, py::handle out_arg) {
    if (py::isinstance<py::int_>(x) && !py::isinstance<py::bool_>(x)) {
      const long long frames = x.cast<long long>();
      if (frames < 0 || frames > std::numeric_limits<std::uint32_t>::max())
        throw py::value_error("process(frames): frames must be from 0 to 2^32 - 1");
      return generate(static_cast<std::uint32_t>(frames));
    }
    const AudioInput in = audio_input(x, "x");
    const std::uint32_t channels = engine_->config().input_channels;
    if (in.channels != channels)
      throw py::value_error("x: expected " + std::to_string(channels) +
                            " channel(s), the engine's `channels`, got " +
                            std::to_string(in.channels));
    const std::uint32_t out_channels = engine_->output_channels();
    auto out = out_arg.is_none() ? new_audio(out_channels, in.frames)
                                 : output_array(out_arg, out_channels, in.frames);
    {
      float* out_data = out.mutable_data();
      py::gil_scoped_release release;
      std::lock_guard lock(process_mutex_);
      PlanarPointers in_pointers(const_cast<float*>(in.channel(0)), in.channels, in.frames);
      PlanarPointers out_pointers(out_data, out_channels, in.frames);
      run_blocks(*engine_, &in, &in_pointers, &out_pointers, out_channels, in.frames);
    }
    if (!out_arg.is_none()) return py::reinterpret_borrow<py::object>(out_arg);
    return to_caller_type(std::move(out), in.from_torch);
  }

  void set_parameter(const std::string& path, double value) { engine_->set_parameter(path, value); }
  double get_parameter(const std::string& path) const { return engine_->get_parameter(path); }
  void automate(const std::string& path, const std::vector<std::pair<double, double>>& points,
                const std::string& curve) {
    std::vector<AutomationPoint> converted;
    for (const auto& [seconds, value] : points) converted.push_back({seconds, value});
    engine_->automate(path, std::move(converted), parse_automation_curve(curve));
  }
  py::dict parameters() const {
    py::dict values;
    for (const ParameterInfo& info : engine_->parameters()) values[py::str(info.path)] = info.value;
    return values;
  }
  py::dict meters() const {
    py::dict values;
    for (const MeterInfo& info : engine_->meters()) values[py::str(info.path)] = info.value;
    return values;
  }
  void replace_graph(py::handle graph) {
    GraphRecipe recipe = recipe_from(graph);
    Graph built = recipe.build();
    {
      py::gil_scoped_release release;
      engine_->replace_graph(std::move(built));
    }
    recipe_ = std::move(recipe);
  }
  std::string describe_plan() const { return engine_->describe_plan(); }
  void reset() { engine_->request_reset(); }
  const Engine& engine() const { return *engine_; }
  const GraphRecipe& recipe() const { return recipe_; }

 private:
  py::object generate(std::uint32_t frames) {
    const std::uint32_t out_channels = engine_->output_channels();
    auto out = new_audio(out_channels, frames);
    float* out_data = out.mutable_data();
    py::gil_scoped_release release;
    std::lock_guard lock(process_mutex_);
    PlanarPointers out_pointers(out_data, out_channels, frames);
    run_blocks(*engine_, nullptr, nullptr, &out_pointers, out_channels, frames);
    return out;
  }

  GraphRecipe recipe_;
  std::unique_ptr<Engine> engine_;
  std::mutex process_mutex_;
};

py::object process_once(py::handle x, double sample_rate, py::handle graph,
                        std::uint32_t max_block) {
  const GraphRecipe recipe = recipe_from(graph);
  const AudioInput in = audio_input(x, "x");
  if (max_block == 0) throw py::value_error("max_block must be at least 1");
  Graph built = recipe.build();
  std::unique_ptr<Engine> engine;
  py::array_t<float, py::array::c_style> out;
  {
    py::gil_scoped_release release;
    engine = std::make_unique<Engine>(
        built, EngineConfig{.sample_rate = sample_rate,
                            .max_block = std::max<std::uint32_t>(1, std::min(max_block, in.frames)),
                            .input_channels = in.channels});
  }
  const std::uint32_t out_channels = engine->output_channels();
  out = new_audio(out_channels, in.frames);
  float* out_data = out.mutable_data();
  {
    py::gil_scoped_release release;
    PlanarPointers in_pointers(const_cast<float*>(in.channel(0)), in.channels, in.frames);
    PlanarPointers out_pointers(out_data, out_channels, in.frames);
    // Multi-pass nodes (normalize) measure the whole signal first, as process_file does.
    run_measurement_passes(*engine, built,
                           [&] { run_blocks(*engine, &in, &in_pointers, nullptr, 0, in.frames); });
    run_blocks(*engine, &in, &in_pointers, &out_pointers, out_channels, in.frames);
  }
  return to_caller_type(std::move(out), in.from_torch);
}

}  // namespace

void bind_engine(py::module_& m) {
  py::class_<PyEngine>(m, "Engine", R"doc(
Engine(graph, sample_rate=48000, max_block=512, channels=2, threads=1)

Runs a graph on (channels, frames) arrays block by block. State (filter memories, delay
lines) carries over from one process() call to the next, so a signal fed in pieces of
any size gives the same samples as one call. `graph` is an fxgraph.Graph, a chain spec
("highpass(80) | gain(1.5)") or a list of effects; the engine builds nodes of its own.
Multi-pass nodes (Normalize) pass the signal through unchanged here, since a stream
cannot look ahead: use fxgraph.process() or StreamProcessor for them. `threads` > 1 runs
the graph's parallel branches on that many threads (this one and workers), with the same
output as one thread; a chain stays on one thread.)doc")
      .def(py::init<py::handle, double, std::uint32_t, std::uint32_t, unsigned>(), py::arg("graph"),
           py::arg("sample_rate") = 48000.0, py::arg("max_block") = 512, py::arg("channels") = 2,
           py::arg("threads") = 1)
      .def("process", &PyEngine::process, py::arg("x"), py::arg("out") = py::none(),
           "Processes x, (channels, frames) or (frames,) mono, and returns the graph output "
           "as a (channels, frames) float32 array (a torch tensor for a tensor). With `out` "
           "(a C-contiguous float32 array of that shape) the output is written there and "
           "`out` returned: no allocation per call. An int n runs a graph without input "
           "for n frames.")
      .def("set_parameter", &PyEngine::set_parameter, py::arg("path"), py::arg("value"),
           "Sets 'node.param' from the next block on (ParameterError lists valid names).")
      .def("automate", &PyEngine::automate, py::arg("path"), py::arg("points"),
           py::arg("curve") = "linear",
           "Moves 'node.param' through `points`, (seconds, value) pairs in time since the "
           "start (or reset), with curve 'linear', 'exp' or 'hold', on the exact samples: "
           "engine.automate('0.cutoff', [(0, 200), (4, 8000)], 'exp'). Replaces an earlier "
           "automation of the path; set_parameter ends it. ParameterError names what is wrong.")
      .def("get_parameter", &PyEngine::get_parameter, py::arg("path"),
           "The last value set for 'node.param', or a meter's latest value.")
      .def("parameters", &PyEngine::parameters, "{'node.param': value} for every parameter")
      .def("meters", &PyEngine::meters, "{'node.meter': value} for every meter")
      .def("replace_graph", &PyEngine::replace_graph, py::arg("graph"),
           "Swaps in another graph at the next block (GraphError leaves the old one running).")
      .def("describe_plan", &PyEngine::describe_plan,
           "The compiled execution order and buffers, as `fxgraph check` prints them.")
      .def("reset", &PyEngine::reset, "Clears every node's state before the next block.")
      .def_property_readonly("sample_rate",
                             [](const PyEngine& e) { return e.engine().config().sample_rate; })
      .def_property_readonly("max_block",
                             [](const PyEngine& e) { return e.engine().config().max_block; })
      .def_property_readonly("channels",
                             [](const PyEngine& e) { return e.engine().config().input_channels; })
      .def_property_readonly("output_channels",
                             [](const PyEngine& e) { return e.engine().output_channels(); })
      .def_property_readonly("position", [](const PyEngine& e) { return e.engine().position(); })
      .def_property_readonly("graph", [](const PyEngine& e) { return e.recipe(); })
      .def("__repr__", [](const PyEngine& e) {
        const EngineConfig& config = e.engine().config();
        return "Engine(sample_rate=" + std::to_string(static_cast<long long>(config.sample_rate)) +
               ", max_block=" + std::to_string(config.max_block) +
               ", channels=" + std::to_string(config.input_channels) + ", graph=\n" +
               e.recipe().description() + ")";
      });

  m.def("process", &process_once, py::arg("x"), py::arg("sample_rate"), py::arg("graph"),
        py::arg("max_block") = 4096, R"doc(
process(x, sample_rate, graph, max_block=4096)

Runs `graph` (an fxgraph.Graph, a chain spec or a list of effects) once over x,
(channels, frames) or (frames,), from fresh state, and returns the output, as long as the
input. Multi-pass nodes (Normalize) measure all of x first, as in files.)doc");
}

}  // namespace fxgraph::python
