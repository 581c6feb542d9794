#pragma once
// A private JACK server for tests: `jackd` with the dummy driver (no sound card),
// under a name unique to this test run, so tests never touch a user's own server.
//
//   fxgraph::test::JackServer server;            // started and accepting clients
//   JackBackend backend({.server_name = server.name()});
//
// The constructor returns once a client can connect (or throws with the server log);
// the destructor stops the server and waits for it. The server is started with -R
// (realtime); if that fails it is started again without, as the log notes. If this
// test process dies, the kernel sends the server SIGTERM (PR_SET_PDEATHSIG). The first
// JackServer of a process also frees JACK registry slots that earlier crashed test
// runs left behind (see reclaim_stale_test_servers in the .cpp).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace fxgraph::test {

/// Sets JACK_NO_START_SERVER=1 (no client of this process may start a server behind
/// the tests' back) and routes libjack's messages through a filter that QuietJack can
/// silence. Idempotent; JackServer calls it.
void prepare_jack_test_environment();

/// While one exists, libjack's error and info messages in this process are dropped
/// (e.g. the "cannot connect to server socket" lines of an expected failure).
class QuietJack {
 public:
  QuietJack();
  ~QuietJack();
  QuietJack(const QuietJack&) = delete;
  QuietJack& operator=(const QuietJack&) = delete;
};

/// Serialises JACK use among fxgraph test processes (ctest -j runs several): while
/// one exists in this process, no other test process holds one. JackServer holds one
/// for its whole life; a test that opens JACK clients without a JackServer (e.g. to
/// check the "no server" error) should hold one too. Reentrant within a process.
///
/// Why: jack2 (1.9.21) shares one metadata database per user between all servers and
/// clients, and creating it concurrently from several processes has been seen to
/// corrupt it, after which every JACK server and client of the user dies of SIGBUS.
/// Serialising our own servers and clients avoids that; JackServer also removes the
/// database when no live server uses it, which repairs a corrupted one.
class JackTestLock {
 public:
  JackTestLock();
  ~JackTestLock();
  JackTestLock(const JackTestLock&) = delete;
  JackTestLock& operator=(const JackTestLock&) = delete;
};

struct JackServerOptions {
  std::uint32_t sample_rate = 48000;
  std::uint32_t period = 64;  ///< frames per period (-p)
  std::uint32_t capture_ports = 2;
  std::uint32_t playback_ports = 2;
  bool realtime = true;  ///< -R (falls back to no realtime if jackd refuses)
  /// -S: each period the server waits for every client to finish, so a late client
  /// (a slow machine, a sanitizer build) costs time, never data: what a client reads
  /// is exactly what its upstream wrote that period.
  bool synchronous = true;
  /// How long jackd may take to accept a first client. Usually well under a second,
  /// but a machine busy compiling (ctest -j, parallel builds) can take several.
  std::chrono::milliseconds ready_timeout{15000};
};

class JackServer {
 public:
  explicit JackServer(JackServerOptions options = {});
  ~JackServer();  // kill()
  JackServer(const JackServer&) = delete;
  JackServer& operator=(const JackServer&) = delete;

  /// "fxgraph-test-<pid>-<n>": unique per test process and server.
  const std::string& name() const noexcept { return name_; }
  /// The jackd process id (-1 once stopped).
  pid_t pid() const noexcept { return pid_; }
  /// Where jackd's stdout and stderr go (/tmp/fxgraph-jackd-<name>.log). Removed by
  /// the destructor unless FXGRAPH_KEEP_JACK_LOGS is set.
  const std::string& log_path() const noexcept { return log_path_; }
  /// The log so far.
  std::string log() const;
  /// Whether jackd is still alive.
  bool running();

  /// Graceful stop: SIGTERM, then wait (SIGKILL only if it ignores SIGTERM for 5 s).
  void kill();
  /// Crash simulation: SIGKILL, wait, remove the server's stale socket and semaphore
  /// files from /dev/shm. Its shared memory (~100 MB in /dev/shm) outlives it; the
  /// destructor starts and stops a server of the same name once, which reclaims it
  /// (jackd frees the segments of dead servers when it starts).
  void kill_hard();
  /// After kill() or kill_hard(): starts jackd again under the same name (a server
  /// restart, as clients that reconnect see it); returns once it accepts clients.
  void restart();

 private:
  JackServer(JackServerOptions options, std::string name);  // a given name
  void start(std::string name);
  static void reclaim_stale_test_servers();
  pid_t spawn(bool realtime);
  bool wait_until_ready(std::chrono::milliseconds timeout);
  bool wait_for_exit(std::chrono::milliseconds timeout);
  void remove_stale_files();
  void reclaim_shared_memory();

  JackTestLock lock_;  // first member: taken before the server starts, freed after it stops
  JackServerOptions options_;
  std::string name_;
  std::string log_path_;
  pid_t pid_ = -1;
  bool killed_hard_ = false;
};

/// Makes `server` libjack's default server (JACK_DEFAULT_SERVER) while it exists: for
/// clients that take no server name (PortAudio's JACK host API); child processes
/// inherit it.
class DefaultJackServer {
 public:
  explicit DefaultJackServer(const JackServer& server) {
    ::setenv("JACK_DEFAULT_SERVER", server.name().c_str(), 1);
  }
  ~DefaultJackServer() { ::unsetenv("JACK_DEFAULT_SERVER"); }
  DefaultJackServer(const DefaultJackServer&) = delete;
  DefaultJackServer& operator=(const DefaultJackServer&) = delete;
};

}  // namespace fxgraph::test
