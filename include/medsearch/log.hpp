// Minimal structured logging: one line per event to stderr, `key=value` fields. Thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace medsearch {

enum class LogLevel { debug, info, warn, error };

void set_log_level(LogLevel level);
using LogField = std::pair<std::string_view, std::string>;
void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

}  // namespace medsearch
