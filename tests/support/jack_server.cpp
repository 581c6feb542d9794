#include "support/jack_server.h"

#include <fcntl.h>
#include <jack/jack.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace fxgraph::test {

namespace {

std::atomic<int> g_quiet{0};

void filtered_jack_message(const char* message) {
  if (g_quiet.load() > 0) return;
  std::fprintf(stderr, "%s\n", message);
}

std::string find_jackd() {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      std::string candidate = (dir.empty() ? "." : dir) + "/jackd";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "/usr/bin/jackd";
}

void append_to(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text << std::flush;
}

bool alive(long pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH);
}

struct RegisteredServer {
  std::string name;
  long pid;
};

// The servers of this user in JACK's shared-memory registry. Each slot is
// {pid_t pid; char name[]} with name "jack-<uid>:<server>:"; entries outlive servers
// that were killed (see reclaim_stale_test_servers).
std::vector<RegisteredServer> registered_servers() {
  std::vector<RegisteredServer> servers;
  std::ifstream file("/dev/shm/jack-shm-registry", std::ios::binary);
  const std::string registry{std::istreambuf_iterator<char>(file), {}};
  const std::string prefix = "jack-" + std::to_string(::getuid()) + ":";
  for (auto at = registry.find(prefix); at != std::string::npos;
       at = registry.find(prefix, at + 1)) {
    const auto name_at = at + prefix.size();
    const auto name_end = registry.find(':', name_at);
    if (at < sizeof(std::int32_t) || name_end == std::string::npos) continue;
    std::int32_t pid = 0;
    std::memcpy(&pid, registry.data() + at - sizeof pid, sizeof pid);
    servers.push_back({registry.substr(name_at, name_end - name_at), pid});
  }
  return servers;
}

// jack2 keeps a Berkeley DB environment for JACK metadata in /dev/shm/jack_db-<uid>,
// shared by every server and client of the user and created by whichever comes first.
// A process that dies while creating it can leave a region file truncated; from then
// on every JACK server and client that maps it dies of SIGBUS, until the directory is
// removed. With no live server registered nothing relies on it: remove it, and the
// next server creates it afresh.
void remove_unused_metadata_environment() {
  for (const RegisteredServer& server : registered_servers())
    if (alive(server.pid)) return;
  std::error_code ec;
  std::filesystem::remove_all("/dev/shm/jack_db-" + std::to_string(::getuid()), ec);
}

std::mutex g_lock_mutex;
int g_lock_depth = 0;
int g_lock_fd = -1;

}  // namespace

