// medsearch-server --db DIR [--host 127.0.0.1] [--port 8080] [--threads 2] [--reload-interval 2]
//                  [--admin-token-file FILE] [--words FILE]... [--no-words]
// Exit status: 0 after SIGINT/SIGTERM, 1 when the index cannot be opened or the address not
// bound, 2 for a bad configuration (an unreadable word list included).
#include <csignal>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <pthread.h>
#include <sstream>

#include "api.hpp"
#include "config.hpp"
#include "http_server.hpp"
#include "medsearch/log.hpp"
#include "searcher_pool.hpp"

namespace {

using namespace medsearch;

constexpr const char* kProgram = "medsearch-server: ";

// The search page, when the web directory has one.
std::optional<std::string> read_home_page(const std::filesystem::path& web_dir) {
    std::ifstream file(web_dir / "index.html", std::ios::binary);
    if (!file) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::string url_host(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;  // IPv6 literal
}

int run(const ServerConfig& config) {
    // Block the stop signals before any thread exists, so every thread inherits the mask;
    // this thread then waits for them synchronously and no handler runs in signal context.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto words = WordList::load(config.word_lists);
    if (!words) {
        std::cerr << kProgram << "--words: " << words.error().message << '\n';
        return 2;
    }
    if (config.word_lists.empty())
        log(LogLevel::warn, "no_word_lists", {{"effect", "every word the index lacks may be spell-corrected"}});
    else
        log(LogLevel::info, "word_lists", {{"files", std::to_string(config.word_lists.size())},
                                           {"words", std::to_string(words.value().size())}});
    ReloadOptions reload;
    reload.interval = config.reload_interval;
    auto pool = SearcherPool::open(config.index_dir, config.threads, reload,
                                   std::make_shared<const WordList>(std::move(words).value()));
    if (!pool) {
        std::cerr << kProgram << "cannot open the index: " << pool.error().message << '\n';
        return 1;
    }
    ApiOptions api_options;
    api_options.home_page = read_home_page(config.web_dir);
    api_options.admin_token = config.admin_token;
    Api api(pool.value(), std::move(api_options));

    HttpServerOptions options;
    options.host = config.host;
    options.port = config.port;
    options.threads = config.threads;
    options.body_limit = config.max_body_bytes;
    options.header_limit = config.max_header_bytes;
    options.io_timeout = config.io_timeout;
    options.shutdown_grace = config.shutdown_grace;
    HttpServer server(api, options);
    auto started = server.start();
    if (!started) {
        std::cerr << kProgram << started.error().message << '\n';
        return 1;
    }
    std::cout << kProgram << "listening on http://" << url_host(config.host) << ':' << server.port() << '/'
              << std::endl;

    int signal = 0;
    sigwait(&stop_signals, &signal);
    log(LogLevel::info, "stopping", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
    server.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        auto config = medsearch::load_server_config(argc, argv);
        if (!config) {
            std::cerr << kProgram << config.error().message << "\n(see medsearch-server --help)\n";
            return 2;
        }
        if (!config.value().help.empty()) {
            std::cout << config.value().help;
            return 0;
        }
        return run(config.value());
    } catch (const std::exception& e) {
        std::cerr << kProgram << "internal error: " << e.what() << '\n';
    } catch (...) {
        std::cerr << kProgram << "internal error\n";
    }
    return 1;
}
