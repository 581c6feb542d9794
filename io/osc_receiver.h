#pragma once
// OscReceiver: a UDP socket that receives Open Sound Control messages on a thread of
// its own and hands them, decoded into fixed-size records, to one consumer thread (a
// live session's control thread) through a bounded lock-free queue.
//
// Aims
//   - A flood of messages never blocks anyone: the receiving thread only decodes
//     (liblo's lo_message_deserialise) and pushes; when the queue is full the message
//     is dropped and counted. The consumer is woken through an eventfd it can poll()
//     together with its other file descriptors (wake_fd()).
//   - Bounded memory: the queue's records are fixed-size (address, two arguments,
//     sender), allocated once in the constructor.
//   - Replies go back to a message's sender from the same socket (reply()), so a client
//     sees its answers come from the port it sent to.
//
// Threads
//   - The receiving thread (started by the constructor, stopped by the destructor)
//     reads the socket and pushes. It never touches the audio thread or the engine.
//   - One consumer thread: pop(), drain_wake_fd(), reply().
//   - Any thread: counters(), port(), wake_fd().
//
// What it deliberately does not do
//   - Interpret addresses: that is the session's business (cli/session_osc.cpp).
//   - Bundles, TCP, multicast: a bundle arrives as a message with a `problem`.
//   - Bind through liblo's own server: liblo 0.31 binds UDP servers to every interface
//     whatever address is asked for; this socket binds to the address given (127.0.0.1
//     by default) and uses liblo for the OSC encoding only.

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

namespace fxgraph {

struct OscReceiverOptions {
  std::string bind_address = "127.0.0.1";  ///< a numeric IPv4 or IPv6 address
  std::uint16_t port = 0;                  ///< must be given (0 is refused)
  std::size_t queue_capacity = 4096;       ///< messages waiting for the consumer
};

/// Where a message came from (and where its replies go).
struct OscPeer {
  sockaddr_storage address{};
  socklen_t length = 0;
};

/// One argument of a received message: a number (types f d i h T F), or a string
/// (types s S) in `text`.
struct OscArgument {
  char type = 0;  ///< the OSC type tag
  double number = 0.0;
  std::array<char, 64> text{};  ///< NUL-terminated
};

/// A received message as the consumer sees it.
struct OscMessage {
  static constexpr std::size_t max_arguments = 2;
  std::array<char, 128> address{};  ///< NUL-terminated, e.g. "/drive/gain"
  std::array<char, 8> types{};      ///< the type tags without ',', e.g. "sf"
  std::array<OscArgument, max_arguments> arguments{};
  std::size_t argument_count = 0;
  /// Why the datagram could not be decoded ("not an OSC message" …); empty when it was.
  std::array<char, 96> problem{};
  OscPeer sender;

  std::string_view address_view() const noexcept { return address.data(); }
  std::string_view types_view() const noexcept { return types.data(); }
  bool malformed() const noexcept { return problem[0] != '\0'; }
};

struct OscCounters {
  std::uint64_t received = 0;  ///< datagrams queued for the consumer
  /// Datagrams lost: the queue was full, or the socket's receive buffer overflowed
  /// (the kernel's count, SO_MEMINFO). received + dropped = datagrams that arrived.
  std::uint64_t dropped = 0;
};

/// A value of a reply's argument: a string (s), a 32-bit float (f) or integer (i).
using OscReplyArgument = std::variant<std::string_view, float, std::int32_t>;

class OscReceiver {
 public:
  /// Binds the socket and starts the receiving thread. Throws ConfigError (key "port"
  /// or "bind") when the port is 0, the address is not numeric, or binding fails (the
  /// port is in use …), naming the address and the reason.
  explicit OscReceiver(OscReceiverOptions options);
  ~OscReceiver();
  OscReceiver(const OscReceiver&) = delete;
  OscReceiver& operator=(const OscReceiver&) = delete;

  /// The bound port.
  std::uint16_t port() const noexcept { return port_; }
  /// Readable while messages may be waiting (an eventfd). Consumer: drain_wake_fd()
  /// before pop()ping, so a message pushed meanwhile wakes it again.
  int wake_fd() const noexcept { return wake_fd_; }
  /// Consumer: resets wake_fd() to not readable.
  void drain_wake_fd() noexcept;
  /// Consumer: makes wake_fd() readable again (when it stops popping before the
  /// queue is empty, to come back after other work).
  void rewake() noexcept;
  /// Consumer: the oldest waiting message, if any.
  bool pop(OscMessage& message) noexcept;

  /// Consumer: sends `address` with `arguments` to `to`, from the receiving socket.
  /// Never blocks (a full socket buffer loses the reply); false when not sent.
  bool reply(const OscPeer& to, const char* address,
             const std::vector<OscReplyArgument>& arguments) const;

  OscCounters counters() const noexcept;

 private:
  struct Queue;
  void receive_loop() noexcept;
  void take(const char* data, std::size_t size, const OscPeer& from) noexcept;
  std::uint64_t socket_drops() const noexcept;

  int socket_ = -1;
  int wake_fd_ = -1;
  int stop_fd_ = -1;
  std::uint16_t port_ = 0;
  std::unique_ptr<Queue> queue_;
  OscMessage scratch_;  ///< the receiving thread's record being filled
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> queue_full_{0};
  std::thread thread_;
};

}  // namespace fxgraph
