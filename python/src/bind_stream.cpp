// StreamProcessor: files in fixed-size chunks (process_file), or the processed chunks as
// arrays (process_chunks). File reading, processing and writing run with the GIL
// released.
#include <pybind11/stl.h>

#include <memory>

#include "arrays.h"
#include "bindings.h"
#include "fxgraph/io/stream_processor.h"

namespace fxgraph::python {
namespace {

class PyStreamProcessor {
 public:
  PyStreamProcessor(py::handle graph, std::uint32_t chunk_size)
      : recipe_(recipe_from(graph)), chunk_size_(chunk_size) {
    if (chunk_size == 0) throw py::value_error("chunk_size must be at least 1");
  }

  py::dict process_file(const std::string& input, const std::string& output,
                        const std::string& sample_format, bool tail) {
    ProcessResult result;
    {
      Graph built = recipe_.build();
      py::gil_scoped_release release;
      StreamProcessor processor(std::move(built), chunk_size_);
      if (tail) processor.set_tail(TailOptions{.enabled = true});
      result = processor.process_file(input, output, OutputOptions{.sample_format = sample_format});
    }
    py::dict summary;
    summary["frames"] = result.frames;
    summary["clipped_samples"] = result.clipping.clipped;
    summary["peak"] = result.clipping.peak;
    return summary;
  }

  const GraphRecipe& recipe() const { return recipe_; }
  std::uint32_t chunk_size() const { return chunk_size_; }

 private:
  GraphRecipe recipe_;
  std::uint32_t chunk_size_;
};

/// Python's iterator protocol over a ChunkRange; each chunk is copied out, since the
/// range reuses its buffer for the next one.
class ChunkIterator {
 public:
  ChunkIterator(const GraphRecipe& recipe, std::uint32_t chunk_size, const std::string& input) {
    Graph built = recipe.build();
    py::gil_scoped_release release;  // multi-pass graphs read the whole file here
    range_ = std::make_unique<StreamProcessor::ChunkRange>(built, chunk_size, input);
  }

  py::array_t<float, py::array::c_style> next() {
    if (finished_) throw py::stop_iteration();
    {
      py::gil_scoped_release release;
      if (!started_) {
        it_ = range_->begin();
        started_ = true;
      } else {
        ++it_;
      }
    }
    if (it_ == range_->end()) {
      finished_ = true;
      range_.reset();  // closes the file now, not when Python collects the iterator
      throw py::stop_iteration();
    }
    const AudioView& chunk = *it_;
    auto out = new_audio(chunk.num_channels, chunk.num_frames);
    float* data = out.mutable_data();
    for (std::uint32_t c = 0; c < chunk.num_channels; ++c)
      std::copy_n(chunk.channel(c), chunk.num_frames, data + std::size_t{c} * chunk.num_frames);
    return out;
  }

  double sample_rate() const { return range_ ? range_->reader().sample_rate() : 0.0; }

 private:
  std::unique_ptr<StreamProcessor::ChunkRange> range_;
  StreamProcessor::ChunkRange::iterator it_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace

void bind_stream(py::module_& m) {
  py::class_<ChunkIterator>(m, "ChunkIterator")
      .def("__iter__", [](ChunkIterator& it) -> ChunkIterator& { return it; })
      .def("__next__", &ChunkIterator::next)
      .def_property_readonly("sample_rate", &ChunkIterator::sample_rate);

  py::class_<PyStreamProcessor>(m, "StreamProcessor")
      .def(py::init<py::handle, std::uint32_t>(), py::arg("graph"), py::arg("chunk_size") = 65536)
      .def("process_file", &PyStreamProcessor::process_file, py::arg("input"), py::arg("output"),
           py::arg("sample_format") = "", py::arg("tail") = false)
      .def(
          "process_chunks",
          [](const PyStreamProcessor& p, const std::string& input) {
            return std::make_unique<ChunkIterator>(p.recipe(), p.chunk_size(), input);
          },
          py::arg("input"))
      .def_property_readonly("chunk_size", &PyStreamProcessor::chunk_size)
      .def_property_readonly("graph", &PyStreamProcessor::recipe);
}

}  // namespace fxgraph::python
