// `-` as input and output of `process` and `run`: audio through pipes (a WAV stream, or
// raw samples described by --type raw), with nothing but the audio on standard output
// and nothing left behind in $TMPDIR.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/cli_harness.h"
#include "fxgraph/io/sndfile_reader.h"

using namespace fxgraph;
using namespace fxgraph::test::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

/// Runs a shell line in `dir` with $TMPDIR set to `tmp`; returns its exit status.
int shell(const CliDir& dir, const CliDir& tmp, const std::string& line) {
  const std::string command = "cd " + shell_quote(dir.path().string()) +
                              " && TMPDIR=" + shell_quote(tmp.path().string()) + " && export " +
                              "TMPDIR && " + line;
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string cli() {
  return shell_quote(FXGRAPH_CLI);
}

/// `audio` scaled by `gain`, as float32 arithmetic gives it.
std::vector<std::vector<float>> scaled(std::vector<std::vector<float>> audio, float gain) {
  for (auto& channel : audio)
    for (float& x : channel) x *= gain;
  return audio;
}

/// The 44-byte header of a canonical PCM 16-bit WAV holding `data_bytes` of samples.
std::string pcm16_wav_header(std::uint32_t rate, std::uint16_t channels, std::size_t data_bytes) {
  std::string h;
  const auto u32 = [&](std::uint32_t v) { h.append(reinterpret_cast<const char*>(&v), 4); };
  const auto u16 = [&](std::uint16_t v) { h.append(reinterpret_cast<const char*>(&v), 2); };
  h += "RIFF";
  u32(std::uint32_t(36 + data_bytes));
  h += "WAVEfmt ";
  u32(16);
  u16(1);  // PCM
  u16(channels);
  u32(rate);
  u32(rate * channels * 2);
  u16(std::uint16_t(channels * 2));
  u16(16);
  h += "data";
  u32(std::uint32_t(data_bytes));
  return h;
}

/// Interleaved float32 bytes of planar `audio` (the machine's byte order).
std::string raw_f32(const std::vector<std::vector<float>>& audio) {
  std::string bytes;
  for (std::size_t i = 0; i < audio.front().size(); ++i)
    for (const auto& channel : audio)
      bytes.append(reinterpret_cast<const char*>(&channel[i]), sizeof(float));
  return bytes;
}

}  // namespace

TEST_CASE("process - - reads a WAV stream from a pipe and writes a WAV to a pipe", "[cli][stdio]") {
  CliDir dir, tmp;
  const auto input = sine_audio(2, 48000);
  write_audio(dir / "in.wav", input);
  // Real pipes on both sides (not seekable), as in `sox … | fxgraph … | sox …`.
  const int status =
      shell(dir, tmp,
            "cat in.wav | " + cli() + " process - - --chain 'gain(2)' 2>err.txt | cat > out.wav");
  INFO(read_text(dir.path() / "err.txt"));
  REQUIRE(status == 0);
  CHECK(read_audio(dir / "out.wav") == scaled(input, 2.0f));
  const SndfileReader out(dir / "out.wav");
  CHECK(out.sample_rate() == 48000u);
  CHECK(out.subtype() == SampleFormat::float32);  // the input's sample format
  CHECK(tmp.entries().empty());
}

TEST_CASE("with - as the output nothing but the audio goes to standard output", "[cli][stdio]") {
  CliDir dir;
  write_audio(dir / "in.wav", sine_audio(1, 4800, 0.9));
  // gain(4) clips in pcm16: the warning and the summary go to stderr.
  const CliRun result = run_fxgraph(dir, "process in.wav - --chain 'gain(4)' --format pcm16");
  REQUIRE(result.status == 0);
  CHECK_THAT(result.err, Contains("clipped") && Contains("to standard output"));
  REQUIRE_THAT(result.out, StartsWith("RIFF"));
  // The header's size is the stream's size: not a byte more, not a byte less.
  std::uint32_t riff_size = 0;
  std::memcpy(&riff_size, result.out.data() + 4, 4);
  CHECK(riff_size + 8 == result.out.size());
  write_text(dir.path() / "out.wav", result.out);
  const auto out = read_audio(dir / "out.wav");
  CHECK(out.front().size() == 4800u);
  CHECK(SndfileReader(dir / "out.wav").subtype() == SampleFormat::pcm16);
}

