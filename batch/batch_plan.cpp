#include "fxgraph/batch/batch_plan.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

namespace fs = std::filesystem;

namespace {

std::string canonical_key(const std::string& path) {
  std::error_code ec;
  fs::path key = fs::weakly_canonical(path, ec);
  if (ec) key = fs::absolute(path, ec).lexically_normal();
  return key.string();
}

/// The output's path below the output folder, for one input.
std::string output_relative(const BatchInput& input, const OutputNaming& naming) {
  fs::path relative(input.relative);
  std::string extension;
  if (naming.container) {
    extension = extension_for(*naming.container);
  } else {
    try {
      (void)container_from_path(input.path);
      extension = relative.extension().string();
    } catch (const IoError&) {
      extension = extension_for(ContainerFormat::wav);
    }
  }
  const std::string name = relative.stem().string() + naming.suffix + extension;
  return (relative.parent_path() / name).generic_string();
}

bool parse_count(std::string_view text, std::uint32_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string extension_for(ContainerFormat container) {
  return "." + std::string(to_string(container));
}

std::vector<BatchFile> plan_outputs(const std::vector<BatchInput>& inputs,
                                    const OutputNaming& naming) {
  std::vector<BatchFile> files;
  files.reserve(inputs.size());
  std::map<std::string, std::string> input_of_output;  // relative output → input
  std::set<std::string> input_keys;
  for (const BatchInput& input : inputs) input_keys.insert(canonical_key(input.path));
  for (const BatchInput& input : inputs) {
    const std::string relative = output_relative(input, naming);
    const auto [it, fresh] = input_of_output.emplace(relative, input.path);
    if (!fresh)
      throw ConfigError("inputs '" + it->second + "' and '" + input.path +
                            "' would both be written to '" + relative +
                            "' in the output folder; rename one, or tell them apart with "
                            "--format or --suffix",
                        {.key = "INPUTS"});
    const std::string output = (fs::path(naming.out_dir) / relative).string();
    if (input_keys.count(canonical_key(output)))
      throw ConfigError("output '" + output +
                            "' would overwrite the input of that name; choose "
                            "an --out-dir outside the inputs or give a --suffix",
                        {.key = "--out-dir"});
    files.push_back({input.path, output, input.relative});
  }
  std::sort(files.begin(), files.end(),
            [](const BatchFile& a, const BatchFile& b) { return a.relative < b.relative; });
  return files;
}

Shard parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !parse_count(text.substr(0, slash), shard.index) ||
      !parse_count(text.substr(slash + 1), shard.count) || shard.count == 0 || shard.index == 0 ||
      shard.index > shard.count)
    throw ConfigError(
        "--shard takes K/N with 1 <= K <= N (e.g. 2/8), not '" + std::string(text) + "'",
        {.key = "--shard"});
  return shard;
}

std::vector<BatchFile> select_shard(const std::vector<BatchFile>& files, Shard shard) {
  std::vector<BatchFile> selected;
  for (std::size_t i = shard.index - 1; i < files.size(); i += shard.count)
    selected.push_back(files[i]);
  return selected;
}

}  // namespace fxgraph
