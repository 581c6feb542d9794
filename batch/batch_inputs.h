#pragma once
// The INPUTS of a batch — files, folders, globs and @lists — expanded to the files to
// process, each with the path its output takes under the output folder.
//
// What each argument gives
//   FILE        the file, whatever its extension (the user named it). Its output path
//               mirrors its path relative to the current folder when it lies below it
//               ("data/a/x.wav" → OUT/data/a/x.wav), else its name alone.
//   FOLDER      every audio file below it, recursively, mirrored relative to the folder
//               ("data/" holding a/x.wav → OUT/a/x.wav). Audio files are told by their
//               extension, from libsndfile's list of formats (io/audio_extensions.h);
//               other files are counted as ignored. Names starting with '.' (hidden
//               files and folders, fxgraph's own temporaries) are not entered, nor are
//               symbolic links to folders, nor the folder given as `skip_folder` (the
//               output folder, when it lies inside an input folder).
//   GLOB        a pattern with * ? [ ] (quoted, so the shell leaves it to fxgraph —
//               useful past the shell's argument limit): each match as a FILE or FOLDER
//               above. A pattern that matches nothing is an error.
//   @LIST       a text file of paths, one per line, each a FILE or FOLDER above
//               (relative to the current folder, like xargs); empty lines and lines
//               starting with '#' are skipped. No globs inside (names may hold '*').
// A file reached twice (a folder and a file inside it) is taken once, the first time.
// A path that does not exist is an error before any work starts, as is an unreadable
// folder or list: ConfigError naming it (`fxgraph batch` exits 2).

#include <cstddef>
#include <string>
#include <vector>

namespace fxgraph {

struct BatchInput {
  std::string path;      ///< as it is opened
  std::string relative;  ///< where its output goes below the output folder ('/'-separated)
};

struct ExpandedInputs {
  std::vector<BatchInput> inputs;  ///< in the order found (folders in sorted order)
  std::size_t ignored = 0;         ///< files in folders that are not audio files
};

struct ExpandOptions {
  std::string skip_folder;  ///< a folder never searched (the output folder); "" for none
};

/// Expands `arguments` as above. Throws ConfigError.
ExpandedInputs expand_inputs(const std::vector<std::string>& arguments,
                             const ExpandOptions& options = {});

}  // namespace fxgraph
