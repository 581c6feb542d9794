#include "fxgraph/engine/errors.h"

namespace fxgraph {

std::string SourceLocation::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Error::Error(std::string message, ErrorContext context)
    : std::runtime_error(message),
      details_(std::make_shared<const Details>(Details{std::move(message), std::move(context)})) {}

const char* Error::what() const noexcept {
  return details_->message.c_str();
}

const ErrorContext& Error::context() const noexcept {
  return details_->context;
}

Error::Details& Error::writable() {
  // Copy on write: a copy of this error made earlier keeps what it saw.
  auto own = std::make_shared<Details>(*details_);
  Details& details = *own;
  details_ = std::move(own);
  return details;
}

void Error::add_context(const ErrorContext& more) {
  ErrorContext& context = writable().context;
  if (context.node.empty()) context.node = more.node;
  if (context.edge.empty()) context.edge = more.edge;
  if (context.key.empty()) {
    context.key = more.key;
    context.key_part = more.key_part;
  }
  if (!context.has_location()) context.location = more.location;
}

void Error::locate_at(SourceLocation location) {
  if (context().has_location()) return;
  Details& details = writable();
  details.message = location.str() + ": " + details.message;
  details.context.location = std::move(location);
}

void Error::prefix_message(std::string_view prefix) {
  Details& details = writable();
  details.message.insert(0, prefix);
}

}  // namespace fxgraph
