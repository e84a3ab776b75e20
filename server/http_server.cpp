#include "http_server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

// Individual headers: <boost/asio.hpp> does not compile as C++20 with Boost 1.74.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "medsearch/json_codec.hpp"
#include "medsearch/log.hpp"

namespace medsearch {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kJsonType = "application/json";
// After refusing a request whose body is still arriving, read and discard this much of it
// (for at most kDrainTimeout) before closing, so the client sees the reply instead of a reset.
constexpr std::size_t kMaxDrainBytes = 1024 * 1024;
constexpr std::chrono::seconds kDrainTimeout{2};
// Pause before accepting again after an accept error (e.g. out of file descriptors).
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

class Session;

// State shared by the listener, the sessions and HttpServer. Member order matters: the
// io_context is destroyed before the session registry, because destroying it destroys the
// handlers that keep the last sessions alive, and sessions unregister in their destructor.
struct ServerCore {
    ServerCore(Api& a, HttpServerOptions o) : api(a), options(std::move(o)) {}

    Api& api;
    const HttpServerOptions options;

    std::mutex sessions_mutex;
    std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions;
    std::uint64_t next_session_id = 0;
    std::atomic<bool> stopping{false};

    std::mutex threads_mutex;
    std::condition_variable threads_finished;
    unsigned running_threads = 0;

    net::io_context ioc;
    // Runs the Api's slow requests (Api::is_slow); declared after `ioc`, so it is joined before
    // the handlers its work posts back are destroyed.
    net::thread_pool slow_work{1};
    tcp::acceptor acceptor{net::make_strand(ioc)};
    net::steady_timer accept_retry{acceptor.get_executor()};
    std::vector<std::thread> threads;
    std::atomic<std::uint16_t> port{0};
    bool started = false;
    bool stopped = false;

    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    void run_thread();
    void close_idle_sessions();
};

std::string format_ms(Clock::duration d) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", std::chrono::duration<double, std::milli>(d).count());
    return buffer;
}

// One connection: reads requests one at a time (a fresh parser each), hands each to the Api,
// writes the reply. All its handlers run on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, ServerCore& server) : server_(server), stream_(std::move(socket)) {}

    ~Session() {
        std::lock_guard lock(server_.sessions_mutex);
        server_.sessions.erase(id_);
    }

    void run() {
        {
            std::lock_guard lock(server_.sessions_mutex);
            id_ = ++server_.next_session_id;
            server_.sessions.emplace(id_, weak_from_this());
        }
        // The first read is started on the strand, as every later handler runs there.
        net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this()));
    }

    // Part of a graceful stop: a connection waiting for a request that has not begun to
    // arrive is closed now; one with a request under way is left to finish.
    void close_if_idle() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            bool idle = self->reading_ && self->buffer_.size() == 0 &&
                        !(self->parser_ && self->parser_->got_some());
            if (idle) self->close();
        });
    }

