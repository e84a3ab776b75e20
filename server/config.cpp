#include "config.hpp"

#include <fstream>
#include <sstream>

#include <boost/program_options.hpp>

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
             ->value_name("SECONDS"), "on SIGINT/SIGTERM, time in-flight requests get to finish");
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
    return config;
}

}  // namespace medsearch
