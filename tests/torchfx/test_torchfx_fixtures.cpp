// Each torchfx-named type against what torchfx computes for it: the expected outputs in
// tests/torchfx/fixtures/ come from tests/torchfx/make_fixtures.py (torchfx's own
// definitions: SciPy designs filtered with sosfilt, torchfx's float32 formulas for
// Gain, Reverb and Delay), for torchfx's test-suite settings and the seed's examples.
//
// Tolerances: Gain, Reverb and Delay repeat torchfx's float32 arithmetic, so they agree
// to 1e-6 (a rounding or two of a contracted multiply-add). The filters run in float (as
// torchfx does on float32 tensors) against a float64 reference: 2e-5 absolute on noise
// of RMS 0.25, which a wrong order, ripple, gain, window or cutoff exceeds by orders of
// magnitude.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fxgraph/engine/engine.h"
#include "fxgraph/graphs/catalog.h"

using namespace fxgraph;

namespace {

std::string fixture_path(const std::string& file) {
  return std::string(FXGRAPH_TEST_DATA_DIR) + "/torchfx/fixtures/" + file;
}

AudioBuffer read_f32(const std::string& file) {
  std::ifstream in(fixture_path(file), std::ios::binary);
  REQUIRE(in);
  std::string header;
  std::getline(in, header);
  unsigned channels = 0, frames = 0;
  REQUIRE(std::sscanf(header.c_str(), "FXGF1 channels=%u frames=%u", &channels, &frames) == 2);
  AudioBuffer buffer(channels, frames);
  for (unsigned c = 0; c < channels; ++c)
    in.read(reinterpret_cast<char*>(buffer.channel(c)), std::streamsize(frames) * 4);
  REQUIRE(in);
  return buffer;
}

struct Case {
  std::string name;
  std::string cls;
  double fs = 48000.0;
  std::map<std::string, OptionValue> settings;  // the class's keyword arguments
};

std::vector<Case> manifest() {
  std::vector<Case> cases;
  std::ifstream in(fixture_path("manifest.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    Case c;
    words >> c.name;
    for (std::string word; words >> word;) {
      const auto eq = word.find('=');
      const std::string key = word.substr(0, eq), value = word.substr(eq + 1);
      if (key == "class") {
        c.cls = value;
      } else if (key == "fs") {
        c.fs = std::stod(value);
      } else if (value == "true" || value == "false") {
        c.settings[key] = value == "true" ? 1.0 : 0.0;
      } else if (value.find(',') != std::string::npos) {
        std::vector<double> list;
        std::istringstream items(value);
        for (std::string item; std::getline(items, item, ',');) list.push_back(std::stod(item));
        c.settings[key] = list;
      } else {
        char* end = nullptr;
        const double number = std::strtod(value.c_str(), &end);
        c.settings[key] = *end == '\0' ? OptionValue(number) : OptionValue(value);
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace

TEST_CASE("torchfx-named types give torchfx's output for its test settings", "[torchfx]") {
  static const std::vector<Case> cases = manifest();
  REQUIRE(cases.size() >= 20);
  const AudioBuffer input = read_f32("input.f32");
  for (const Case& c : cases) {
    CAPTURE(c.name, c.cls);
    const AudioBuffer expected = read_f32(c.name + ".f32");
    const NodeType* type = builtin_registry().find(c.cls);
    REQUIRE(type != nullptr);
    CHECK(type->name == c.cls);
    CHECK(!type->torchfx_module.empty());
    auto node = builtin_registry().create(c.cls, NodeOptions(c.settings));
    Engine engine(Graph::chain({node}),
                  {.sample_rate = c.fs, .max_block = 256, .input_channels = 2});
    // LogFilterBank gives a channel group per band; the rest as many channels as in.
    const std::uint32_t channels = expected.num_channels();
    REQUIRE(engine.output_channels() == channels);
    AudioBuffer out(channels, input.capacity_frames());
    // Blocks of 256 (and a short last one): the state carries over as in one tensor.
    for (std::uint32_t offset = 0; offset < input.capacity_frames(); offset += 256) {
      const std::uint32_t n = std::min<std::uint32_t>(256, input.capacity_frames() - offset);
      const float* in_pointers[2] = {input.channel(0) + offset, input.channel(1) + offset};
      std::vector<float*> out_pointers(channels);
      for (std::uint32_t ch = 0; ch < channels; ++ch) out_pointers[ch] = out.channel(ch) + offset;
      engine.process(ConstAudioView{in_pointers, 2, n},
                     AudioView{out_pointers.data(), channels, n});
    }
    const bool filter = type->torchfx_module == "filter";
    const double tolerance = filter ? 2e-5 : 1e-6;
    double worst = 0.0;
    for (std::uint32_t ch = 0; ch < channels; ++ch)
      for (std::uint32_t i = 0; i < input.capacity_frames(); ++i)
        worst = std::max(worst, std::fabs(double(out.channel(ch)[i]) - expected.channel(ch)[i]));
    CAPTURE(worst);
    CHECK(worst <= tolerance);
  }
}