JackTestLock::JackTestLock() {
  std::lock_guard<std::mutex> guard(g_lock_mutex);
  if (g_lock_depth++ > 0) return;
  g_lock_fd = ::open("/tmp/fxgraph-jack-tests.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (g_lock_fd < 0) return;  // unlocked, as before this lock existed; better than failing
  while (::flock(g_lock_fd, LOCK_EX) != 0 && errno == EINTR) {
  }
}

JackTestLock::~JackTestLock() {
  std::lock_guard<std::mutex> guard(g_lock_mutex);
  if (--g_lock_depth > 0 || g_lock_fd < 0) return;
  ::flock(g_lock_fd, LOCK_UN);
  ::close(g_lock_fd);
  g_lock_fd = -1;
}

void prepare_jack_test_environment() {
  static std::once_flag once;
  std::call_once(once, [] {
    ::setenv("JACK_NO_START_SERVER", "1", 1);
    jack_set_error_function(&filtered_jack_message);
    jack_set_info_function(&filtered_jack_message);
  });
}

QuietJack::QuietJack() {
  prepare_jack_test_environment();
  ++g_quiet;
}
QuietJack::~QuietJack() {
  --g_quiet;
}

JackServer::JackServer(JackServerOptions options) : options_(options) {
  prepare_jack_test_environment();
  remove_unused_metadata_environment();
  reclaim_stale_test_servers();
  static std::atomic<int> counter{0};
  start("fxgraph-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

JackServer::JackServer(JackServerOptions options, std::string name) : options_(options) {
  prepare_jack_test_environment();
  start(std::move(name));
}

void JackServer::start(std::string name) {
  name_ = std::move(name);
  log_path_ = "/tmp/fxgraph-jackd-" + name_ + ".log";
  std::ofstream(log_path_, std::ios::trunc).close();

  pid_ = spawn(options_.realtime);
  if (wait_until_ready(options_.ready_timeout)) return;
  if (options_.realtime && !running()) {
    append_to(log_path_,
              "\n[fxgraph test] jackd -R exited early (no realtime permission?); "
              "starting it again without realtime scheduling\n");
    pid_ = spawn(false);
    if (wait_until_ready(options_.ready_timeout)) return;
  }
  kill_hard();
  throw std::runtime_error("jackd server '" + name_ + "' did not accept clients within " +
                           std::to_string(options_.ready_timeout.count()) + " ms. Log (" +
                           log_path_ + "):\n" + log());
}

void JackServer::reclaim_stale_test_servers() {
  // JACK's shared-memory registry has room for 8 servers per machine. An entry is
  // freed when its server exits cleanly, or when a server of the same name starts
  // after it died. A test server killed with SIGKILL whose test process died before
  // the destructor could reclaim it (see kill_hard) would hold its slot forever; a
  // few of those and no JACK server starts at all. So, once per test process: find
  // entries "jack-<uid>:fxgraph-test-<test pid>-<n>:" whose server and test process
  // are both gone, and start and stop a server of that name to free them.
  static bool done = false;
  if (done) return;
  done = true;
  const std::string test_prefix = "fxgraph-test-";
  for (const RegisteredServer& server : registered_servers()) {
    if (server.name.rfind(test_prefix, 0) != 0) continue;
    const long test_pid = std::atol(server.name.c_str() + test_prefix.size());
    if (alive(server.pid) || alive(test_pid)) continue;
    const std::string& name = server.name;
    try {
      JackServer janitor({.realtime = false, .synchronous = false}, name);
    } catch (const std::exception&) {
      // Best effort.
    }
  }
}

JackServer::~JackServer() {
  kill();
  if (killed_hard_) reclaim_shared_memory();
  if (std::getenv("FXGRAPH_KEEP_JACK_LOGS") == nullptr) ::unlink(log_path_.c_str());
}

pid_t JackServer::spawn(bool realtime) {
  // Everything the child needs is built before fork(): between fork() and exec() a
  // child of a multithreaded process may only make async-signal-safe calls.
  const std::string jackd = find_jackd();
  std::vector<std::string> args = {jackd, "-n", name_, realtime ? "-R" : "-r"};
  if (options_.synchronous) args.push_back("-S");
  args.insert(args.end(), {"-d", "dummy"});
  for (auto [flag, value] : {std::pair{"-r", options_.sample_rate},
                             {"-p", options_.period},
                             {"-C", options_.capture_ports},
                             {"-P", options_.playback_ports}}) {
    args.push_back(flag);
    args.push_back(std::to_string(value));
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "JACK_PROMISCUOUS_SERVER=", 24) != 0) envp.push_back(*e);
  envp.push_back(nullptr);

  std::string command;
  for (const std::string& a : args) command += a + " ";
  append_to(log_path_, "[fxgraph test] starting: " + command + "\n");

  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork() failed: " + std::string(std::strerror(errno)));
  if (child == 0) {
    // The server must not outlive the tests, even if they crash.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) ::_exit(127);
    ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    // Do not hand this process's descriptors (e.g. sockets to other JACK servers) on.
    for (int fd = 3; fd < 4096; ++fd) ::close(fd);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return child;
}

bool JackServer::wait_until_ready(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return false;
    {
      QuietJack quiet;  // "cannot connect" is expected until the server is up
      jack_status_t status;
      jack_client_t* client = jack_client_open(
          "fxgraph-test-ready", static_cast<jack_options_t>(JackNoStartServer | JackServerName),
          &status, name_.c_str());
      if (client != nullptr) {
        jack_client_close(client);
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool JackServer::running() {
  if (pid_ < 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) {
    std::ostringstream note;
    note << "\n[fxgraph test] jackd exited: ";
    if (WIFEXITED(status)) note << "status " << WEXITSTATUS(status) << "\n";
    if (WIFSIGNALED(status)) note << "signal " << WTERMSIG(status) << "\n";
    append_to(log_path_, note.str());
  }
  pid_ = -1;
  return false;
}

bool JackServer::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void JackServer::kill() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  if (wait_for_exit(std::chrono::seconds(5))) return;
  append_to(log_path_, "\n[fxgraph test] jackd ignored SIGTERM for 5 s; sending SIGKILL\n");
  kill_hard();
}

void JackServer::kill_hard() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(std::chrono::seconds(5));
    killed_hard_ = true;
  }
  remove_stale_files();
}

void JackServer::restart() {
  kill();
  killed_hard_ = false;  // the new server reclaims the old one's shared memory
  append_to(log_path_, "\n[fxgraph test] restarting the server under the same name\n");
  start(name_);
}

void JackServer::reclaim_shared_memory() {
  append_to(log_path_, "\n[fxgraph test] starting a server once more to reclaim shared memory\n");
  killed_hard_ = false;
  try {
    pid_ = spawn(false);
  } catch (const std::exception&) {
    return;  // best effort: the next jackd to start reclaims it anyway
  }
  wait_until_ready(options_.ready_timeout);
  kill();
}

void JackServer::remove_stale_files() {
  // jackd's sockets are /dev/shm/jack_<server>_<uid>_<n>, its semaphores
  // /dev/shm/jack_sem.<uid>_<server>_<what>. A clean exit removes them; SIGKILL does not.
  const std::string uid = std::to_string(::getuid());
  const std::string socket_prefix = "jack_" + name_ + "_";
  const std::string semaphore_prefix = "jack_sem." + uid + "_" + name_ + "_";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind(socket_prefix, 0) == 0 || file.rfind(semaphore_prefix, 0) == 0)
      std::filesystem::remove(entry.path(), ec);
  }
}

std::string JackServer::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace fxgraph::test
