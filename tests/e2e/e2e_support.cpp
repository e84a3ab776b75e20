#include "e2e_support.hpp"

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "medsearch/analyzer.hpp"
#include "medsearch/index_writer.hpp"
#include "medsearch/ingest.hpp"
#include "medsearch/synonyms.hpp"

namespace medsearch::test {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

void build_fixture_index(const std::filesystem::path& dir) {
    const std::filesystem::path data = TEST_DATA_DIR;
    std::vector<Diagnostic> problems;
    auto files = collect_inputs({data / "corpus"}, problems);
    auto builder = IndexBuilder::begin(dir);
    if (!builder) throw std::runtime_error("IndexBuilder::begin: " + builder.error().message);
    std::size_t articles = 0;
    bool read_ok = read_corpus(
        files,
        [&](Article&& article, const std::string& path, std::size_t line) {
            auto added = builder.value().add(article);
            if (!added) problems.push_back({path, line, added.error().message});
            ++articles;
            return true;
        },
        problems);
    Analyzer analyzer;
    SynonymMap synonyms;
    bool synonyms_ok = synonyms.add_path(data / "synonyms" / "fixture.txt", analyzer, problems);
    if (!read_ok || !synonyms_ok || !problems.empty() || articles != 4) {
        std::string message = "fixture index: read " + std::to_string(articles) + " articles (expected 4)";
        for (const auto& p : problems) message += "\n  " + format_diagnostic(p);
        throw std::runtime_error(message);
    }
    auto published = builder.value().publish(synonyms);
    if (!published) throw std::runtime_error("fixture index: publish: " + published.error().message);
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    if (argv.empty()) throw std::invalid_argument("run_command: empty argv");
    TempDir scratch;
    const std::filesystem::path output_path = scratch.path() / "output";
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("run_command: fork failed");
    if (pid == 0) {
        int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
            ::close(fd);
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    CommandResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            result.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    std::ifstream file(output_path, std::ios::binary);
    result.output.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    return result;
}

const std::filesystem::path& fixture_index() {
    static TempDir dir;
    static bool built = (build_fixture_index(dir.path()), true);
    (void)built;
    return dir.path();
}

SearcherPool& fixture_pool() {
    static SearcherPool pool = [] {
        auto opened = SearcherPool::open(fixture_index(), 2);
        if (!opened) throw std::runtime_error("fixture pool: " + opened.error().message);
        return std::move(opened).value();
    }();
    return pool;
}

HttpServerOptions TestServer::default_options() {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.shutdown_grace = std::chrono::seconds(5);
    return options;
}

TestServer::TestServer(HttpServerOptions options) : TestServer(fixture_pool(), ApiOptions{}, std::move(options)) {}

TestServer::TestServer(SearcherPool& pool, ApiOptions api_options, HttpServerOptions options)
    : api_(pool, std::move(api_options)), server_(api_, std::move(options)) {
    auto started = server_.start();
    if (!started) throw std::runtime_error("TestServer: " + started.error().message);
}

TestServer::~TestServer() { server_.stop(); }

std::string HttpReply::header(const std::string& name) const {
    auto it = message.find(name);
    return it == message.end() ? std::string() : std::string(it->value());
}

nlohmann::json HttpReply::json() const { return nlohmann::json::parse(message.body()); }

// Each operation is asynchronous with a deadline on the stream, and the io_context runs until
// it completes, so no call can block longer than the timeout.
struct HttpClient::Impl {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
    std::chrono::milliseconds timeout;

    explicit Impl(std::chrono::milliseconds t) : timeout(t) {}

    void run() {
        ioc.restart();
        ioc.run();
    }

    HttpReply read_reply(bool to_head = false) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 * 1024 * 1024);
        parser.skip(to_head);
        beast::error_code ec;
        stream.expires_after(timeout);
        http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) throw std::runtime_error("HttpClient: reading the reply: " + ec.message());
        return HttpReply{parser.release()};
    }
};

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(timeout)) {
    beast::error_code ec;
    impl_->stream.expires_after(timeout);
    impl_->stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                [&](beast::error_code e) { ec = e; });
    impl_->run();
    if (ec) throw std::runtime_error("HttpClient: connecting to port " + std::to_string(port) + ": " + ec.message());
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::get(const std::string& target) {
    http::request<http::string_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    return send(std::move(request));
}

HttpReply HttpClient::send(http::request<http::string_body> request) {
    request.prepare_payload();
    beast::error_code ec;
    impl_->stream.expires_after(impl_->timeout);
    http::async_write(impl_->stream, request, [&](beast::error_code e, std::size_t) { ec = e; });
    impl_->run();
    if (ec) throw std::runtime_error("HttpClient: writing the request: " + ec.message());
    return impl_->read_reply();
}

HttpReply HttpClient::head(const std::string& target) {
    http::request<http::string_body> request{http::verb::head, target, 11};
    request.set(http::field::host, "127.0.0.1");
    beast::error_code ec;
    impl_->stream.expires_after(impl_->timeout);
    http::async_write(impl_->stream, request, [&](beast::error_code e, std::size_t) { ec = e; });
    impl_->run();
    if (ec) throw std::runtime_error("HttpClient: writing the request: " + ec.message());
    return impl_->read_reply(true);
}

HttpReply HttpClient::send_raw(const std::string& bytes) {
    write_raw(bytes);
    return read_reply();
}

void HttpClient::write_raw(const std::string& bytes) {
    beast::error_code ec;
    impl_->stream.expires_after(impl_->timeout);
    net::async_write(impl_->stream, net::buffer(bytes), [&](beast::error_code e, std::size_t) { ec = e; });
    impl_->run();
    if (ec) throw std::runtime_error("HttpClient: writing raw bytes: " + ec.message());
}

HttpReply HttpClient::read_reply() { return impl_->read_reply(); }

bool HttpClient::closed_by_server(std::chrono::milliseconds within) {
    char byte;
    beast::error_code ec;
    impl_->stream.expires_after(within);
    impl_->stream.async_read_some(net::buffer(&byte, 1), [&](beast::error_code e, std::size_t) { ec = e; });
    impl_->run();
    if (ec == beast::error::timeout) return false;
    return ec == net::error::eof || ec == net::error::connection_reset;
}

HttpReply http_get(std::uint16_t port, const std::string& target) { return HttpClient(port).get(target); }

}  // namespace medsearch::test
