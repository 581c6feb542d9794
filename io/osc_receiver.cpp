#include "fxgraph/io/osc_receiver.h"

#include <arpa/inet.h>
#include <linux/sock_diag.h>
#include <lo/lo.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <boost/lockfree/spsc_queue.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fxgraph/engine/errors.h"

namespace fxgraph {

struct OscReceiver::Queue {
  explicit Queue(std::size_t capacity) : messages(capacity) {}
  boost::lockfree::spsc_queue<OscMessage> messages;
};

namespace {

/// Copies `text` into a fixed NUL-terminated array; false when it does not fit.
template <std::size_t N>
bool copy_text(std::array<char, N>& to, const char* text) noexcept {
  const std::size_t length = std::strlen(text);
  if (length >= N) return false;
  std::memcpy(to.data(), text, length + 1);
  return true;
}

template <std::size_t N>
void set_problem(std::array<char, N>& problem, const char* text) noexcept {
  std::snprintf(problem.data(), N, "%s", text);
}

/// Parses a numeric IPv4 or IPv6 address with the port; false when not numeric.
bool socket_address(const std::string& text, std::uint16_t port, sockaddr_storage& address,
                    socklen_t& length) {
  address = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

std::uint16_t bound_port(int socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length);
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

/// Fills `argument` from liblo's decoded argument; false for a type the session has
/// no use for (blobs, MIDI, timetags …).
bool decode_argument(char type, const lo_arg& value, OscArgument& argument) noexcept {
  argument.type = type;
  argument.text[0] = '\0';
  switch (type) {
    case LO_FLOAT:
      argument.number = value.f;
      return true;
    case LO_DOUBLE:
      argument.number = value.d;
      return true;
    case LO_INT32:
      argument.number = value.i;
      return true;
    case LO_INT64:
      argument.number = double(value.h);
      return true;
    case LO_TRUE:
      argument.number = 1.0;
      return true;
    case LO_FALSE:
      argument.number = 0.0;
      return true;
    case LO_STRING:
    case LO_SYMBOL:
      return copy_text(argument.text, &value.s);
    default:
      return false;
  }
}

}  // namespace

OscReceiver::OscReceiver(OscReceiverOptions options)
    : queue_(std::make_unique<Queue>(std::max<std::size_t>(options.queue_capacity, 1))) {
  if (options.port == 0)
    throw ConfigError("OSC port 0 is not allowed: give the UDP port to listen on (1-65535)",
                      {.key = "port"});
  sockaddr_storage address{};
  socklen_t length = 0;
  if (!socket_address(options.bind_address, options.port, address, length))
    throw ConfigError("OSC bind address '" + options.bind_address +
                          "' is not a numeric IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1)",
                      {.key = "bind"});
  const std::string where = options.bind_address + ":" + std::to_string(options.port);
  socket_ = ::socket(address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (socket_ < 0)
    throw ConfigError("cannot create a UDP socket for OSC: " + std::string(std::strerror(errno)));
  if (::bind(socket_, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    const int error = errno;
    ::close(socket_);
    throw ConfigError(
        "cannot listen for OSC on UDP " + where + ": " + std::strerror(error) +
            (error == EADDRINUSE ? " (another program uses that port; choose another)" : ""),
        {.key = "port"});
  }
  // A bigger receive buffer rides out bursts while this thread waits for a core (the
  // kernel caps it at net.core.rmem_max; failing is harmless).
  const int buffer_bytes = 1 << 20;
  ::setsockopt(socket_, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  port_ = bound_port(socket_);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0 || stop_fd_ < 0) {
    for (int fd : {socket_, wake_fd_, stop_fd_})
      if (fd >= 0) ::close(fd);
    throw ConfigError("cannot create an eventfd for OSC: " + std::string(std::strerror(errno)));
  }
  thread_ = std::thread([this] { receive_loop(); });
}

OscReceiver::~OscReceiver() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  for (int fd : {socket_, wake_fd_, stop_fd_}) ::close(fd);
}

void OscReceiver::receive_loop() noexcept {
  // Room for the largest UDP payload, allocated once as the thread starts.
  static constexpr std::size_t max_datagram = 65536;
  std::vector<char> buffer(max_datagram);
  for (;;) {
    pollfd fds[2] = {{socket_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents & POLLIN) return;
    for (;;) {  // everything waiting, then back to poll()
      OscPeer from;
      iovec data{buffer.data(), buffer.size()};
      msghdr header{};
      header.msg_name = &from.address;
      header.msg_namelen = sizeof from.address;
      header.msg_iov = &data;
      header.msg_iovlen = 1;
      const ssize_t size = ::recvmsg(socket_, &header, 0);
      if (size < 0) break;  // EAGAIN: nothing more for now
      from.length = header.msg_namelen;
      take(buffer.data(), std::size_t(size), from);
    }
  }
}

void OscReceiver::take(const char* data, std::size_t size, const OscPeer& from) noexcept {
  OscMessage& message = scratch_;
  message.address[0] = '\0';
  message.types[0] = '\0';
  message.problem[0] = '\0';
  message.argument_count = 0;
  message.sender = from;
  // lo_message_deserialise validates the whole datagram (padding, type tags, sizes)
  // before anything is read from it.
  int result = 0;
  lo_message decoded = size > 0 && data[0] == '/'
                           ? lo_message_deserialise(const_cast<char*>(data), size, &result)
                           : nullptr;
  if (size >= 8 && std::memcmp(data, "#bundle", 8) == 0) {
    set_problem(message.problem, "OSC bundles are not supported; send plain messages");
  } else if (decoded == nullptr) {
    set_problem(message.problem, "not an OSC message (malformed datagram)");
  } else {
    const char* address = lo_get_path(const_cast<char*>(data), ssize_t(size));
    const char* types = lo_message_get_types(decoded);
    const int count = lo_message_get_argc(decoded);
    lo_arg** values = lo_message_get_argv(decoded);
    if (address == nullptr || !copy_text(message.address, address)) {
      set_problem(message.problem, "OSC address too long (at most 127 characters)");
    } else if (std::size_t(count) > OscMessage::max_arguments || !copy_text(message.types, types)) {
      set_problem(message.problem, "too many arguments (at most 2)");
    } else {
      message.argument_count = std::size_t(count);
      for (int i = 0; i < count; ++i)
        if (!decode_argument(types[i], *values[i], message.arguments[std::size_t(i)])) {
          set_problem(message.problem,
                      "unsupported argument type (numbers: f d i h T F; text: s, at most 63 "
                      "characters)");
          break;
        }
    }
  }
  if (decoded != nullptr) lo_message_free(decoded);
  if (queue_->messages.push(message)) {
    received_.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
  } else {
    queue_full_.fetch_add(1, std::memory_order_relaxed);
  }
}

void OscReceiver::drain_wake_fd() noexcept {
  std::uint64_t value = 0;
  [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &value, sizeof value);
}

void OscReceiver::rewake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

bool OscReceiver::pop(OscMessage& message) noexcept {
  return queue_->messages.pop(message);
}

bool OscReceiver::reply(const OscPeer& to, const char* address,
                        const std::vector<OscReplyArgument>& arguments) const {
  lo_message message = lo_message_new();
  for (const OscReplyArgument& argument : arguments) {
    if (const auto* text = std::get_if<std::string_view>(&argument))
      lo_message_add_string(message, std::string(*text).c_str());
    else if (const auto* number = std::get_if<float>(&argument))
      lo_message_add_float(message, *number);
    else
      lo_message_add_int32(message, std::get<std::int32_t>(argument));
  }
  std::size_t size = 0;
  void* data = lo_message_serialise(message, address, nullptr, &size);
  const ssize_t sent = data == nullptr
                           ? -1
                           : ::sendto(socket_, data, size, MSG_DONTWAIT,
                                      reinterpret_cast<const sockaddr*>(&to.address), to.length);
  std::free(data);
  lo_message_free(message);
  return sent == ssize_t(size);
}

std::uint64_t OscReceiver::socket_drops() const noexcept {
  // The kernel's count of datagrams this socket lost (its receive buffer was full),
  // read when asked: a count carried by received datagrams (SO_RXQ_OVFL) would miss
  // the losses after the last datagram that got through.
  std::uint32_t info[SK_MEMINFO_VARS] = {};
  socklen_t length = sizeof info;
  if (::getsockopt(socket_, SOL_SOCKET, SO_MEMINFO, info, &length) != 0) return 0;
  return info[SK_MEMINFO_DROPS];
}

OscCounters OscReceiver::counters() const noexcept {
  return {.received = received_.load(std::memory_order_relaxed),
          .dropped = queue_full_.load(std::memory_order_relaxed) + socket_drops()};
}

}  // namespace fxgraph
