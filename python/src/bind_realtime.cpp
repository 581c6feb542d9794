// The live side: RealtimeProcessor over the JACK or null backend, and the SPSC ring
// buffer with NumPy in and out.
//
// Nothing Python runs on the audio thread: the processor is C++ from the backend's
// callback to the engine; Python only makes control calls (set_parameter, start, stop),
// which the engine validates and queues lock-free.
#include <pybind11/stl.h>

#include <memory>

#include "arrays.h"
#include "bindings.h"
#include "fxgraph/engine/realtime_processor.h"
#include "fxgraph/io/null_backend.h"
#include "fxgraph/io/ring_buffer.h"
#ifdef FXGRAPH_WITH_JACK
#include "fxgraph/io/jack_backend.h"
#endif

namespace fxgraph::python {
namespace {

/// What a Python backend object (fxgraph.realtime.JackBackend, NullBackend) asks for.
struct BackendRequest {
  std::string kind;  ///< "jack" or "null"
  std::string client_name = "fxgraph";
  std::string server_name;
  bool auto_connect = false;
  bool realtime_clock = true;  ///< null backend: pace like a device, or as fast as possible
};

std::unique_ptr<AudioBackend> make_backend(const BackendRequest& request) {
  if (request.kind == "null")
    return std::make_unique<NullBackend>(NullOptions{
        .clock = request.realtime_clock ? NullClock::realtime : NullClock::as_fast_as_possible});
#ifdef FXGRAPH_WITH_JACK
  if (request.kind == "jack")
    return std::make_unique<JackBackend>(JackOptions{.client_name = request.client_name,
                                                     .server_name = request.server_name,
                                                     .auto_connect = request.auto_connect});
#endif
  throw BackendNotAvailableError("audio backend '" + request.kind +
                                 "' is not available in this build of fxgraph");
}

bool jack_available(const std::string& server_name) {
#ifdef FXGRAPH_WITH_JACK
  py::gil_scoped_release release;
  return JackBackend::server_running(server_name);
#else
  (void)server_name;
  return false;
#endif
}

class PyRealtimeProcessor {
 public:
  PyRealtimeProcessor(py::handle graph, const BackendRequest& backend, const StreamConfig& config)
      : recipe_(recipe_from(graph)) {
    Graph built = recipe_.build();
    py::gil_scoped_release release;
    processor_ =
        std::make_unique<RealtimeProcessor>(std::move(built), make_backend(backend), config);
  }
  RealtimeProcessor& processor() { return *processor_; }
  const RealtimeProcessor& processor() const { return *processor_; }
  const GraphRecipe& recipe() const { return recipe_; }

