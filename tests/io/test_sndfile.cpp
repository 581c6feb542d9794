// Specification of the audio file layer: output formats, SndfileReader, SndfileWriter
// ("nothing lost" writes) and analyze_file().

#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"
#include "fxgraph/engine/errors.h"
#include "fxgraph/io/audio_file_info.h"
#include "fxgraph/io/file_format.h"
#include "fxgraph/io/sndfile_reader.h"
#include "fxgraph/io/sndfile_writer.h"
#include "support/allocation_counter.h"

namespace fs = std::filesystem;
using namespace fxgraph;

namespace {

// A unique folder under /tmp for one test, removed with everything in it afterwards.
class TempFolder {
 public:
  TempFolder() {
    std::string templ = "/tmp/fxgraph-io-test-XXXXXX";
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

  // Every entry in the folder, so tests can see that no temporary is left behind.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename());
    return names;
  }

 private:
  fs::path path_;
};

// A deterministic test signal in [-0.9, 0.9]: different per channel, not periodic in
// any block size the tests use, with some values that are not exact in 16 bits.
AudioBuffer test_signal(std::uint32_t channels, std::uint32_t frames) {
  AudioBuffer b(channels, frames);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      b.channel(c)[i] = static_cast<float>(0.9 * std::sin(0.013 * i * (c + 1) + 0.7 * c));
  return b;
}

// Writes `signal` to `path` in blocks of `block` frames and commits.
void write_file(const std::string& path, AudioBuffer& signal, FileFormat format,
                std::uint32_t block = 97, std::uint32_t sample_rate = 48000) {
  SndfileWriter writer(path, sample_rate, signal.num_channels(), format);
  for (std::uint32_t at = 0; at < signal.capacity_frames(); at += block) {
    const std::uint32_t n = std::min(block, signal.capacity_frames() - at);
    std::vector<float*> pointers;
    for (std::uint32_t c = 0; c < signal.num_channels(); ++c)
      pointers.push_back(signal.channel(c) + at);
    writer.write(AudioView{pointers.data(), signal.num_channels(), n});
  }
  writer.commit();
}

// Reads the whole file in blocks of `block` frames.
AudioBuffer read_file(const std::string& path, std::uint32_t block = 61) {
  SndfileReader reader(path);
  AudioBuffer all(reader.channels(), static_cast<std::uint32_t>(reader.frames()));
  AudioBuffer chunk(reader.channels(), block);
  std::uint32_t at = 0;
  while (const std::uint32_t n = reader.read(chunk.view())) {
    REQUIRE(at + n <= all.capacity_frames());
    for (std::uint32_t c = 0; c < reader.channels(); ++c)
      std::copy(chunk.channel(c), chunk.channel(c) + n, all.channel(c) + at);
    at += n;
  }
  REQUIRE(at == reader.frames());
  return all;
}

double max_difference(const AudioBuffer& a, const AudioBuffer& b) {
  REQUIRE(a.num_channels() == b.num_channels());
  REQUIRE(a.capacity_frames() == b.capacity_frames());
  double worst = 0.0;
  for (std::uint32_t c = 0; c < a.num_channels(); ++c)
    for (std::uint32_t i = 0; i < a.capacity_frames(); ++i)
      worst = std::max(worst, std::fabs(double(a.channel(c)[i]) - double(b.channel(c)[i])));
  return worst;
}

bool bit_identical(const AudioBuffer& a, const AudioBuffer& b) {
  if (a.num_channels() != b.num_channels() || a.capacity_frames() != b.capacity_frames())
    return false;
  for (std::uint32_t c = 0; c < a.num_channels(); ++c)
    if (!std::equal(a.channel(c), a.channel(c) + a.capacity_frames(), b.channel(c))) return false;
  return true;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

FileFormat wav(SampleFormat sample) {
  return FileFormat{ContainerFormat::wav, sample, {}};
}

}  // namespace

// --- output formats ------------------------------------------------------------------

TEST_CASE("the output container follows the extension, case-insensitively", "[io]") {
  CHECK(container_from_path("out.wav") == ContainerFormat::wav);
  CHECK(container_from_path("/a/b/OUT.WAV") == ContainerFormat::wav);
  CHECK(container_from_path("x.flac") == ContainerFormat::flac);
  CHECK(container_from_path("x.ogg") == ContainerFormat::ogg);
  CHECK(container_from_path("x.oga") == ContainerFormat::ogg);
  CHECK(container_from_path("x.aiff") == ContainerFormat::aiff);
  CHECK(container_from_path("x.aif") == ContainerFormat::aiff);
  CHECK(container_from_path("x.au") == ContainerFormat::au);
  CHECK(container_from_path("x.caf") == ContainerFormat::caf);
  CHECK(container_from_path("x.w64") == ContainerFormat::w64);
  CHECK(container_from_path("x.rf64") == ContainerFormat::rf64);
}

TEST_CASE("an unknown or missing extension is an IoError listing the known ones", "[io]") {
  CHECK_THROWS_AS(container_from_path("song.mp4"), IoError);
  CHECK_THROWS_WITH(container_from_path("song.mp4"), Catch::Contains("'.mp4'") &&
                                                         Catch::Contains("song.mp4") &&
                                                         Catch::Contains(".wav, .flac"));
  CHECK_THROWS_WITH(container_from_path("song"), Catch::Contains("no extension"));
}

TEST_CASE("sample formats parse from their names and bad names list the choices", "[io]") {
  CHECK(parse_sample_format("pcm16") == SampleFormat::pcm16);
  CHECK(parse_sample_format("PCM24") == SampleFormat::pcm24);
  CHECK(parse_sample_format("pcm32") == SampleFormat::pcm32);
  CHECK(parse_sample_format("float") == SampleFormat::float32);
  CHECK(parse_sample_format("float32") == SampleFormat::float32);
  CHECK(parse_sample_format("double") == SampleFormat::float64);
  CHECK(parse_sample_format("vorbis") == SampleFormat::vorbis);
  CHECK_THROWS_AS(parse_sample_format("pcm12"), IoError);
  CHECK_THROWS_WITH(
      parse_sample_format("pcm12"),
      Catch::Contains("'pcm12'") && Catch::Contains("pcm16, pcm24, pcm32, float, double, vorbis"));
  for (auto s : {SampleFormat::pcm16, SampleFormat::pcm24, SampleFormat::pcm32,
                 SampleFormat::float32, SampleFormat::float64, SampleFormat::vorbis})
    CHECK(parse_sample_format(to_string(s)) == s);
  CHECK(parse_container_format("FLAC") == ContainerFormat::flac);
  CHECK_THROWS_WITH(parse_container_format("mp3"), Catch::Contains("wav, flac, ogg"));
}

TEST_CASE("the default output format keeps the input's sample format when it fits", "[io]") {
  CHECK(default_file_format("o.wav", SampleFormat::float32).sample == SampleFormat::float32);
  CHECK(default_file_format("o.wav", SampleFormat::pcm16).sample == SampleFormat::pcm16);
  CHECK(default_file_format("o.flac", SampleFormat::pcm16).sample == SampleFormat::pcm16);
  // FLAC cannot store float: fall back to pcm24.
  CHECK(default_file_format("o.flac", SampleFormat::float32).sample == SampleFormat::pcm24);
  // Unknown input: pcm24 (vorbis for Ogg).
  CHECK(default_file_format("o.wav").sample == SampleFormat::pcm24);
  CHECK(default_file_format("o.flac").sample == SampleFormat::pcm24);
  CHECK(default_file_format("o.ogg", SampleFormat::float32).sample == SampleFormat::vorbis);
  CHECK(default_file_format("o.aiff").container == ContainerFormat::aiff);
}

TEST_CASE("a sample format the container cannot store is an IoError listing what it can", "[io]") {
  CHECK(container_supports(ContainerFormat::flac, SampleFormat::pcm24));
  CHECK_FALSE(container_supports(ContainerFormat::flac, SampleFormat::float32));
  CHECK_THROWS_WITH(make_file_format("o.flac", "float"),
                    Catch::Contains("flac") && Catch::Contains("'float'") &&
                        Catch::Contains("valid choices: pcm16, pcm24"));
  CHECK_THROWS_AS(make_file_format("o.wav", "vorbis"), IoError);
  CHECK(make_file_format("o.wav", "pcm16").sample == SampleFormat::pcm16);
  CHECK(make_file_format("o.wav", "", std::nullopt, SampleFormat::float64).sample ==
        SampleFormat::float64);
}

TEST_CASE("a flac compression level must be 0 to 8 and is for flac only", "[io]") {
  CHECK(make_file_format("o.flac", "pcm16", 0).flac_compression_level == 0);
  CHECK(make_file_format("o.flac", "", 8).flac_compression_level == 8);
  CHECK_THROWS_WITH(make_file_format("o.flac", "", 9), Catch::Contains("0 to 8, got 9"));
  CHECK_THROWS_WITH(make_file_format("o.flac", "", -1), Catch::Contains("0 to 8"));
  CHECK_THROWS_WITH(make_file_format("o.wav", "", 5), Catch::Contains("flac only"));
}

// --- round trips -----------------------------------------------------------------------

TEST_CASE("a float WAV round trip is bit-exact", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("float.wav");
  auto signal = test_signal(2, 5000);
  write_file(path, signal, wav(SampleFormat::float32));

  SndfileReader reader(path);
  CHECK(reader.sample_rate() == 48000);
  CHECK(reader.channels() == 2);
  CHECK(reader.frames() == 5000);
  CHECK(reader.duration_seconds() == Approx(5000.0 / 48000.0));
  CHECK(reader.subtype() == SampleFormat::float32);
  CHECK(reader.container() == ContainerFormat::wav);
  CHECK(reader.format_description() == "WAV (Microsoft), 32 bit float");

  CHECK(bit_identical(read_file(path), signal));
  CHECK(tmp.entries() == std::vector<std::string>{"float.wav"});  // no temporary left
}

TEST_CASE("float WAV round trips are bit-exact for 1, 3 and 6 channels", "[io]") {
  // Mono, stereo (above) and other counts take different (de)interleaving loops.
  for (std::uint32_t channels : {1u, 3u, 6u}) {
    INFO(channels << " channels");
    TempFolder tmp;
    const auto path = tmp.file("multi.wav");
    auto signal = test_signal(channels, 3001);
    write_file(path, signal, wav(SampleFormat::float32));
    CHECK(bit_identical(read_file(path), signal));
  }
}

TEST_CASE("a PCM16 WAV round trip is within one 16-bit step", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("pcm16.wav");
  auto signal = test_signal(3, 4000);
  write_file(path, signal, wav(SampleFormat::pcm16));
  SndfileReader reader(path);
  CHECK(reader.subtype() == SampleFormat::pcm16);
  CHECK(reader.subtype_name() == "Signed 16 bit PCM");
  CHECK(max_difference(read_file(path), signal) <= 1.0 / 32768.0);
}

TEST_CASE("PCM24 and PCM32 round trips are within one step of their resolution", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(2, 3000);
  write_file(tmp.file("24.wav"), signal, wav(SampleFormat::pcm24));
  write_file(tmp.file("32.wav"), signal, wav(SampleFormat::pcm32));
  CHECK(max_difference(read_file(tmp.file("24.wav")), signal) <= 1.0 / 8388608.0);
  CHECK(max_difference(read_file(tmp.file("32.wav")), signal) <= 1e-7);
}

TEST_CASE("float samples beyond full scale clip in integer files instead of wrapping", "[io]") {
  TempFolder tmp;
  AudioBuffer loud(1, 4);
  loud.channel(0)[0] = 1.5f;
  loud.channel(0)[1] = -1.5f;
  loud.channel(0)[2] = 0.5f;
  loud.channel(0)[3] = 2.0f;
  write_file(tmp.file("loud.wav"), loud, wav(SampleFormat::pcm16));
  auto back = read_file(tmp.file("loud.wav"));
  CHECK(back.channel(0)[0] == Approx(1.0).margin(1.0 / 32768));
  CHECK(back.channel(0)[1] == Approx(-1.0).margin(1.0 / 32768));
  CHECK(back.channel(0)[2] == Approx(0.5).margin(1.0 / 32768));
  CHECK(back.channel(0)[3] == Approx(1.0).margin(1.0 / 32768));
}

TEST_CASE("a FLAC round trip keeps 24-bit samples at every compression level", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(2, 20000);
  write_file(tmp.file("fast.flac"), signal, make_file_format(tmp.file("fast.flac"), "pcm24", 0));
  write_file(tmp.file("small.flac"), signal, make_file_format(tmp.file("small.flac"), "pcm24", 8));
  SndfileReader reader(tmp.file("small.flac"));
  CHECK(reader.container() == ContainerFormat::flac);
  CHECK(reader.subtype() == SampleFormat::pcm24);
  CHECK(reader.frames() == 20000);
  const auto fast = read_file(tmp.file("fast.flac"));
  const auto small = read_file(tmp.file("small.flac"));
  CHECK(max_difference(fast, signal) <= 1.0 / 8388608.0);
  CHECK(bit_identical(fast, small));  // lossless: the level changes the size only
  CHECK(fs::file_size(tmp.file("small.flac")) <= fs::file_size(tmp.file("fast.flac")));
}

TEST_CASE("AIFF, AU, CAF, W64 and RF64 float files round trip bit-exactly", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(2, 1500);
  for (std::string name : {"x.aiff", "x.au", "x.caf", "x.w64", "x.rf64"}) {
    INFO(name);
    const auto path = tmp.file(name);
    write_file(path, signal, make_file_format(path, "float"));
    CHECK(SndfileReader(path).container() == container_from_path(path));
    CHECK(bit_identical(read_file(path), signal));
  }
}

TEST_CASE("an Ogg Vorbis file is written and read back with its length and channels", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("x.ogg");
  auto signal = test_signal(2, 44100);
  write_file(path, signal, default_file_format(path), 1024, 44100);
  SndfileReader reader(path);
  CHECK(reader.subtype() == SampleFormat::vorbis);
  CHECK(reader.sample_rate() == 44100);
  CHECK(reader.channels() == 2);
  CHECK(reader.frames() == 44100);
  // Lossy: just check it is the same kind of signal, not silence or noise.
  const auto back = read_file(path);
  CHECK(max_difference(back, signal) < 0.1);
}

// --- reading -------------------------------------------------------------------------

TEST_CASE("reads past the end return 0 frames and fill the view with silence", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(1, 100);
  write_file(tmp.file("a.wav"), signal, wav(SampleFormat::float32));
  SndfileReader reader(tmp.file("a.wav"));
  AudioBuffer out(1, 64);
  CHECK(reader.read(out.view()) == 64);
  out.channel(0)[63] = 5.0f;  // must become silence below
  CHECK(reader.read(out.view()) == 36);
  CHECK(out.channel(0)[35] == signal.channel(0)[99]);
  CHECK(out.channel(0)[36] == 0.0f);
  CHECK(out.channel(0)[63] == 0.0f);
  CHECK(reader.read(out.view()) == 0);
  CHECK(reader.position() == 100);
}

TEST_CASE("seek moves the read position to a frame", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(2, 1000);
  write_file(tmp.file("a.wav"), signal, wav(SampleFormat::float32));
  SndfileReader reader(tmp.file("a.wav"));
  AudioBuffer out(2, 10);
  reader.seek(500);
  CHECK(reader.position() == 500);
  REQUIRE(reader.read(out.view()) == 10);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < 10; ++i) CHECK(out.channel(c)[i] == signal.channel(c)[500 + i]);
  reader.seek(0);
  REQUIRE(reader.read(out.view()) == 10);
  CHECK(out.channel(1)[0] == signal.channel(1)[0]);
  CHECK_THROWS_WITH(reader.seek(1001), Catch::Contains("1000 frames"));
}

