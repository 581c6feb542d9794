#pragma once
// Audio arrays between Python and the engine: planar (channels, frames) float32.
//
// What is accepted (the package's documented conversion rules):
//   - a float32, C-contiguous NumPy array of shape (channels, frames) is read in
//     place, without a copy;
//   - any other real array (float64, integers, a transposed or sliced view, a list)
//     is converted once to float32 C order — integers keep their values, not scaled;
//   - shape (frames,) is mono, one channel;
//   - a torch tensor on the CPU goes through tensor.detach().numpy() (no copy), and
//     the result comes back as a tensor (torch.from_numpy, no copy).
// Refused, with the expected shape or type named: None, non-numeric or complex dtypes
// (TypeError), 0-d or 3-d arrays, no channels, more than kMaxChannels channels (a
// (frames, channels) array by mistake) or more than 2^32 - 1 frames (ValueError).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph::python {

namespace py = pybind11;

/// More channels than this is taken for a mistake, not a signal.
inline constexpr std::size_t kMaxChannels = 4096;

/// A caller's array read as planar float32 audio.
struct AudioInput {
  py::array_t<float, py::array::c_style> array;  ///< the caller's array or one copy
  std::uint32_t channels = 0;
  std::uint32_t frames = 0;
  bool from_torch = false;  ///< give the result back as a torch tensor

  const float* channel(std::uint32_t c) const noexcept {
    return array.data() + static_cast<std::size_t>(c) * frames;
  }
};

/// Reads `object` by the rules above; `what` names it in messages ("x").
AudioInput audio_input(py::handle object, const char* what);

/// A new zeroed (channels, frames) float32 array.
py::array_t<float, py::array::c_style> new_audio(std::uint32_t channels, std::uint32_t frames);

/// `array` as the caller gave its input: a torch tensor when `as_torch`.
py::object to_caller_type(py::array_t<float, py::array::c_style> array, bool as_torch);

/// Channel pointer tables over an (channels, frames) array, moved block by block.
class PlanarPointers {
 public:
  PlanarPointers(float* data, std::uint32_t channels, std::uint32_t frames);
  /// A view of frames [offset, offset + count).
  AudioView view(std::uint32_t offset, std::uint32_t count);
  ConstAudioView const_view(std::uint32_t offset, std::uint32_t count);

 private:
  float* data_;
  std::uint32_t frames_;
  std::vector<float*> pointers_;
};

}  // namespace fxgraph::python
