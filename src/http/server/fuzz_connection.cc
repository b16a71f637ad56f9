// ServeConnectionForFuzzing (server.h): the production session over Beast's in-memory test stream,
// on one thread. Offloaded work runs on the same io_context, so a whole connection — parsing,
// limits, the handler's answers, keep-alive, pipelining, error answers — is deterministic.

#include <utility>  // g++ 12 / C++20: must precede <boost/asio.hpp>

#include <boost/beast/_experimental/test/stream.hpp>

#include "http/server/server.h"
#include "http/server/session.h"

namespace senderid::http {

namespace test = boost::beast::test;

template <>
struct StreamOps<test::stream> {
  static constexpr bool kLingers = false;  // nothing more is read after an error answer
  static void ExpiresAt(test::stream&, SteadyClock::time_point) {}
  static void ExpiresAfter(test::stream&, std::chrono::milliseconds) {}
  static void ShutdownSend(test::stream&) {}
  static void Close(test::stream& s) { s.close(); }
  static std::string PeerAddress(test::stream&) { return "192.0.2.1"; }
};

namespace {

class FuzzHost final : public SessionHost {
 public:
  FuzzHost(const ServerOptions& options, Handler& handler)
      : options_(options), handler_(handler), budget_(options.max_body_memory) {}
  void set_workers(asio::any_io_executor workers) { workers_ = std::move(workers); }

  const ServerOptions& options() const override { return options_; }
  Handler& handler() override { return handler_; }
  bool stopping() const override { return false; }
  spdlog::logger* access_log() const override { return nullptr; }
  BodyBudget& body_budget() override { return budget_; }
  asio::any_io_executor workers() override { return workers_; }
  void HandOver(std::function<void()> deliver) override { asio::post(workers_, std::move(deliver)); }
  uint64_t Register(std::weak_ptr<SessionBase>) override { return 1; }
  void Unregister(uint64_t) override {}

 private:
  const ServerOptions& options_;
  Handler& handler_;
  BodyBudget budget_;
  asio::any_io_executor workers_;
};

}  // namespace

std::string ServeConnectionForFuzzing(Handler& handler, const ServerOptions& options,
                                      std::string_view bytes, size_t read_size) {
  FuzzHost host(options, handler);  // outlives the io_context, whose sessions unregister from it
  asio::io_context ioc;
  host.set_workers(ioc.get_executor());
  test::stream conn(ioc);
  test::stream client(ioc);
  conn.connect(client);
  conn.append({bytes.data(), bytes.size()});
  conn.close_remote();  // the client sent everything: then EOF
  if (read_size > 0) conn.read_size(read_size);
  std::make_shared<Session<test::stream>>(std::move(conn), host)->Start();
  ioc.run();
  return std::string(wire::Sv(client.str()));
}

}  // namespace senderid::http
