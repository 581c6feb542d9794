#pragma once
// Which file names are audio files, for commands that take whole folders (`fxgraph
// batch data/`): the decision is by extension, from libsndfile's own list of the
// formats it reads (SFC_GET_FORMAT_MAJOR: wav, aiff, au, caf, flac, oga, rf64, w64, voc,
// …), plus the other names files of those formats go by (aif, ogg, opus, snd; mp2 and
// mp3 when the library reads MPEG). Headerless "raw" is left out: it cannot be opened
// without being told its layout.
// Nothing is opened: a file named .wav that is not audio is still taken, and fails
// where it is read, with libsndfile's reason.

#include <string>
#include <string_view>
#include <vector>

namespace fxgraph {

/// The extensions, lower case without the dot ("wav", "flac", …), sorted.
const std::vector<std::string>& audio_file_extensions();

/// Whether `path`'s extension (compared case-insensitively) is one of them.
bool has_audio_file_extension(std::string_view path);

}  // namespace fxgraph
