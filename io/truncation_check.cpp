#include "fxgraph/io/truncation_check.h"

#include <sndfile.h>

#include <regex>
#include <sstream>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

std::optional<std::string> truncation_problem(const std::string& path) {
  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  if (!file) throw IoError("cannot open audio file '" + path + "': " + sf_strerror(nullptr));
  // Only libsndfile's parse log tells that it shortened the file.
  std::string log(16384, '\0');
  sf_command(file, SFC_GET_LOG_INFO, log.data(), int(log.size()));
  sf_close(file);
  log.resize(log.find('\0'));

  static const std::regex chunk(R"(^\s*(data|SSND)\s*:\s*(\d+)\s*\(should be (\d+)\))");
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, chunk)) continue;
    const unsigned long long announced = std::stoull(m[2]);
    const unsigned long long present = std::stoull(m[3]);
    // Streaming writers put a placeholder size (0xFFFFFFFF, 0x7FFFF000 …) in the
    // header when they cannot seek back: an unknown length, not a truncation.
    if (announced >= 0x7ffff000ULL) continue;
    if (announced > present)
      return "its " + std::string(m[1]) + " chunk announces " + std::to_string(announced) +
             " bytes of audio but the file holds only " + std::to_string(present) +
             " (the file is truncated)";
  }
  return std::nullopt;
}

}  // namespace fxgraph