private:
    void do_read() {
        if (server_.stopping && requests_ > 0) return close();
        parser_.emplace();
        parser_->body_limit(server_.options.body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
        reading_ = true;
        stream_.expires_after(server_.options.io_timeout);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        reading_ = false;
        started_ = Clock::now();
        method_ = "-";
        path_ = "-";
        // The request line is known once the whole header arrived, even when a limit then
        // rejected the request (a Content-Length over body_limit).
        if (const auto& header = parser_->get(); !header.method_string().empty()) {
            method_ = std::string(header.method_string());
            beast::string_view target = header.target();
            path_ = std::string(target.substr(0, target.find('?')));
        }

        if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout)
            return close();  // client done, server stopping, or client too slow: nothing to answer
        if (ec == http::error::body_limit)
            return refuse(http::status::payload_too_large,
                          "request body over " + std::to_string(server_.options.body_limit) + " bytes");
        if (ec == http::error::header_limit)
            return refuse(http::status::request_header_fields_too_large,
                          "request line and headers over " + std::to_string(server_.options.header_limit) + " bytes");
        if (ec == http::error::partial_message) return close();
        if (ec && &ec.category() == &beast::http::make_error_code(http::error::bad_target).category())
            return refuse(http::status::bad_request, "malformed HTTP request");
        if (ec) return close();  // connection reset and the like

        auto& request = parser_->get();
        // RFC 9112 3.2: an HTTP/1.1 request without a Host header is answered 400.
        if (request.version() >= 11 && request.find(http::field::host) == request.end())
            return refuse(http::status::bad_request, "HTTP/1.1 request without a Host header");
        ++requests_;
        request_id_ = new_request_id();
        ApiRequest api_request;
        api_request.method = request.method();
        head_ = request.method() == http::verb::head;
        api_request.target = std::string(request.target());
        api_request.body = std::move(request.body());
        api_request.authorization = std::string(request[http::field::authorization]);
        api_request.request_id = request_id_;
        const unsigned version = request.version();
        const bool keep_alive = request.keep_alive();
        if (Api::is_slow(api_request)) return handle_off_loop(std::move(api_request), version, keep_alive);
        ApiResponse reply = server_.api.handle(api_request);
        send(std::move(reply), version, keep_alive && !server_.stopping, AfterWrite::keep_alive_or_close);
    }

    // Handles the request on slow_work and answers on this connection's strand. The work guard
    // keeps the I/O threads running (a graceful stop waits for them) until the answer is posted.
    void handle_off_loop(ApiRequest api_request, unsigned version, bool keep_alive) {
        net::post(server_.slow_work, [self = shared_from_this(), api_request = std::move(api_request), version,
                                      keep_alive, guard = net::make_work_guard(server_.ioc)]() mutable {
            ApiResponse reply = self->server_.api.handle(api_request);
            net::dispatch(self->stream_.get_executor(), [self, reply = std::move(reply), version, keep_alive]() mutable {
                self->send(std::move(reply), version, keep_alive && !self->server_.stopping,
                           AfterWrite::keep_alive_or_close);
            });
            guard.reset();
        });
    }

    enum class AfterWrite { keep_alive_or_close, drain_and_close };

    // A request the parser rejected: answer it, then stop reading from this connection.
    void refuse(http::status status, const std::string& message) {
        ++requests_;
        head_ = false;
        request_id_ = new_request_id();
        send(error_response(status, to_string(Errc::invalid_input), message), 11, false,
             AfterWrite::drain_and_close);
    }

    void send(ApiResponse reply, unsigned version, bool keep_alive, AfterWrite after) {
        response_ = {};
        response_.version(version);
        response_.result(reply.status);
        response_.set(http::field::server, "medsearch");
        response_.set(http::field::content_type, reply.content_type);
        response_.set("X-Content-Type-Options", "nosniff");
        response_.set("X-Request-Id", request_id_);
        if (!reply.allow.empty()) response_.set(http::field::allow, reply.allow);
        if (!reply.www_authenticate.empty()) response_.set(http::field::www_authenticate, reply.www_authenticate);
        response_.body() = reply.content_type == kJsonType ? dump_json(reply.body) : std::move(reply.text);
        response_.keep_alive(keep_alive);
        response_.prepare_payload();
        if (head_) {  // the headers GET would get, Content-Length included, and no body
            const auto length = response_.body().size();
            response_.body().clear();
            response_.content_length(length);
        }
        after_write_ = after;

        stream_.expires_after(server_.options.io_timeout);
        http::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        log(LogLevel::info, "http_request",
            {{"method", method_},
             {"path", path_},
             {"status", std::to_string(response_.result_int())},
             {"ms", format_ms(Clock::now() - started_)},
             {"request_id", request_id_}});
        if (ec) return close();
        if (after_write_ == AfterWrite::drain_and_close) return drain();
        if (!response_.keep_alive()) return close();
        do_read();
    }

    // Lingering close: stop sending, then swallow what the client is still sending (bounded
    // in bytes and time) so that closing does not reset the connection before it reads the reply.
    void drain() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(kDrainTimeout);
        do_drain();
    }

    void do_drain() {
        stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            self->drained_ += n;
            if (ec || self->drained_ > kMaxDrainBytes) return self->close();
            self->do_drain();
        });
    }

    void close() {
        reading_ = false;
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    ServerCore& server_;
    std::uint64_t id_ = 0;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;  // alive until its write completes
    AfterWrite after_write_ = AfterWrite::keep_alive_or_close;
    bool reading_ = false;
    bool head_ = false;  // the request being answered is a HEAD
    std::size_t requests_ = 0;
    std::size_t drained_ = 0;
    std::array<char, 4096> scratch_{};
    // The current request, for the access log.
    Clock::time_point started_;
    std::string request_id_, method_, path_;
};

