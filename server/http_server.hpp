// The HTTP/1.1 front of medsearch (Boost.Beast, asynchronous): accepts connections, reads
// requests, passes each to Api::handle and writes the reply. I/O only: no routing here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api.hpp"
#include "medsearch/result.hpp"

namespace medsearch {

struct HttpServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;              // 0: the system picks a free port; see HttpServer::port()
    unsigned threads = 2;                // threads running the I/O loop (each calls Api::handle)
    std::size_t body_limit = 16 * 1024;  // larger bodies: 413, connection closed
    std::size_t header_limit = 8 * 1024; // larger request line + headers: 431, connection closed
    std::chrono::milliseconds io_timeout{15'000};       // set before every read and every write
    std::chrono::milliseconds shutdown_grace{10'000};   // stop(): time in-flight requests get
};

// Each reply carries an X-Request-Id header; every request leaves one access-log line
// (method, path without the query string, status, ms, request_id).
//
// start() and stop() are for one controlling thread; port() may be read from any thread.
// The Api must outlive the server.
class HttpServer {
public:
    HttpServer(Api& api, HttpServerOptions options);
    ~HttpServer();  // stop()s if still running

    // Binds, listens and starts the I/O threads. Errors (io): bad address, port in use, etc.;
    // after an error nothing is listening and start() may not be called again.
    Status start();

    // The bound port (the real one when options.port was 0); 0 before start().
    std::uint16_t port() const noexcept;

    // Graceful stop: closes the listening socket and idle keep-alive connections at once,
    // lets requests in flight finish and reply (with Connection: close), and after
    // options.shutdown_grace stops the I/O loop regardless. Returns once every thread is joined.
    // Idempotent. Must not be called from an I/O thread (it joins them).
    void stop();

    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace medsearch
