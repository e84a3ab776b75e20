// A fixed set of Searchers opened on one index, lent out one at a time, because a Searcher
// (one Xapian::Database) is not thread-safe. A pool opened on a directory also follows the
// index: when medsearch-index publishes a new revision or switches the stub to a new build,
// the pool opens fresh Searchers off the request path and swaps them in, so requests never
// wait for an index to open and never see an empty or partial one.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "medsearch/result.hpp"
#include "medsearch/searcher.hpp"

namespace medsearch {

struct ReloadOptions {
    // How often the background thread checks the index for a new revision or build; zero: no
    // checks, the pool changes only on reload() (the thread still closes retired Searchers).
    std::chrono::milliseconds interval{0};
    // Called at the start of every check, in the thread making it, before anything opens: a
    // seam for tests that need a reload to take as long as they say.
    std::function<void()> on_check = {};
};

struct ReloadOutcome {
    bool changed = false;  // the pool now serves a different revision or build than before
    IndexInfo info;        // what the pool serves after the check
};

// Thread-safe. The pool must outlive every Lease it hands out.
class SearcherPool {
public:
    // Opens `count` (>= 1) Searchers on `index_dir`, sharing `words` (Searcher::open), and
    // starts the background thread, which checks the index every reload.interval (when not
    // zero) and closes the Searchers a reload took out of service, so that no request pays for
    // closing one. Errors: those of Searcher::open.
    static Result<SearcherPool> open(const std::filesystem::path& index_dir, std::size_t count,
                                     ReloadOptions reload = {}, std::shared_ptr<const WordList> words = {});
    // A pool over Searchers opened elsewhere; `searchers` must not be empty. It never
    // reloads: reload() answers an error.
    explicit SearcherPool(std::vector<Searcher> searchers);

    // Exclusive use of one Searcher until destroyed; then it goes back to the pool (swapped
    // for a fresh one first, when a reload happened meanwhile; the old one is closed by the
    // background thread). Movable.
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

    // Checks the index now, as the background reloader does: when a new revision or build has
    // been published, opens fresh Searchers on it (in the calling thread; ~200 ms on a large
    // index) and swaps them in. Every lease() after a successful return gets the new index.
    // One check runs at a time; a call made during another waits for it. Errors: those of
    // Searcher::open and Searcher::refresh (index_corrupt, not_found, io), internal for a
    // pool built from Searchers opened elsewhere; on any error the pool keeps serving what it
    // served before.
    Result<ReloadOutcome> reload();

    std::size_t size() const noexcept;

    SearcherPool(SearcherPool&&) noexcept;
    SearcherPool& operator=(SearcherPool&&) noexcept;
    ~SearcherPool();  // stops and joins the background reloader

private:
    std::unique_ptr<Lease::Shared> shared_;
};

}  // namespace medsearch