void ServerCore::do_accept() {
    acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&ServerCore::on_accept, this));
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;  // stopping
    if (ec) {
        log(LogLevel::warn, "accept_failed", {{"error", ec.message()}});
        accept_retry.expires_after(kAcceptRetryDelay);
        accept_retry.async_wait([this](beast::error_code timer_ec) {
            if (!timer_ec && acceptor.is_open()) do_accept();
        });
        return;
    }
    std::make_shared<Session>(std::move(socket), *this)->run();
    do_accept();
}

void ServerCore::run_thread() {
    for (;;) {
        try {
            ioc.run();
            break;
        } catch (const std::exception& e) {
            // Handlers should not throw (Api::handle does not); keep serving if one does.
            log(LogLevel::error, "io_thread_exception", {{"what", e.what()}});
        }
    }
    {
        std::lock_guard lock(threads_mutex);
        --running_threads;
    }
    threads_finished.notify_all();
}

void ServerCore::close_idle_sessions() {
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(sessions_mutex);
        for (auto& [id, weak] : sessions)
            if (auto session = weak.lock()) live.push_back(std::move(session));
    }
    for (auto& session : live) session->close_if_idle();
}

}  // namespace

struct HttpServer::Impl : ServerCore {
    using ServerCore::ServerCore;
};

HttpServer::HttpServer(Api& api, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const noexcept { return impl_->port; }

Status HttpServer::start() {
    Impl& s = *impl_;
    if (s.started) return Error{Errc::internal, "HttpServer::start called twice"};
    s.started = true;
    const auto& o = s.options;
    auto fail = [&](std::string_view what, const beast::error_code& ec) -> Status {
        beast::error_code ignored;
        s.acceptor.close(ignored);
        s.stopped = true;
        return Error{Errc::io, "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                                   std::string(what) + ": " + ec.message()};
    };

    beast::error_code ec;
    tcp::resolver resolver(s.ioc);
    auto endpoints = resolver.resolve(o.host, std::to_string(o.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) return fail("resolving the address", ec);
    if (endpoints.empty()) return fail("resolving the address", net::error::host_not_found);
    tcp::endpoint endpoint = endpoints.begin()->endpoint();

    s.acceptor.open(endpoint.protocol(), ec);
    if (ec) return fail("opening the socket", ec);
    s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return fail("setting SO_REUSEADDR", ec);
    s.acceptor.bind(endpoint, ec);
    if (ec) return fail("binding", ec);
    s.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail("listening", ec);
    s.port = s.acceptor.local_endpoint(ec).port();
    if (ec) return fail("reading the bound port", ec);

    s.do_accept();
    unsigned count = std::max(1u, o.threads);
    s.running_threads = count;
    s.threads.reserve(count);
    for (unsigned i = 0; i < count; ++i) s.threads.emplace_back([&s] { s.run_thread(); });
    log(LogLevel::info, "listening",
        {{"host", o.host}, {"port", std::to_string(s.port)}, {"threads", std::to_string(count)}});
    return Ok{};
}

void HttpServer::stop() {
    Impl& s = *impl_;
    if (!s.started || s.stopped) return;
    s.stopped = true;
    s.stopping = true;
    const auto begun = Clock::now();

    // Phase 1: accept nothing new, drop idle connections, let requests in flight finish. With
    // no connections left the I/O threads run out of work and return by themselves.
    net::post(s.acceptor.get_executor(), [&s] {
        beast::error_code ignored;
        s.acceptor.close(ignored);
        s.accept_retry.cancel();
    });
    s.close_idle_sessions();
    bool drained;
    {
        std::unique_lock lock(s.threads_mutex);
        drained = s.threads_finished.wait_for(lock, s.options.shutdown_grace, [&s] { return s.running_threads == 0; });
    }
    // Phase 2: past the deadline, abandon whatever is left.
    if (!drained) s.ioc.stop();
    for (auto& thread : s.threads) thread.join();
    s.threads.clear();
    s.slow_work.stop();  // a request not begun is dropped; one under way finishes first
    s.slow_work.join();
    log(drained ? LogLevel::info : LogLevel::warn, "stopped",
        {{"graceful", drained ? "yes" : "no"}, {"ms", format_ms(Clock::now() - begun)}});
}

}  // namespace medsearch
