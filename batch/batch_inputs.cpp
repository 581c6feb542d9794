#include "fxgraph/batch/batch_inputs.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/audio_extensions.h"

namespace fxgraph {

namespace fs = std::filesystem;

namespace {

constexpr const char* kInputsKey = "INPUTS";

[[noreturn]] void fail(const std::string& message) {
  throw ConfigError(message, {.key = kInputsKey});
}

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

bool has_glob_characters(const std::string& text) {
  return text.find_first_of("*?[") != std::string::npos;
}

/// A file's mirrored path: relative to the current folder when below it, else its name.
std::string relative_to_current_folder(const fs::path& file) {
  std::error_code ec;
  const fs::path here = fs::current_path(ec);
  const fs::path absolute = fs::absolute(file, ec).lexically_normal();
  if (!here.empty()) {
    const fs::path relative = absolute.lexically_relative(here);
    if (!relative.empty() && *relative.begin() != ".." && relative != ".")
      return relative.generic_string();
  }
  return file.filename().generic_string();
}

class Expander {
 public:
  explicit Expander(const ExpandOptions& options) {
    std::error_code ec;
    if (!options.skip_folder.empty() && fs::is_directory(options.skip_folder, ec))
      skip_folder_ = fs::canonical(options.skip_folder, ec);
  }

  void argument(const std::string& text) {
    if (text.size() > 1 && text.front() == '@') return list(text.substr(1));
    std::error_code ec;
    if (!fs::exists(text, ec) && has_glob_characters(text)) return pattern(text);
    path(text);
  }

  ExpandedInputs result() && {
    if (!missing_.empty()) {
      std::string names;
      for (std::size_t i = 0; i < missing_.size() && i < 5; ++i)
        names += (i ? ", '" : "'") + missing_[i] + "'";
      if (missing_.size() > 5) names += " and " + std::to_string(missing_.size() - 5) + " more";
      fail("no such file or folder: " + names);
    }
    return std::move(found_);
  }

 private:
  void path(const std::string& text) {
    std::error_code ec;
    const fs::file_status status = fs::status(text, ec);
    if (!fs::exists(status)) {
      missing_.push_back(text);
    } else if (fs::is_directory(status)) {
      folder(text);
    } else {
      add(text, relative_to_current_folder(text));
    }
  }

  void folder(const fs::path& root) {
    std::vector<std::pair<std::string, std::string>> files;  // (relative, path)
    std::error_code ec;
    fs::recursive_directory_iterator it(root, ec), end;
    if (ec) fail("cannot read folder '" + root.string() + "': " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) fail("cannot read folder '" + root.string() + "': " + ec.message());
      const fs::directory_entry& entry = *it;
      if (is_hidden(entry.path())) {
        if (entry.is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (entry.is_directory(ec)) {
        if (entry.is_symlink(ec) || is_skipped(entry.path())) it.disable_recursion_pending();
        continue;
      }
      if (!has_audio_file_extension(entry.path().string())) {
        ++found_.ignored;
        continue;
      }
      files.emplace_back(entry.path().lexically_relative(root).generic_string(),
                         entry.path().string());
    }
    if (ec) fail("cannot read folder '" + root.string() + "': " + ec.message());
    std::sort(files.begin(), files.end());  // directory order is the file system's
    for (const auto& [relative, file] : files) add(file, relative);
  }

  void pattern(const std::string& text) {
    glob_t matches{};
    const int status = ::glob(text.c_str(), 0, nullptr, &matches);
    std::vector<std::string> paths(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
    ::globfree(&matches);
    if (status == GLOB_NOMATCH || paths.empty()) fail("'" + text + "' matches no file");
    if (status != 0) fail("cannot expand '" + text + "': a folder could not be read");
    for (const std::string& match : paths) path(match);
  }

  void list(const std::string& list_path) {
    std::ifstream file(list_path);
    if (!file) fail("cannot read the list '" + list_path + "'");
    std::string line;
    while (std::getline(file, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line.front() == '#') continue;
      path(line);
    }
  }

  bool is_skipped(const fs::path& folder) const {
    std::error_code ec;
    return !skip_folder_.empty() && fs::equivalent(folder, skip_folder_, ec);
  }

  void add(const std::string& file, std::string relative) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(file, ec);
    if (ec) key = fs::absolute(file, ec).lexically_normal();
    if (!seen_.insert(key.string()).second) return;
    found_.inputs.push_back({file, std::move(relative)});
  }

  fs::path skip_folder_;
  ExpandedInputs found_;
  std::set<std::string> seen_;
  std::vector<std::string> missing_;
};

}  // namespace

ExpandedInputs expand_inputs(const std::vector<std::string>& arguments,
                             const ExpandOptions& options) {
  Expander expander(options);
  for (const std::string& argument : arguments) expander.argument(argument);
  return std::move(expander).result();
}

}  // namespace fxgraph
