// The batch library (batch/) for fxgraph.batch.dask_map: the work list (input
// expansion, output naming, shards, the format checks `fxgraph batch` makes before any
// work), the per-file worker, the --skip-existing check and the manifest writer, so a
// Dask map and `fxgraph batch` name, process and record files the same way.
//
// Paths cross as Python's os.fsencode / os.fsdecode do (bytes in, surrogateescape str
// out): Linux file names are bytes, and a name that is not UTF-8 must survive the trip.
// File work runs with the GIL released, so a Dask worker's other threads (its
// heartbeats, its other tasks) keep running while a file is processed.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "fxgraph/batch/batch_inputs.h"
#include "fxgraph/batch/batch_plan.h"
#include "fxgraph/batch/batch_runner.h"
#include "fxgraph/batch/batch_worker.h"
#include "fxgraph/batch/graph_recipe.h"
#include "fxgraph/batch/manifest.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/graphs/yaml_loader.h"
#include "fxgraph/io/file_format.h"

namespace fxgraph::python {
namespace {

/// A path argument (str, bytes or os.PathLike) as the bytes the system sees.
std::string path_from(py::handle path) {
  return py::module_::import("os").attr("fsencode")(path).cast<std::string>();
}

/// A path for Python: str, with undecodable bytes as lone surrogates (os.fsdecode).
py::str path_to_py(const std::string& path) {
  PyObject* text = PyUnicode_DecodeFSDefaultAndSize(path.data(), Py_ssize_t(path.size()));
  if (text == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

template <typename T>
py::object optional_to_py(const std::optional<T>& value) {
  return value ? py::object(py::cast(*value)) : py::object(py::none());
}

py::dict row_to_dict(const ManifestRow& row) {
  py::dict dict;
  dict["input"] = path_to_py(row.input);
  dict["output"] = path_to_py(row.output);
  dict["status"] = std::string(to_string(row.status));
  dict["error"] = row.error.empty() ? py::object(py::none()) : py::object(py::str(row.error));
  dict["frames"] = optional_to_py(row.frames);
  dict["sample_rate"] = optional_to_py(row.sample_rate);
  dict["channels"] = optional_to_py(row.channels);
  dict["peak"] = optional_to_py(row.peak);
  dict["rms"] = optional_to_py(row.rms);
  dict["seconds"] = row.seconds;
  return dict;
}

FileStatus status_from(const std::string& text) {
  for (const FileStatus status : {FileStatus::done, FileStatus::skipped, FileStatus::failed})
    if (to_string(status) == text) return status;
  throw py::value_error("manifest row: status must be done, skipped or failed, not '" + text + "'");
}

template <typename T>
std::optional<T> optional_from(const py::dict& row, const char* key) {
  if (!row.contains(key) || row[key].is_none()) return std::nullopt;
  return row[key].cast<T>();
}

/// A row as row_to_dict makes it (a missing field: null).
ManifestRow row_from_dict(const py::dict& row) {
  ManifestRow result{.input = path_from(row["input"]), .output = path_from(row["output"])};
  result.status = status_from(row["status"].cast<std::string>());
  result.error = optional_from<std::string>(row, "error").value_or("");
  result.frames = optional_from<std::uint64_t>(row, "frames");
  result.sample_rate = optional_from<std::uint32_t>(row, "sample_rate");
  result.channels = optional_from<std::uint32_t>(row, "channels");
  result.peak = optional_from<double>(row, "peak");
  result.rms = optional_from<double>(row, "rms");
  result.seconds = optional_from<double>(row, "seconds").value_or(0.0);
  return result;
}

std::optional<ContainerFormat> container_from(const std::string& format) {
  if (format.empty()) return std::nullopt;
  return parse_container_format(format);
}

/// The work list of `fxgraph batch` for these arguments: (input, output) pairs sorted
/// by mirrored path, the shard taken, every output's format checked. Throws
/// ConfigError/IoError (bad usage) before anything is written.
py::tuple plan_batch(const std::vector<py::object>& arguments, py::handle out_dir,
                     const std::string& format, const std::string& subtype,
                     const std::string& suffix, const std::string& shard) {
  std::vector<std::string> paths;
  for (const py::object& argument : arguments) paths.push_back(path_from(argument));
  const std::string out = path_from(out_dir);
  if (suffix.find('/') != std::string::npos)
    throw ConfigError("suffix is added to file names and cannot hold '/'", {.key = "suffix"});
  if (!subtype.empty()) (void)parse_sample_format(subtype);
  const OutputNaming naming{.out_dir = out, .container = container_from(format), .suffix = suffix};

  std::vector<BatchFile> files;
  std::size_t ignored = 0;
  {
    py::gil_scoped_release release;  // walks folder trees
    const ExpandedInputs expanded = expand_inputs(paths, {.skip_folder = out});
    ignored = expanded.ignored;
    files = plan_outputs(expanded.inputs, naming);
    if (!shard.empty()) files = select_shard(files, parse_shard(shard));
    for (const BatchFile& file : files) (void)make_file_format(file.output, subtype);
  }
  py::list pairs;
  for (const BatchFile& file : files)
    pairs.append(py::make_tuple(path_to_py(file.input), path_to_py(file.output)));
  return py::make_tuple(pairs, ignored);
}

/// One BatchWorker: the graph built once from its YAML text, reused file after file,
/// with the text's `automation:` in every file (as `fxgraph batch` applies it).
class PyBatchWorker {
 public:
  PyBatchWorker(const std::string& yaml, const std::string& name, const std::string& sample_format,
                std::uint32_t chunk_size, bool tail)
      : worker_(::fxgraph::GraphRecipe::from_yaml_text(yaml, name),
                BatchFileOptions{.sample_format = sample_format,
                                 .chunk_size = chunk_size,
                                 .tail = TailOptions{.enabled = tail},
                                 .automation = load_graph_string(yaml, name).automation}) {
    if (chunk_size == 0) throw py::value_error("chunk_size must be at least 1");
  }

  py::dict process(py::handle input, py::handle output) {
    const std::string in = path_from(input);
    const std::string out = path_from(output);
    ManifestRow row;
    {
      py::gil_scoped_release release;
      row = worker_.process(in, out);
    }
    return row_to_dict(row);
  }

 private:
  BatchWorker worker_;
};

}  // namespace

void bind_batch(py::module_& m) {
  m.def("plan_batch", &plan_batch, py::arg("arguments"), py::arg("out_dir"), py::arg("format") = "",
        py::arg("subtype") = "", py::arg("suffix") = "", py::arg("shard") = "",
        "(pairs, ignored): the (input, output) paths `fxgraph batch` would process for these "
        "INPUTS (files, folders, globs, @lists) and the number of non-audio files ignored");

  m.def(
      "check_batch_yaml",
      [](const std::string& yaml, const std::string& name) {
        (void)::fxgraph::GraphRecipe::from_yaml_text(yaml, name);
      },
      py::arg("yaml"), py::arg("name") = "<graph>",
      "Raises the error a batch of this graph would stop on (no external input, file nodes, "
      "a YAML mistake), before any file is touched");

  py::class_<PyBatchWorker>(m, "BatchWorker")
      .def(py::init<const std::string&, const std::string&, const std::string&, std::uint32_t,
                    bool>(),
           py::arg("yaml"), py::arg("name") = "<graph>", py::arg("sample_format") = "",
           py::arg("chunk_size") = StreamProcessor::kDefaultChunkSize, py::arg("tail") = true)
      .def("process", &PyBatchWorker::process, py::arg("input"), py::arg("output"),
           "Processes one file as `fxgraph process` would; returns its manifest row (a dict). "
           "A bad file is a row with status 'failed', never an exception");

  m.def(
      "existing_output_row",
      [](py::handle input, py::handle output) -> py::object {
        const std::string in = path_from(input);
        const std::string out = path_from(output);
        std::optional<ManifestRow> row;
        {
          py::gil_scoped_release release;
          row = existing_output_row(in, out);
        }
        return row ? py::object(row_to_dict(*row)) : py::object(py::none());
      },
      py::arg("input"), py::arg("output"),
      "The 'skipped' row of a complete output already there, else None (--skip-existing)");

  m.def(
      "remove_stale_temporaries",
      [](const std::vector<py::object>& outputs) {
        std::vector<BatchFile> files;
        for (const py::object& output : outputs) files.push_back({.output = path_from(output)});
        py::gil_scoped_release release;
        return remove_stale_temporaries(files);
      },
      py::arg("outputs"),
      "Removes the temporaries a killed run left next to these outputs; returns how many");

  py::class_<ManifestWriter>(m, "ManifestWriter")
      .def(py::init(
               [](py::handle path) { return std::make_unique<ManifestWriter>(path_from(path)); }),
           py::arg("path"))
      .def(
          "write",
          [](ManifestWriter& writer, const py::dict& row) { writer.write(row_from_dict(row)); },
          py::arg("row"), "Appends the row as one JSON line (the format of `fxgraph batch`)");
}

}  // namespace fxgraph::python
