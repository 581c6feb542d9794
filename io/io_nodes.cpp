#include "fxgraph/io/io_nodes.h"

#include "fxgraph/engine/errors.h"
#include "fxgraph/io/file_nodes.h"
#include "fxgraph/io/jack_nodes.h"
#include "fxgraph/io/memory_nodes.h"

namespace fxgraph {

void register_io_nodes(NodeRegistry& registry) {
  registry.add({.name = std::string(MemorySourceNode::kType),
                .aliases = {},
                .summary = "buffers pushed by an embedding program (MemorySourceNode::feed)",
                .options = {{"channels", "output channels", "2"}},
                .factory = [](const NodeOptions& o) {
                  return std::make_shared<MemorySourceNode>(
                      std::uint32_t(o.integer("channels", 2, 1, 64)));
                }});
  registry.add({.name = std::string(MemorySinkNode::kType),
                .aliases = {},
                .summary = "keeps the last block for an embedding program (MemorySinkNode)",
                .options = {},
                .factory = [](const NodeOptions&) { return std::make_shared<MemorySinkNode>(); }});
  for (const auto direction :
       {JackPortNode::Direction::capture, JackPortNode::Direction::playback}) {
    const bool capture = direction == JackPortNode::Direction::capture;
    registry.add({.name = std::string(JackPortNode::type_of(direction)),
                  .aliases = {},
                  .summary = capture ? "JACK capture ports (ports named <id>_1, <id>_2, …)"
                                     : "JACK playback ports (ports named <id>_1, <id>_2, …)",
                  .options = {{"channels", "number of ports", "1"}},
                  .factory = [direction](const NodeOptions& o) {
                    return std::make_shared<JackPortNode>(
                        direction, std::uint32_t(o.integer("channels", 1, 1, 64)));
                  }});
  }
  registry.add({.name = std::string(FileInNode::kType),
                .aliases = {"FileIn"},
                .summary = "an audio file read through libsndfile (any format it reads)",
                .options = {{"path", "the file to read (relative to the YAML file)", "required"},
                            {"resample",
                             "true: convert to the graph's rate if it differs (libsoxr)", "false"}},
                .factory =
                    [](const NodeOptions& o) {
                      const std::string path = o.text("path", "");
                      if (path.empty())
                        throw ConfigError("file_in needs a 'path'" +
                                          (o.where().empty() ? "" : " (" + o.where() + ")"));
                      return std::make_shared<FileInNode>(path,
                                                          o.integer("resample", 0, 0, 1) != 0);
                    },
                .example = {{"path", std::string("speech.wav")}}});
  registry.add({.name = std::string(FileOutNode::kType),
                .aliases = {"FileOut"},
                .summary = "an audio file written through libsndfile (format from the extension)",
                .options = {{"path", "the file to write (relative to the YAML file)", "required"},
                            {"format", "sample format: pcm16, pcm24, pcm32, float, double",
                             "the input's, else pcm24"},
                            {"compression", "FLAC compression level 0-8", "libsndfile's"},
                            {"dither", "TPDF dither when writing pcm16 (true/false)", "true"}},
                .factory =
                    [](const NodeOptions& o) {
                      FileOutOptions options;
                      options.path = o.text("path", "");
                      if (options.path.empty())
                        throw ConfigError("file_out needs a 'path'" +
                                          (o.where().empty() ? "" : " (" + o.where() + ")"));
                      options.sample_format = o.text("format", "");
                      options.dither = o.integer("dither", 1, 0, 1) != 0;
                      if (o.has("compression"))
                        options.flac_compression = int(o.integer("compression", 5, 0, 8));
                      return std::make_shared<FileOutNode>(options);
                    },
                .example = {{"path", std::string("clean.wav")}}});
}

}  // namespace fxgraph