TEST_CASE("a read into a view with the wrong channel count is an IoError", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(2, 10);
  write_file(tmp.file("a.wav"), signal, wav(SampleFormat::float32));
  SndfileReader reader(tmp.file("a.wav"));
  AudioBuffer mono(1, 10);
  CHECK_THROWS_WITH(reader.read(mono.view()), Catch::Contains("2 channels"));
}

TEST_CASE("reading is allocation-free after reserve", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(2, 10000);
  write_file(tmp.file("a.wav"), signal, wav(SampleFormat::pcm24));
  SndfileReader reader(tmp.file("a.wav"));
  AudioBuffer out(2, 256);
  reader.reserve(256);
  const AudioView view = out.view();
  fxgraph::test::AllocationCounter counter;
  std::uint32_t total = 0;
  while (const std::uint32_t n = reader.read(view)) total += n;
  REQUIRE(counter.count() == 0);
  CHECK(total == 10000);
}

TEST_CASE("writing is allocation-free after reserve", "[io]") {
  TempFolder tmp;
  auto signal = test_signal(2, 256);
  SndfileWriter writer(tmp.file("a.wav"), 48000, 2, wav(SampleFormat::pcm24));
  writer.reserve(256);
  const AudioView view = signal.view();
  {
    fxgraph::test::AllocationCounter counter;
    for (int i = 0; i < 40; ++i) writer.write(view);
    REQUIRE(counter.count() == 0);
  }
  writer.commit();
  CHECK(SndfileReader(tmp.file("a.wav")).frames() == 40 * 256);
}

