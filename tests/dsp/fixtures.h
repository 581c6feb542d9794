#pragma once
// Reading the scipy reference fixtures written by tests/dsp/make_fixtures.py (see its
// docstring for the format), plus the comparison the DSP tests share.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fxgraph/engine/audio_view.h"

namespace fxgraph::test::dsp {

inline std::string fixture_dir() {
  return std::string(FXGRAPH_TEST_DATA_DIR) + "/dsp/fixtures";
}

/// A planar float32 fixture file: "FXGF1 channels=C frames=N\n" + C*N little-endian floats.
inline AudioBuffer read_f32(const std::string& file) {
  const std::string path = fixture_dir() + "/" + file;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::string header;
  std::getline(in, header);
  unsigned channels = 0, frames = 0;
  if (std::sscanf(header.c_str(), "FXGF1 channels=%u frames=%u", &channels, &frames) != 2)
    throw std::runtime_error("bad fixture header in " + path + ": " + header);
  AudioBuffer buffer(channels, frames);
  for (unsigned c = 0; c < channels; ++c)
    in.read(reinterpret_cast<char*>(buffer.channel(c)), std::streamsize(frames) * 4);
  if (!in) throw std::runtime_error("fixture " + path + " is shorter than its header says");
  return buffer;
}

/// One line of manifest.txt: a case name and its key=value parameters.
struct FixtureCase {
  std::string name;
  std::map<std::string, std::string> params;

  const std::string& text(const std::string& key) const {
    auto it = params.find(key);
    if (it == params.end()) throw std::runtime_error("fixture " + name + " has no " + key);
    return it->second;
  }
  bool has(const std::string& key) const { return params.count(key) != 0; }
  double number(const std::string& key) const { return std::stod(text(key)); }
  int integer(const std::string& key) const { return std::stoi(text(key)); }
  std::vector<double> numbers(const std::string& key) const {
    std::vector<double> values;
    std::stringstream list(text(key));
    for (std::string item; std::getline(list, item, ',');) values.push_back(std::stod(item));
    return values;
  }
};

inline std::vector<FixtureCase> read_manifest() {
  const std::string path = fixture_dir() + "/manifest.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<FixtureCase> cases;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    FixtureCase c;
    words >> c.name;
    for (std::string word; words >> word;) {
      const auto eq = word.find('=');
      c.params[word.substr(0, eq)] = word.substr(eq + 1);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

inline std::vector<FixtureCase> cases_of(const std::string& design) {
  std::vector<FixtureCase> selected;
  for (FixtureCase& c : read_manifest())
    if (c.text("design") == design) selected.push_back(std::move(c));
  return selected;
}

/// The fixture input restricted to its first `channels` channels.
inline AudioBuffer fixture_input(std::uint32_t channels) {
  AudioBuffer all = read_f32("input.f32");
  AudioBuffer some(channels, all.capacity_frames());
  for (std::uint32_t c = 0; c < channels; ++c)
    std::copy(all.channel(c), all.channel(c) + all.capacity_frames(), some.channel(c));
  return some;
}

/// sqrt(sum (got - want)^2 / sum want^2) over all channels and frames.
inline double relative_rms_error(const AudioBuffer& got, const AudioBuffer& want) {
  double err = 0.0, ref = 0.0;
  for (std::uint32_t c = 0; c < want.num_channels(); ++c)
    for (std::uint32_t n = 0; n < want.capacity_frames(); ++n) {
      const double d = double(got.channel(c)[n]) - double(want.channel(c)[n]);
      err += d * d;
      ref += double(want.channel(c)[n]) * want.channel(c)[n];
    }
  return std::sqrt(err / ref);
}

/// Views of frames [start, start + count) of a buffer (up to 32 channels), for feeding
/// a processor block by block. Holds the channel pointers the view points to.
struct SubView {
  std::array<float*, 32> pointers{};
  AudioView view(AudioBuffer& buffer, std::uint32_t start, std::uint32_t count) {
    for (std::uint32_t c = 0; c < buffer.num_channels() && c < pointers.size(); ++c)
      pointers[c] = buffer.channel(c) + start;
    return {pointers.data(), buffer.num_channels(), count};
  }
};

/// Calls process(block) on consecutive in-place views of `buffer`, of random sizes from
/// 1 to max_block frames (seeded): the streaming half of a block-size invariance test.
template <class Process>
void in_random_blocks(AudioBuffer& buffer, unsigned seed, std::uint32_t max_block,
                      Process&& process) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::uint32_t> block_size(1, max_block);
  SubView sub;
  const std::uint32_t frames = buffer.capacity_frames();
  for (std::uint32_t start = 0; start < frames;) {
    const std::uint32_t n = std::min(block_size(rng), frames - start);
    process(sub.view(buffer, start, n));
    start += n;
  }
}

/// True if both buffers hold the same bits (same shape, every sample ==).
inline bool identical(const AudioBuffer& a, const AudioBuffer& b) {
  if (a.num_channels() != b.num_channels() || a.capacity_frames() != b.capacity_frames())
    return false;
  for (std::uint32_t c = 0; c < a.num_channels(); ++c)
    for (std::uint32_t n = 0; n < a.capacity_frames(); ++n)
      if (a.channel(c)[n] != b.channel(c)[n]) return false;
  return true;
}

/// Seeded Gaussian noise (sigma 0.3), `channels` independent channels.
inline AudioBuffer noise(std::uint32_t channels, std::uint32_t frames, unsigned seed) {
  AudioBuffer buffer(channels, frames);
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 0.3f);
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t n = 0; n < frames; ++n) buffer.channel(c)[n] = gauss(rng);
  return buffer;
}

}  // namespace fxgraph::test::dsp
