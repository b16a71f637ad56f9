#include "delivery/system_resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

namespace senderid {
namespace {

struct Lookup {
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  Resolution result;
};

Resolution GetAddrInfo(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  Resolution r;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0 || list == nullptr) {
    r.outcome = Resolution::Outcome::kFailed;
    return r;
  }
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    net::IpAddress a;
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      a.family = net::IpAddress::Family::kV4;
      std::memcpy(a.bytes.data(), &sin->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      a.family = net::IpAddress::Family::kV6;
      std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
    } else {
      continue;
    }
    bool seen = false;
    for (const net::IpAddress& b : r.addresses) seen = seen || b == a;
    if (!seen) r.addresses.push_back(a);
  }
  freeaddrinfo(list);
  r.outcome = r.addresses.empty() ? Resolution::Outcome::kFailed : Resolution::Outcome::kResolved;
  return r;
}

}  // namespace

Resolution SystemResolver::Resolve(std::string_view host, TimeMs timeout) {
  Resolution timed_out;
  timed_out.outcome = Resolution::Outcome::kTimedOut;
  if (pending_->fetch_add(1) >= max_pending_) {
    pending_->fetch_sub(1);
    return timed_out;
  }
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, name = std::string(host), pending = pending_] {
    Resolution r = GetAddrInfo(name);
    {
      std::lock_guard lock(lookup->mu);
      lookup->result = std::move(r);
      lookup->done = true;
    }
    lookup->done_cv.notify_all();
    pending->fetch_sub(1);
  }).detach();
  std::unique_lock lock(lookup->mu);
  if (!lookup->done_cv.wait_for(lock, std::chrono::milliseconds(timeout),
                                [&] { return lookup->done; }))
    return timed_out;
  return lookup->result;
}

}  // namespace senderid
