#include "medsearch/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace medsearch {
namespace {
std::atomic<int> g_level{int(LogLevel::info)};
std::mutex g_mutex;  // one event, one line, even from several threads

const char* level_name(LogLevel l) {
    switch (l) {
        case LogLevel::debug: return "debug";
        case LogLevel::info: return "info";
        case LogLevel::warn: return "warn";
        case LogLevel::error: return "error";
    }
    return "info";
}

// Values with spaces, quotes or '=' are quoted so lines stay machine-readable.
void append_value(std::string& line, const std::string& v) {
    bool quote = v.empty() || v.find_first_of(" \"=\t\n") != std::string::npos;
    if (!quote) {
        line += v;
        return;
    }
    line += '"';
    for (char c : v) {
        if (c == '"' || c == '\\') line += '\\';
        line += (c == '\n' || c == '\t') ? ' ' : c;
    }
    line += '"';
}
}  // namespace

void set_log_level(LogLevel level) { g_level = int(level); }

void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
    if (int(level) < g_level.load()) return;
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
    std::string line = stamp;
    line += " level=";
    line += level_name(level);
    line += " event=";
    line += event;
    for (const auto& [key, value] : fields) {
        line += ' ';
        line += key;
        line += '=';
        append_value(line, value);
    }
    line += '\n';
    std::lock_guard lock(g_mutex);
    std::fputs(line.c_str(), stderr);
}

}  // namespace medsearch