 private:
  GraphRecipe recipe_;
  std::unique_ptr<RealtimeProcessor> processor_;
};

/// RealtimeStats as the dict Python sees: xruns, blocks, dsp_load_mean, dsp_load_max and
/// dsp_load_max_window (the worst block since the previous take_stats()).
py::dict stats_dict(const RealtimeStats& s) {
  py::dict stats;
  stats["xruns"] = s.xruns;
  stats["blocks"] = s.blocks;
  stats["dsp_load_mean"] = s.dsp_load_mean;
  stats["dsp_load_max"] = s.dsp_load_max;
  stats["dsp_load_max_window"] = s.dsp_load_max_window;
  return stats;
}

std::vector<std::string> ports(PyRealtimeProcessor& p, bool inputs) {
#ifdef FXGRAPH_WITH_JACK
  if (auto* jack = dynamic_cast<JackBackend*>(&p.processor().backend()))
    return inputs ? jack->input_ports() : jack->output_ports();
#endif
  (void)p;
  (void)inputs;
  return {};
}

OverflowPolicy policy_named(const std::string& name) {
  if (name == "error") return OverflowPolicy::throw_error;
  if (name == "drop") return OverflowPolicy::drop;
  throw py::value_error("policy must be 'error' or 'drop', got '" + name + "'");
}

void bind_ring_buffer(py::module_& m) {
  py::class_<MultichannelRingBuffer>(m, "RingBuffer", R"doc(
RingBuffer(capacity, channels=1, policy="error")

A lock-free single-producer/single-consumer ring of planar float32 audio (torchfx's
TensorRingBuffer): one thread writes, one reads. write(x) takes (channels, frames) or
(frames,) arrays; read(n)/peek(n) return (channels, n) float32 arrays. With
policy="error" a write without room raises BufferOverrunError and a read of more than is
there raises BufferUnderrunError (nothing moves); with "drop" a write keeps what fits
and a read pads with silence, counting overruns/underruns.)doc")
      .def(py::init([](std::uint32_t capacity, std::uint32_t channels, const std::string& policy) {
             return std::make_unique<MultichannelRingBuffer>(channels, capacity,
                                                             policy_named(policy));
           }),
           py::arg("capacity"), py::arg("channels") = 1, py::arg("policy") = "error")
      .def(
          "write",
          [](MultichannelRingBuffer& ring, py::handle x) {
            const AudioInput in = audio_input(x, "x");
            if (in.channels != ring.channels())
              throw py::value_error("x: expected " + std::to_string(ring.channels()) +
                                    " channel(s), the ring's, got " + std::to_string(in.channels));
            PlanarPointers pointers(const_cast<float*>(in.channel(0)), in.channels, in.frames);
            const ConstAudioView view = pointers.const_view(0, in.frames);
            py::gil_scoped_release release;
            return ring.write(view);
          },
          py::arg("x"), "Writes x; returns the frames written.")
      .def(
          "read",
          [](MultichannelRingBuffer& ring, std::uint32_t frames) {
            auto out = new_audio(ring.channels(), frames);
            PlanarPointers pointers(out.mutable_data(), ring.channels(), frames);
            const AudioView view = pointers.view(0, frames);
            {
              py::gil_scoped_release release;
              ring.read(view);
            }
            return out;
          },
          py::arg("frames"), "Reads and removes `frames` frames: a (channels, frames) array.")
      .def(
          "peek",
          [](const MultichannelRingBuffer& ring, std::uint32_t frames) {
            auto out = new_audio(ring.channels(), frames);
            PlanarPointers pointers(out.mutable_data(), ring.channels(), frames);
            ring.peek(pointers.view(0, frames));
            return out;
          },
          py::arg("frames"), "Like read(), leaving the frames in the ring.")
      .def("clear", &MultichannelRingBuffer::clear, "Consumer side: discards what is readable.")
      .def_property_readonly("available_read", &MultichannelRingBuffer::available_read)
      .def_property_readonly("available_write", &MultichannelRingBuffer::available_write)
      .def_property_readonly("capacity", &MultichannelRingBuffer::capacity)
      .def_property_readonly("channels", &MultichannelRingBuffer::channels)
      .def_property_readonly("overruns", &MultichannelRingBuffer::overruns)
      .def_property_readonly("underruns", &MultichannelRingBuffer::underruns);
}

}  // namespace

void bind_realtime(py::module_& m) {
  m.def("jack_available", &jack_available, py::arg("server_name") = "",
        "Whether a JACK server of that name ('' = default) accepts clients now.");
  m.attr("WITH_JACK") =
#ifdef FXGRAPH_WITH_JACK
      true;
#else
      false;
#endif

  py::class_<BackendRequest>(m, "BackendRequest")
      .def(py::init<>())
      .def_readwrite("kind", &BackendRequest::kind)
      .def_readwrite("client_name", &BackendRequest::client_name)
      .def_readwrite("server_name", &BackendRequest::server_name)
      .def_readwrite("auto_connect", &BackendRequest::auto_connect)
      .def_readwrite("realtime_clock", &BackendRequest::realtime_clock);

  py::class_<PyRealtimeProcessor>(m, "RealtimeProcessor")
      .def(py::init([](py::handle graph, const BackendRequest& backend, double sample_rate,
                       std::uint32_t buffer_size, std::uint32_t channels_in,
                       std::uint32_t channels_out, const std::string& latency) {
             const StreamConfig config{.sample_rate = sample_rate,
                                       .buffer_size = buffer_size,
                                       .channels_in = channels_in,
                                       .channels_out = channels_out,
                                       .latency = Latency::from_string(latency)};
             config.validate();
             return std::make_unique<PyRealtimeProcessor>(graph, backend, config);
           }),
           py::arg("graph"), py::arg("backend"), py::arg("sample_rate"), py::arg("buffer_size"),
           py::arg("channels_in"), py::arg("channels_out"), py::arg("latency"))
      .def("start",
           [](PyRealtimeProcessor& p) {
             py::gil_scoped_release release;
             p.processor().start();
           })
      .def("stop",
           [](PyRealtimeProcessor& p) {
             py::gil_scoped_release release;
             p.processor().stop();
           })
      .def("close",
           [](PyRealtimeProcessor& p) {
             py::gil_scoped_release release;
             p.processor().backend().close();  // start() opens it again
           })
      .def("set_parameter", [](PyRealtimeProcessor& p, const std::string& path,
                               double value) { p.processor().set_parameter(path, value); })
      .def("get_parameter",
           [](const PyRealtimeProcessor& p, const std::string& path) {
             return p.processor().get_parameter(path);
           })
      .def("parameters",
           [](const PyRealtimeProcessor& p) {
             py::dict values;
             for (const ParameterInfo& info : p.processor().parameters())
               values[py::str(info.path)] = info.value;
             return values;
           })
      .def("reset_state", [](PyRealtimeProcessor& p) { p.processor().reset_state(); })
      .def_property_readonly(
          "is_running", [](const PyRealtimeProcessor& p) { return p.processor().is_running(); })
      .def_property_readonly(
          "state", [](const PyRealtimeProcessor& p) { return to_string(p.processor().state()); })
      .def_property_readonly(
          "failure_reason",
          [](const PyRealtimeProcessor& p) { return p.processor().failure_reason(); })
      .def_property_readonly(
          "latency_ms", [](const PyRealtimeProcessor& p) { return p.processor().latency_ms(); })
      .def_property_readonly(
          "stats", [](const PyRealtimeProcessor& p) { return stats_dict(p.processor().stats()); })
      .def("take_stats",
           [](PyRealtimeProcessor& p) { return stats_dict(p.processor().take_stats()); })
      .def_property_readonly(
          "backend_sample_rate",
          [](PyRealtimeProcessor& p) { return p.processor().backend().sample_rate(); })
      .def_property_readonly(
          "backend_buffer_size",
          [](PyRealtimeProcessor& p) { return p.processor().backend().buffer_size(); })
      .def_property_readonly("input_ports", [](PyRealtimeProcessor& p) { return ports(p, true); })
      .def_property_readonly("output_ports", [](PyRealtimeProcessor& p) { return ports(p, false); })
      .def_property_readonly("graph", [](const PyRealtimeProcessor& p) { return p.recipe(); });

  bind_ring_buffer(m);
}

}  // namespace fxgraph::python