TEST_CASE("opening a missing file is an IoError naming the path and the reason", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("nothing-here.wav");
  CHECK_THROWS_AS(SndfileReader(path), IoError);
  CHECK_THROWS_WITH(SndfileReader(path),
                    Catch::Contains(path) && Catch::Contains("No such file or directory"));
}

TEST_CASE("opening a folder is an IoError", "[io]") {
  TempFolder tmp;
  CHECK_THROWS_WITH(SndfileReader(tmp.path().string()), Catch::Contains("directory"));
}

TEST_CASE("a text file named .wav is refused with an IoError naming the path", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("notes.wav");
  spit(path, "These are my notes, not audio.\nSecond line of text.\n");
  CHECK_THROWS_AS(SndfileReader(path), IoError);
  CHECK_THROWS_WITH(SndfileReader(path), Catch::Contains("cannot open audio file '" + path + "'"));
}

TEST_CASE("a WAV truncated inside its header is an IoError", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("short.wav");
  auto signal = test_signal(2, 1000);
  write_file(path, signal, wav(SampleFormat::pcm16));
  fs::resize_file(path, 20);
  CHECK_THROWS_AS(SndfileReader(path), IoError);
}

TEST_CASE("a WAV truncated inside its data reads fewer frames and does not crash", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("cut.wav");
  auto signal = test_signal(2, 1000);
  write_file(path, signal, wav(SampleFormat::float32));
  const auto full = fs::file_size(path);
  fs::resize_file(path, full - 400 * 2 * sizeof(float) - 3);  // 400.4 frames missing

  // Either outcome is acceptable: an IoError, or fewer frames that match the original.
  try {
    SndfileReader reader(path);
    AudioBuffer out(2, 128);
    std::uint32_t total = 0;
    std::uint32_t n = 0;
    bool same = true;
    while ((n = reader.read(out.view())) > 0) {
      for (std::uint32_t c = 0; c < 2; ++c)
        for (std::uint32_t i = 0; i < n; ++i)
          same = same && out.channel(c)[i] == signal.channel(c)[total + i];
      total += n;
      REQUIRE(total <= 1000);
    }
    CHECK(total < 1000);
    CHECK(total >= 599);
    CHECK(same);
  } catch (const IoError& e) {
    SUCCEED(std::string("refused with: ") + e.what());
  }
}

