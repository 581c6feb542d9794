#pragma once
// Presets in a live session: `save FILE` writes every parameter's current value, `load
// FILE` sets them back. A preset is a parameter file, the format of `--params`
// (cli/parameter_settings.h): a YAML map of node.param → value, choices by name.
//
//     # fxgraph preset of 'cli_rig'
//     drive.gain: 2
//     drive.bypass: 0
//     lp.window: hann
//
// Promises
//   - load is all or nothing: every entry is checked (path, value, range) before any is
//     set, and a value a node refuses while setting (a cutoff above Nyquist) undoes the
//     ones set before it. An error names file:line:col and the entry.
//   - save writes a temporary file beside FILE and renames it over FILE, so FILE is
//     either the old preset or the new one, whatever happens (a full disk, an unwritable
//     folder, a crash): never half a preset, and no temporary left behind.
//   - Meters are read-only and not saved. Parameters that are views of one value
//     (gain and gain_db) are both saved; they agree, and the later one wins on load.
// Control thread only, like every session command.

#include <cstddef>
#include <string>

#include "session_commands.h"

namespace fxgraph::cli {

/// Adds `save FILE` and `load FILE` to the session.
void install_presets(SessionCommands& commands);

/// Sets the session's parameters from the preset at `path`, all or nothing (see
/// above); returns how many entries it set. Throws UsageError / ParameterError located
/// at file:line:col. For features that load presets (a MIDI program change).
std::size_t load_preset(SessionCommands& commands, const std::string& path);

/// Writes every parameter of the session to `path` atomically; returns how many.
/// Throws IoError (naming the file and the reason) and leaves `path` as it was.
std::size_t save_preset(SessionCommands& commands, const std::string& path);

}  // namespace fxgraph::cli
