#pragma once
// From expanded inputs to the batch's work list: each input's output path, the checks
// that must pass before any file is written, and the shard a machine takes.
//
// Output paths
//   OUT/<relative path of the input>, with the name's extension replaced by the output
//   container's (`--format flac` → .flac) and `suffix` added before it
//   (`--suffix _hp`: a/x.wav → a/x_hp.wav). Without a container the input's extension
//   stays when fxgraph writes that container (x.flac → x.flac), else it becomes .wav
//   (x.mp3 → x.wav).
// Checks (ConfigError, before any work)
//   two inputs whose outputs are the same path (a/x.wav and a/x.flac with --format wav),
//   and an output that is one of the inputs (OUT inside an input folder, no suffix).
// Order and shards
//   The list is sorted by the mirrored path (byte order), which does not depend on where
//   the data is mounted nor on the order of the arguments. Shard K/N takes the entries at
//   positions K-1, K-1+N, K-1+2N, … of that list: the N shards partition the list
//   exactly and differ in size by at most one file, and interleaving spreads a folder of
//   long files over all shards. Every machine must see the same list (the same files).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fxgraph/batch/batch_inputs.h"
#include "fxgraph/io/file_format.h"

namespace fxgraph {

struct BatchFile {
  std::string input;
  std::string output;
  std::string relative;  ///< the input's mirrored path (the sort key)
};

struct OutputNaming {
  std::string out_dir;
  std::optional<ContainerFormat> container;  ///< nullopt: keep the input's (see above)
  std::string suffix;                        ///< added to each name before the extension
};

/// The work list for `inputs`, sorted as above. Throws ConfigError for the checks above.
std::vector<BatchFile> plan_outputs(const std::vector<BatchInput>& inputs,
                                    const OutputNaming& naming);

/// ".wav", ".flac", … for a container.
std::string extension_for(ContainerFormat container);

/// A shard of a batch: the index-th (1-based) of count.
struct Shard {
  std::uint32_t index = 1;
  std::uint32_t count = 1;
};

/// Parses "K/N" (1 ≤ K ≤ N). Throws ConfigError naming --shard.
Shard parse_shard(std::string_view text);

/// The entries of the sorted `files` that belong to `shard`, in order.
std::vector<BatchFile> select_shard(const std::vector<BatchFile>& files, Shard shard);

}  // namespace fxgraph
