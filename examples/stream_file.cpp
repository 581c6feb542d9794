// StreamProcessor, the C++ counterpart of torchfx's StreamProcessor examples:
// a gain of 0.5 over a large file, processed in 64K-frame chunks with flat memory;
// then the chunk range, for callers that want the audio rather than a file.
// Usage: stream_file IN.wav OUT.wav
#include <cmath>
#include <cstdio>
#include <memory>

#include <fxgraph/engine/errors.h>
#include <fxgraph/io/stream_processor.h>
#include <fxgraph/nodes/effects/gain.h>

int main(int argc, char** argv) {
  using namespace fxgraph;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s IN.wav OUT.wav\n", argv[0]);
    return 2;
  }
  try {
    auto gain = std::make_shared<GainNode>();
    gain->configure_parameter("gain", 0.5);
    StreamProcessor processor(Graph::chain({gain}), /*chunk_size=*/65536);
    processor.process_file(argv[1], argv[2]);  // temp file + rename: nothing lost

    double peak = 0.0;
    for (const AudioView& chunk : processor.process_chunks(argv[1]))
      for (std::uint32_t c = 0; c < chunk.num_channels; ++c)
        for (std::uint32_t i = 0; i < chunk.num_frames; ++i)
          peak = std::max(peak, double(std::abs(chunk.channels[c][i])));
    std::printf("peak after gain: %.6f\n", peak);
  } catch (const Error& e) {
    std::fprintf(stderr, "stream_file: error: %s\n", e.what());
    return 1;
  }
}
