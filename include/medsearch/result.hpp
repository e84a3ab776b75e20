// Result<T>: the value of fallible work or the Error that stopped it (GCC 12 has no <expected>).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace medsearch {

// Domain error codes; the server maps them to HTTP statuses in one place (server/api.cpp).
enum class Errc { invalid_input, not_found, io, index_corrupt, locked, internal };

const char* to_string(Errc code) noexcept;

struct Error {
    Errc code;
    std::string message;  // says where, what, and what was expected
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    const T& value() const& { return std::get<0>(v_); }
    T& value() & { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const Error& error() const& { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// For work that yields nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace medsearch