// --- writing -------------------------------------------------------------------------

TEST_CASE("writing into a folder that does not exist is an IoError naming the folder", "[io]") {
  TempFolder tmp;
  const auto folder = tmp.file("no-such-folder");
  CHECK_THROWS_AS(SndfileWriter(folder + "/out.wav", 48000, 2, wav(SampleFormat::pcm16)), IoError);
  CHECK_THROWS_WITH(
      SndfileWriter(folder + "/out.wav", 48000, 2, wav(SampleFormat::pcm16)),
      Catch::Contains("folder '" + folder + "'") && Catch::Contains("No such file or directory"));
}

TEST_CASE("writing under a path whose parent is a regular file is an IoError", "[io]") {
  TempFolder tmp;
  const auto not_a_folder = tmp.file("plain.txt");
  spit(not_a_folder, "x");
  CHECK_THROWS_WITH(SndfileWriter(not_a_folder + "/out.wav", 48000, 1, wav(SampleFormat::pcm16)),
                    Catch::Contains(not_a_folder) && Catch::Contains("Not a directory"));
}

TEST_CASE("writing onto an existing folder is an IoError", "[io]") {
  TempFolder tmp;
  fs::create_directory(tmp.file("taken.wav"));
  CHECK_THROWS_AS(SndfileWriter(tmp.file("taken.wav"), 48000, 1, wav(SampleFormat::pcm16)),
                  IoError);
}

