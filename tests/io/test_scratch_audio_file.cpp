// ScratchAudioFile: float samples round-trip exactly, in any read size; no name on disk.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/scratch_audio_file.h"

using namespace fxgraph;
namespace fs = std::filesystem;

TEST_CASE("a scratch file gives back exactly what was written, in reads of any size",
          "[io][scratch]") {
  const fs::path dir = fs::temp_directory_path() / ("fxgraph-scratch-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    ScratchAudioFile file((dir / "out.wav").string(), 3);
    CHECK(fs::is_empty(dir));  // unlinked at once: nothing to leave behind
    CHECK(file.path().rfind((dir / ".out.wav.fxgraph-cache-").string(), 0) == 0);

    AudioBuffer block(3, 700);
    float next = 0.0f;
    for (std::uint32_t n : {700u, 1u, 333u}) {
      for (std::uint32_t i = 0; i < n; ++i) {
        next += 0.37f;
        for (std::uint32_t c = 0; c < 3; ++c) block.channel(c)[i] = next * (c + 1.0f);
      }
      file.write(block.view(n));
    }
    CHECK(file.frames() == 1034);

    for (int round = 0; round < 2; ++round) {  // rewind reads it all again
      file.rewind();
      AudioBuffer got(3, 500);
      float expected = 0.0f;
      std::uint64_t total = 0;
      std::vector<float> left(3);
      while (const std::uint32_t n = file.read(got.view(500))) {
        for (std::uint32_t i = 0; i < n; ++i) {
          expected += 0.37f;
          for (std::uint32_t c = 0; c < 3; ++c) REQUIRE(got.channel(c)[i] == expected * (c + 1.0f));
        }
        if (n < 500) CHECK(got.channel(2)[n] == 0.0f);  // the rest is silence
        total += n;
      }
      CHECK(total == 1034);
    }
    AudioBuffer two(2, 10);
    CHECK_THROWS_AS(file.write(two.view(10)), IoError);
  }
  CHECK(fs::is_empty(dir));
  CHECK_THROWS_AS(ScratchAudioFile((dir / "missing" / "x.wav").string(), 1), IoError);
  fs::remove_all(dir);
}
