#include "arrays.h"

#include <limits>
#include <string>

namespace fxgraph::python {
namespace {

std::string shape_text(const py::array& array) {
  std::string text = "(";
  for (py::ssize_t i = 0; i < array.ndim(); ++i)
    text += (i ? ", " : "") + std::to_string(array.shape(i));
  return text + (array.ndim() == 1 ? ",)" : ")");
}

bool is_torch_tensor(py::handle object) {
  const py::handle type = reinterpret_cast<PyObject*>(Py_TYPE(object.ptr()));
  const py::object module = py::getattr(type, "__module__", py::none());
  return !module.is_none() && module.cast<std::string>().rfind("torch", 0) == 0 &&
         py::hasattr(object, "numpy");
}

}  // namespace

AudioInput audio_input(py::handle object, const char* what) {
  AudioInput input;
  const std::string name(what);
  if (object.is_none())
    throw py::type_error(name +
                         ": expected a (channels, frames) or (frames,) array of "
                         "numbers, got None");
  py::object source = py::reinterpret_borrow<py::object>(object);
  if (!py::isinstance<py::array>(source) && is_torch_tensor(source)) {
    source = source.attr("detach")().attr("numpy")();  // CPU tensors only: no copy
    input.from_torch = true;
  }
  py::array array;
  try {
    array = py::array::ensure(source);
  } catch (const py::error_already_set&) {
  }
  if (!array)
    throw py::type_error(name + ": expected a (channels, frames) array of numbers, got " +
                         std::string(py::str(py::type::handle_of(object).attr("__name__"))));
  const char kind = array.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u')
    throw py::type_error(name + ": expected real numbers (float32 best), got dtype " +
                         std::string(py::str(array.dtype())));
  if (array.ndim() != 1 && array.ndim() != 2)
    throw py::value_error(name + ": expected shape (channels, frames) or (frames,), got " +
                          shape_text(array));
  const py::ssize_t channels = array.ndim() == 2 ? array.shape(0) : 1;
  const py::ssize_t frames = array.shape(array.ndim() - 1);
  if (channels == 0)
    throw py::value_error(name + ": expected at least one channel, got shape " + shape_text(array));
  if (static_cast<std::size_t>(channels) > kMaxChannels)
    throw py::value_error(name + ": " + std::to_string(channels) + " channels is more than " +
                          std::to_string(kMaxChannels) +
                          "; expected (channels, frames) — is the array (frames, channels)? "
                          "Pass x.T");
  if (static_cast<std::uint64_t>(frames) > std::numeric_limits<std::uint32_t>::max())
    throw py::value_error(name + ": more than 2^32 - 1 frames");
  // float32 in C order is used in place; anything else is converted once here.
  input.array = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array);
  if (!input.array) throw py::error_already_set();
  input.channels = static_cast<std::uint32_t>(channels);
  input.frames = static_cast<std::uint32_t>(frames);
  return input;
}

py::array_t<float, py::array::c_style> new_audio(std::uint32_t channels, std::uint32_t frames) {
  py::array_t<float, py::array::c_style> array(
      {static_cast<py::ssize_t>(channels), static_cast<py::ssize_t>(frames)});
  if (array.size() > 0) std::fill_n(array.mutable_data(), array.size(), 0.0f);
  return array;
}

py::object to_caller_type(py::array_t<float, py::array::c_style> array, bool as_torch) {
  if (!as_torch) return array;
  return py::module_::import("torch").attr("from_numpy")(array);
}

PlanarPointers::PlanarPointers(float* data, std::uint32_t channels, std::uint32_t frames)
    : data_(data), frames_(frames), pointers_(channels) {}

AudioView PlanarPointers::view(std::uint32_t offset, std::uint32_t count) {
  for (std::size_t c = 0; c < pointers_.size(); ++c) pointers_[c] = data_ + c * frames_ + offset;
  return {pointers_.data(), static_cast<std::uint32_t>(pointers_.size()), count};
}

ConstAudioView PlanarPointers::const_view(std::uint32_t offset, std::uint32_t count) {
  const AudioView v = view(offset, count);
  return {const_cast<const float* const*>(v.channels), v.num_channels, v.num_frames};
}

}  // namespace fxgraph::python