TEST_CASE("a format the container cannot store is refused before any file is made", "[io]") {
  TempFolder tmp;
  FileFormat bad{ContainerFormat::flac, SampleFormat::float32, {}};
  CHECK_THROWS_AS(SndfileWriter(tmp.file("x.flac"), 48000, 2, bad), IoError);
  CHECK(tmp.entries().empty());
}

TEST_CASE("the file appears at the target path only at commit", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("out.wav");
  auto signal = test_signal(1, 100);
  SndfileWriter writer(path, 48000, 1, wav(SampleFormat::float32));
  writer.write(signal.view());
  CHECK_FALSE(fs::exists(path));
  REQUIRE(fs::exists(writer.temp_path()));
  CHECK(fs::path(writer.temp_path()).parent_path() == tmp.path());
  CHECK_THAT(fs::path(writer.temp_path()).filename().string(),
             Catch::StartsWith(".out.wav.fxgraph-tmp-"));
  writer.commit();
  CHECK(fs::exists(path));
  CHECK(writer.frames_written() == 100);
  CHECK(tmp.entries() == std::vector<std::string>{"out.wav"});
  CHECK_THROWS_WITH(writer.write(signal.view()), Catch::Contains("already committed"));
  CHECK_THROWS_AS(writer.commit(), IoError);
}

