#pragma once
// downmix: converts between channel counts with the standard matrices, so a 5.1 file can
// feed a stereo chain and a stereo one a mono chain (`--channels N` appends one).
//
//   5.1 -> stereo   ITU-R BS.775: L' = L + 0.7071 C + 0.7071 Ls, R' = R + 0.7071 C +
//                   0.7071 Rs; the LFE is dropped. Input order L R C LFE Ls Rs (WAV's).
//   N -> mono       the mean of the channels (5.1: the mean of the stereo downmix)
//   mono -> N       the channel copied to every output
//   N -> N          unchanged
// Other conversions (stereo -> 5.1, 4 -> 3 …) have no standard matrix and are refused
// when the graph compiles; channel_select picks channels by hand.
//
// The matrix is not normalised: a full-scale 5.1 downmix can exceed 0 dBFS, as in
// ffmpeg's and SoX's ITU downmixes; a limiter or normalize after it keeps it in range.

#include <string_view>
#include <vector>

#include "fxgraph/engine/node.h"

namespace fxgraph {

class DownmixNode : public Node {
 public:
  /// The registry type name (fxgraph nodes lists it).
  static constexpr std::string_view kType = "downmix";

  /// Output `channels` (1 to 64).
  explicit DownmixNode(std::uint32_t channels);

  std::vector<std::uint32_t> output_channels(
      std::span<const std::uint32_t> input_channels) const override;
  /// Gain from input channel `in` to output channel `out` (after prepare).
  float coefficient(std::uint32_t out, std::uint32_t in) const noexcept {
    return matrix_[std::size_t(out) * inputs_ + in];
  }

  /// The matrix (outputs x inputs, row-major) for a conversion; throws GraphError for
  /// one without a standard matrix.
  static std::vector<float> matrix(std::uint32_t inputs, std::uint32_t outputs);

 protected:
  void on_prepare(const PrepareInfo& info) override;
  void do_process(const ProcessContext& ctx) noexcept override;

 private:
  std::uint32_t channels_;
  std::uint32_t inputs_ = 0;
  std::vector<float> matrix_;
};

}  // namespace fxgraph
