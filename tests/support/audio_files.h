#pragma once
// Files for I/O tests: a fresh temporary folder, a seeded noise WAV, a file read back.

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/engine/graph.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "fxgraph/nodes/generators/noise.h"

namespace fxgraph::test {

/// A new, empty folder under the system's temporary folder, unique per call and process.
inline std::filesystem::path unique_temp_dir(const std::string& prefix) {
  static int counter = 0;
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir;
}

/// Writes `frames` frames of seeded noise (seed 42) as a 48 kHz float WAV.
inline void write_noise_wav(const std::filesystem::path& path, std::uint32_t frames,
                            std::uint32_t channels = 2) {
  Graph g;
  g.add("noise", std::make_shared<NoiseNode>(channels, 42));
  g.set_output({"noise", ""});
  Engine engine(g, {.max_block = 1024});
  AudioBuffer block(channels, 1024);
  SndfileWriter writer(path.string(), 48000, channels, make_file_format(path.string(), "float"));
  for (std::uint32_t done = 0; done < frames; done += 1024) {
    const std::uint32_t n = std::min(1024u, frames - done);
    engine.process(AudioView{}, block.view(n));
    writer.write(block.view(n));
  }
  writer.commit();
}

/// Every sample of a file, channel after channel.
inline std::vector<float> read_all_samples(const std::filesystem::path& path) {
  SndfileReader reader(path.string());
  AudioBuffer buffer(reader.channels(), std::uint32_t(reader.frames()));
  const std::uint32_t got = reader.read(buffer.view());
  std::vector<float> samples;
  for (std::uint32_t c = 0; c < reader.channels(); ++c)
    samples.insert(samples.end(), buffer.channel(c), buffer.channel(c) + got);
  return samples;
}

}  // namespace fxgraph::test
