#include "fxgraph/io/audio_extensions.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace fxgraph {

namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = char(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

std::vector<std::string> list_extensions() {
  // Names people give files whose format libsndfile lists under another extension.
  std::vector<std::string> extensions{"aif", "ogg", "oga", "opus", "snd"};
  int count = 0;
  sf_command(nullptr, SFC_GET_FORMAT_MAJOR_COUNT, &count, sizeof(count));
  for (int i = 0; i < count; ++i) {
    SF_FORMAT_INFO info{};
    info.format = i;
    if (sf_command(nullptr, SFC_GET_FORMAT_MAJOR, &info, sizeof(info)) != 0 || !info.extension)
      continue;
    const int major = info.format & SF_FORMAT_TYPEMASK;
    if (major == SF_FORMAT_RAW) continue;
    extensions.push_back(lower(info.extension));
    if (major == SF_FORMAT_MPEG) extensions.insert(extensions.end(), {"mp2", "mp3"});
  }
  std::sort(extensions.begin(), extensions.end());
  extensions.erase(std::unique(extensions.begin(), extensions.end()), extensions.end());
  return extensions;
}

}  // namespace

const std::vector<std::string>& audio_file_extensions() {
  static const std::vector<std::string> extensions = list_extensions();
  return extensions;
}

bool has_audio_file_extension(std::string_view path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension.size() < 2) return false;
  const std::vector<std::string>& known = audio_file_extensions();
  return std::binary_search(known.begin(), known.end(), lower(extension.substr(1)));
}

}  // namespace fxgraph
