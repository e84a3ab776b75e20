// medsearch-server's settings: defaults < INI file (--config) < command-line flags.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "medsearch/result.hpp"

namespace medsearch {

struct ServerConfig {
    std::string host = "127.0.0.1";       // address to listen on
    std::uint16_t port = 8080;            // 0: pick a free port
    std::filesystem::path index_dir;      // required (--db)
    unsigned threads = 2;                 // I/O threads, and Searchers in the pool; 1..64
    std::filesystem::path web_dir = "web";  // GET / serves web_dir/index.html when it exists
    std::size_t max_body_bytes = 16 * 1024;
    std::size_t max_header_bytes = 8 * 1024;
    std::chrono::seconds io_timeout{15};  // per read and per write
    std::chrono::seconds shutdown_grace{10};  // in-flight requests get this long to finish on stop
    std::chrono::seconds reload_interval{2};  // checks for a newly published index; 0: only on demand
    // Bearer token for POST /api/admin/reload, from --admin-token-file (first line, surrounding
    // whitespace trimmed) or else the MEDSEARCH_ADMIN_TOKEN environment variable; empty: the
    // endpoint is disabled.
    std::string admin_token;
    // Correctly spelled words (word_list.hpp), from --words FILE...; default: Debian's English
    // and Spanish lists when installed (system_word_lists()); --no-words: none.
    std::vector<std::filesystem::path> word_lists;

    // Non-empty when --help was given: print it and exit 0 without starting.
    std::string help;
};

// Parses flags and the optional --config INI file (same option names, `key = value`).
// Errors (invalid_input): unknown or malformed options, --db missing, values out of range, an
// unreadable or empty --admin-token-file; the message names the option. The caller prints it and exits with status 2.
Result<ServerConfig> load_server_config(int argc, char** argv);

}  // namespace medsearch