TEST_CASE("process reads raw samples from standard input with --type raw", "[cli][stdio]") {
  CliDir dir, tmp;
  const auto input = sine_audio(2, 4410, 0.5, 44100);
  write_text(dir.path() / "in.raw", raw_f32(input));
  const int status = shell(dir, tmp,
                           cli() +
                               " process - out.wav --type raw --encoding f32 --input-rate 44100 "
                               "--input-channels 2 --chain 'gain(0.5)' -q < in.raw 2>err.txt");
  INFO(read_text(dir.path() / "err.txt"));
  REQUIRE(status == 0);
  const SndfileReader out(dir / "out.wav");
  CHECK(out.sample_rate() == 44100u);
  CHECK(out.channels() == 2u);
  CHECK(read_audio(dir / "out.wav") == scaled(input, 0.5f));
  CHECK(tmp.entries().empty());

  SECTION("s16: as the same samples in a WAV file, and the output keeps 16 bits") {
    std::string bytes;
    for (std::int16_t v : {std::int16_t(0), std::int16_t(16384), std::int16_t(-32768),
                           std::int16_t(32767), std::int16_t(-1)})
      bytes.append(reinterpret_cast<const char*>(&v), 2);
    write_text(dir.path() / "in16.raw", bytes);
    write_text(dir.path() / "in16.wav", pcm16_wav_header(8000, 1, bytes.size()) + bytes);
    REQUIRE(read_audio(dir / "in16.wav").front() ==
            std::vector<float>{0.0f, 0.5f, -1.0f, 32767.0f / 32768.0f, -1.0f / 32768.0f});
    REQUIRE(shell(dir, tmp,
                  cli() + " process - raw16.wav --type raw --encoding s16 --input-rate 8000 "
                          "--input-channels 1 --chain gain -q < in16.raw") == 0);
    REQUIRE(shell(dir, tmp, cli() + " process in16.wav wav16.wav --chain gain -q") == 0);
    const SndfileReader out(dir / "raw16.wav");
    CHECK(out.subtype() == SampleFormat::pcm16);
    CHECK(out.sample_rate() == 8000u);
    CHECK(read_audio(dir / "raw16.wav") == read_audio(dir / "wav16.wav"));
  }
}

TEST_CASE("bad standard input is refused with exit 2 and nothing written", "[cli][stdio]") {
  CliDir dir, tmp;
  write_text(dir.path() / "text.txt", "this is not audio\n");
  write_text(dir.path() / "odd.raw", std::string(10, '\0'));  // 10 bytes: not 8-byte frames
  struct Case {
    std::string args;
    std::string message;
  };
  for (const Case& c : {
           Case{"process - out.wav --chain gain < /dev/null", "standard input is empty"},
           Case{"process - out.wav --chain gain < text.txt",
                "standard input is not audio fxgraph can read"},
           Case{"process - out.wav --chain gain --type raw --encoding f32 --input-rate 48000 "
                "--input-channels 2 < odd.raw",
                "not a whole number of frames of 2 f32 samples"},
           Case{"process - out.wav --chain gain --type raw --input-channels 2 < odd.raw",
                "--type raw needs --input-rate and --input-channels"},
           Case{"process text.txt out.wav --chain gain --type raw --input-rate 8000 "
                "--input-channels 1",
                "--type raw reads standard input"},
           Case{"process - out.wav --chain gain --input-rate 8000 < odd.raw",
                "give --type raw with them"},
       }) {
    INFO(c.args);
    const int status = shell(dir, tmp, cli() + " " + c.args + " 2>err.txt");
    const std::string err = read_text(dir.path() / "err.txt");
    INFO(err);
    CHECK(status == 2);
    CHECK_THAT(err, StartsWith("fxgraph: error: ") && Contains(c.message));
    CHECK(dir.entries() == std::vector<std::string>{"err.txt", "odd.raw", "text.txt"});
    CHECK(tmp.entries().empty());
  }
}

TEST_CASE("a reader of standard output that goes away is exit 1, nothing left behind",
          "[cli][stdio]") {
  CliDir dir, tmp;
  write_audio(dir / "in.wav", sine_audio(2, 48000 * 2));  // far more than a pipe holds
  const int status =
      shell(dir, tmp,
            "(" + cli() +
                " process in.wav - --chain gain -q 2>err.txt; echo $? > status.txt) | head -c 100 "
                ">/dev/null");
  CHECK(status == 0);
  CHECK(read_text(dir.path() / "status.txt") == "1\n");
  CHECK_THAT(read_text(dir.path() / "err.txt"),
             StartsWith("fxgraph: error: cannot write to standard output: Broken pipe"));
  CHECK(tmp.entries().empty());
}

TEST_CASE("run takes - for --input and --output", "[cli][stdio]") {
  CliDir dir, tmp;
  const auto input = sine_audio(1, 4800);
  write_audio(dir / "in.wav", input);
  write_text(dir.path() / "g.yaml",
             "nodes:\n"
             "  src: { type: file_in, path: missing.wav }\n"
             "  g: { type: gain, gain: 0.25 }\n"
             "  dst: { type: file_out, path: never.wav }\n"
             "edges:\n"
             "  - src -> g -> dst\n");
  const int status = shell(
      dir, tmp, "cat in.wav | " + cli() + " run g.yaml --input - --output - 2>err.txt >out.wav");
  INFO(read_text(dir.path() / "err.txt"));
  REQUIRE(status == 0);
  CHECK(read_audio(dir / "out.wav") == scaled(input, 0.25f));
  CHECK_THAT(read_text(dir.path() / "err.txt"), Contains("to standard output"));
  CHECK(tmp.entries().empty());
}