TEST_CASE("a writer destroyed without commit leaves no temporary and the old file untouched",
          "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("keep.wav");
  spit(path, "the previous contents");
  auto signal = test_signal(2, 1000);
  try {
    SndfileWriter writer(path, 48000, 2, wav(SampleFormat::pcm16));
    writer.write(signal.view());
    throw std::runtime_error("rendering failed half way");
  } catch (const std::runtime_error&) {
  }
  CHECK(slurp(path) == "the previous contents");
  CHECK(tmp.entries() == std::vector<std::string>{"keep.wav"});
}

TEST_CASE("commit replaces an existing file and keeps its permissions", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("replace.wav");
  spit(path, "old");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  auto signal = test_signal(1, 50);
  write_file(path, signal, wav(SampleFormat::float32));
  CHECK(bit_identical(read_file(path), signal));
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
}

TEST_CASE("a new file gets the usual permissions, not mkstemp's private 0600", "[io]") {
  TempFolder tmp;
  const mode_t old_mask = ::umask(022);
  auto signal = test_signal(1, 50);
  write_file(tmp.file("new.wav"), signal, wav(SampleFormat::float32));
  ::umask(old_mask);
  struct stat st {};
  REQUIRE(::stat(tmp.file("new.wav").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("a write into a view with the wrong channel count is an IoError", "[io]") {
  TempFolder tmp;
  SndfileWriter writer(tmp.file("x.wav"), 48000, 2, wav(SampleFormat::pcm16));
  AudioBuffer mono(1, 8);
  CHECK_THROWS_WITH(writer.write(mono.view()), Catch::Contains("2 channels"));
}

namespace {
// Limits the size of files this process may write (as a full disk would), restoring the
// limit afterwards. SIGXFSZ is ignored so the write fails with EFBIG instead.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
};
}  // namespace

TEST_CASE("a write error such as a full disk is an IoError and leaves no file", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("big.wav");
  spit(path, "older file");
  auto signal = test_signal(2, 4096);
  bool threw = false;
  {
    FileSizeLimit limit(64 * 1024);
    try {
      SndfileWriter writer(path, 48000, 2, wav(SampleFormat::float32));
      for (int i = 0; i < 16; ++i) writer.write(signal.view());  // 512 KiB > 64 KiB
      writer.commit();
    } catch (const IoError& e) {
      threw = true;
      CHECK_THAT(std::string(e.what()), Catch::Contains(path));
    }
  }
  CHECK(threw);
  CHECK(slurp(path) == "older file");
  CHECK(tmp.entries() == std::vector<std::string>{"big.wav"});
}

TEST_CASE("an output path naming the input file is refused", "[io]") {
  TempFolder tmp;
  const auto input = tmp.file("in.wav");
  spit(input, "audio");
  const std::string message =
      "output path '" + input + "' is the input file; choose another output";
  CHECK_THROWS_WITH(check_output_differs(input, input), message);
  // Other spellings of the same file.
  CHECK_THROWS_AS(
      check_output_differs(input, tmp.file("../" + tmp.path().filename().string() + "/./in.wav")),
      IoError);
  fs::create_symlink(input, tmp.file("link.wav"));
  CHECK_THROWS_AS(check_output_differs(input, tmp.file("link.wav")), IoError);
  fs::create_hard_link(input, tmp.file("hard.wav"));
  CHECK_THROWS_AS(check_output_differs(input, tmp.file("hard.wav")), IoError);
  // Different files, existing or not, are fine.
  CHECK_NOTHROW(check_output_differs(input, tmp.file("out.wav")));
  spit(tmp.file("other.wav"), "audio");
  CHECK_NOTHROW(check_output_differs(input, tmp.file("other.wav")));
}

// --- analysis ------------------------------------------------------------------------

TEST_CASE("analyze_file reports format, length, and per-channel and overall levels", "[io]") {
  TempFolder tmp;
  const auto path = tmp.file("levels.wav");
  AudioBuffer signal(2, 1000);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    signal.channel(0)[i] = 0.5f;                           // DC: peak 0.5, RMS 0.5
    signal.channel(1)[i] = (i % 2 == 0) ? 0.25f : -0.25f;  // square: peak 0.25, RMS 0.25
  }
  signal.channel(1)[10] = -0.75f;  // one negative spike: the peak is absolute
  write_file(path, signal, wav(SampleFormat::float32), 128, 44100);

  const auto info = analyze_file(path, 7);  // a small chunk size exercises the streaming
  CHECK(info.path == path);
  CHECK(info.format == "WAV (Microsoft), 32 bit float");
  CHECK(info.sample_rate == 44100);
  CHECK(info.channels == 2);
  CHECK(info.frames == 1000);
  CHECK(info.duration_seconds == Approx(1000.0 / 44100.0));
  REQUIRE(info.channel_levels.size() == 2);
  CHECK(info.channel_levels[0].peak == Approx(0.5));
  CHECK(info.channel_levels[0].rms == Approx(0.5));
  const double square_rms = std::sqrt((999 * 0.0625 + 0.5625) / 1000.0);
  CHECK(info.channel_levels[1].peak == Approx(0.75));
  CHECK(info.channel_levels[1].rms == Approx(square_rms));
  CHECK(info.overall.peak == Approx(0.75));
  CHECK(info.overall.rms ==
        Approx(std::sqrt((0.25 * 1000 + square_rms * square_rms * 1000) / 2000)));
  // The chunk size does not change the answer.
  const auto whole = analyze_file(path);
  CHECK(whole.overall.rms == Approx(info.overall.rms).epsilon(1e-12));
}

TEST_CASE("analyze_file of a missing file is an IoError", "[io]") {
  CHECK_THROWS_AS(analyze_file("/tmp/fxgraph-definitely-missing.wav"), IoError);
}

TEST_CASE("to_dbfs converts amplitude to decibels of full scale", "[io]") {
  CHECK(to_dbfs(1.0) == Approx(0.0));
  CHECK(to_dbfs(0.5) == Approx(-6.0206).epsilon(1e-4));
  CHECK(std::isinf(to_dbfs(0.0)));
}
