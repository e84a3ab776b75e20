#include "config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <boost/program_options.hpp>

#include "medsearch/word_list.hpp"

namespace medsearch {
namespace {

namespace po = boost::program_options;

// Numbers are read as signed and range-checked here: Program_options would turn "-1" into a
// huge unsigned value.
Result<long long> in_range(const po::variables_map& vm, const char* name, long long min, long long max) {
    long long v = vm[name].as<long long>();
    if (v < min || v > max)
        return Error{Errc::invalid_input, std::string("--") + name + ": expected a number from " +
                                              std::to_string(min) + " to " + std::to_string(max) + ", got " +
                                              std::to_string(v)};
    return v;
}

constexpr const char* kTokenEnv = "MEDSEARCH_ADMIN_TOKEN";

std::string trim(std::string s) {
    const char* space = " \t\r\n";
    std::size_t first = s.find_first_not_of(space);
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(space) - first + 1);
}

// A token with spaces or control characters could never match an Authorization header.
bool is_token_text(const std::string& token) {
    for (char c : token)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
    return true;
}

Result<std::string> read_admin_token(const po::variables_map& vm) {
    std::string token;
    std::string source;
    if (vm.count("admin-token-file")) {
        const std::string path = vm["admin-token-file"].as<std::string>();
        source = "--admin-token-file: " + path;
        std::ifstream file(path);
        if (!file) return Error{Errc::invalid_input, source + ": cannot read the file"};
        std::getline(file, token);
        token = trim(std::move(token));
        if (token.empty()) return Error{Errc::invalid_input, source + ": empty; expected the token on its first line"};
    } else if (const char* env = std::getenv(kTokenEnv)) {
        source = kTokenEnv;
        token = trim(env);
        if (token.empty()) return std::string();  // set but empty: the endpoint stays disabled
    } else {
        return std::string();
    }
    if (!is_token_text(token))
        return Error{Errc::invalid_input, source + ": the token has spaces or control characters"};
    return token;
}

}  // namespace

Result<ServerConfig> load_server_config(int argc, char** argv) {
    ServerConfig defaults;
    po::options_description settings("Options (also accepted as `name = value` lines in --config FILE)");
    settings.add_options()
        ("db", po::value<std::string>()->value_name("DIR"), "index directory written by medsearch-index (required)")
        ("host", po::value<std::string>()->default_value(defaults.host)->value_name("ADDR"), "address to listen on")
        ("port", po::value<long long>()->default_value(defaults.port)->value_name("N"), "TCP port; 0 picks a free one")
        ("threads", po::value<long long>()->default_value(defaults.threads)->value_name("N"),
         "I/O threads, each with its own index handle (1-64)")
        ("web", po::value<std::string>()->default_value(defaults.web_dir.string())->value_name("DIR"),
         "GET / serves DIR/index.html when it exists")
        ("max-body-bytes", po::value<long long>()->default_value(static_cast<long long>(defaults.max_body_bytes))
             ->value_name("N"), "largest request body accepted")
        ("io-timeout", po::value<long long>()->default_value(defaults.io_timeout.count())->value_name("SECONDS"),
         "limit on each read and each write")
        ("shutdown-grace", po::value<long long>()->default_value(defaults.shutdown_grace.count())
             ->value_name("SECONDS"), "on SIGINT/SIGTERM, time in-flight requests get to finish")
        ("reload-interval", po::value<long long>()->default_value(defaults.reload_interval.count())
             ->value_name("SECONDS"), "how often to check for a newly published index (0: only on POST /api/admin/reload)")
        ("admin-token-file", po::value<std::string>()->value_name("FILE"),
         "bearer token for POST /api/admin/reload (first line of FILE); default: env MEDSEARCH_ADMIN_TOKEN; "
         "neither: the endpoint is disabled")
        ("words", po::value<std::vector<std::string>>()->composing()->value_name("FILE"),
         "word list, one correctly spelled word a line, repeatable: such words are searched as typed, not "
         "spell-corrected, unless the query finds nothing; default: /usr/share/dict/american-english and "
         "/usr/share/dict/spanish (Debian's wamerican, wspanish) when installed")
        ("no-words", po::bool_switch(), "use no word list: every word the index lacks may be spell-corrected");
    po::options_description command_line_only("Command line only");
    command_line_only.add_options()
        ("config", po::value<std::string>()->value_name("FILE"), "INI file with the options above")
        ("help", "show this help and exit");
    po::options_description all;
    all.add(settings).add(command_line_only);

    po::variables_map vm;
    try {
        // Flags are stored first: the first value stored wins, so flags override the file.
        po::store(po::parse_command_line(argc, argv, all), vm);
        if (vm.count("help")) {
            ServerConfig config;
            std::ostringstream help;
            help << "Usage: medsearch-server --db DIR [--host ADDR] [--port N] [--threads N]\n\n" << all;
            config.help = help.str();
            return config;
        }
        if (vm.count("config")) {
            const std::string path = vm["config"].as<std::string>();
            std::ifstream file(path);
            if (!file) return Error{Errc::invalid_input, "--config: cannot read " + path};
            po::store(po::parse_config_file(file, settings), vm);
        }
        po::notify(vm);
    } catch (const po::error& e) {
        return Error{Errc::invalid_input, e.what()};
    }

    ServerConfig config;
    if (!vm.count("db") || vm["db"].as<std::string>().empty())
        return Error{Errc::invalid_input, "--db: missing; expected the index directory written by medsearch-index"};
    config.index_dir = vm["db"].as<std::string>();
    config.host = vm["host"].as<std::string>();
    if (config.host.empty()) return Error{Errc::invalid_input, "--host: empty; expected an address such as 127.0.0.1"};
    config.web_dir = vm["web"].as<std::string>();

    auto port = in_range(vm, "port", 0, 65535);
    if (!port) return port.error();
    config.port = static_cast<std::uint16_t>(port.value());
    auto threads = in_range(vm, "threads", 1, 64);
    if (!threads) return threads.error();
    config.threads = static_cast<unsigned>(threads.value());
    auto body = in_range(vm, "max-body-bytes", 0, 64LL * 1024 * 1024);
    if (!body) return body.error();
    config.max_body_bytes = static_cast<std::size_t>(body.value());
    auto timeout = in_range(vm, "io-timeout", 1, 3600);
    if (!timeout) return timeout.error();
    config.io_timeout = std::chrono::seconds(timeout.value());
    auto grace = in_range(vm, "shutdown-grace", 0, 3600);
    if (!grace) return grace.error();
    config.shutdown_grace = std::chrono::seconds(grace.value());
    auto reload = in_range(vm, "reload-interval", 0, 86400);
    if (!reload) return reload.error();
    config.reload_interval = std::chrono::seconds(reload.value());
    auto token = read_admin_token(vm);
    if (!token) return token.error();
    config.admin_token = std::move(token).value();
    std::vector<std::filesystem::path> given;
    if (vm.count("words"))
        for (const auto& file : vm["words"].as<std::vector<std::string>>()) given.emplace_back(file);
    auto word_lists = chosen_word_lists(std::move(given), vm["no-words"].as<bool>());
    if (!word_lists) return word_lists.error();
    config.word_lists = std::move(word_lists).value();
    return config;
}

}  // namespace medsearch
