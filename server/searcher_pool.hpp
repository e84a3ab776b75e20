// A fixed set of Searchers opened on one index, lent out one at a time, because a Searcher
// (one Xapian::Database) is not thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

#include "medsearch/result.hpp"
#include "medsearch/searcher.hpp"

namespace medsearch {

// Thread-safe. The pool must outlive every Lease it hands out.
class SearcherPool {
public:
    // Opens `count` (>= 1) Searchers on `index_dir`. Errors: those of Searcher::open.
    static Result<SearcherPool> open(const std::filesystem::path& index_dir, std::size_t count);
    // A pool over Searchers opened elsewhere; `searchers` must not be empty.
    explicit SearcherPool(std::vector<Searcher> searchers);

    // Exclusive use of one Searcher until destroyed; then it goes back to the pool. Movable.
    class Lease {
    public:
        Searcher& operator*() const noexcept { return *searcher_; }
        Searcher* operator->() const noexcept { return searcher_; }
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();

    private:
        friend class SearcherPool;
        struct Shared;
        Lease(Shared* shared, std::size_t slot) noexcept;
        Shared* shared_;
        std::size_t slot_;
        Searcher* searcher_;
    };

    // Blocks until a Searcher is free. Sizing the pool to the number of threads that call it
    // means it never waits.
    Lease lease();

    std::size_t size() const noexcept;

    SearcherPool(SearcherPool&&) noexcept;
    SearcherPool& operator=(SearcherPool&&) noexcept;
    ~SearcherPool();

private:
    std::unique_ptr<Lease::Shared> shared_;
};

}  // namespace medsearch
