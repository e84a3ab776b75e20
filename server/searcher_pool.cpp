#include "searcher_pool.hpp"

#include <cassert>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "medsearch/log.hpp"

namespace medsearch {

namespace {

constexpr int kOpenAttempts = 3;

bool same_index(const IndexInfo& a, const IndexInfo& b) { return a.revision == b.revision && a.build == b.build; }

bool all_same_index(std::vector<Searcher>& searchers) {
    const IndexInfo first = searchers.front().info();
    for (auto& s : searchers)
        if (!same_index(s.info(), first)) return false;
    return true;
}

}  // namespace

struct SearcherPool::Lease::Shared {
    std::vector<Searcher> searchers;
    std::vector<std::size_t> free_slots;           // indexes into `searchers`
    std::vector<std::optional<Searcher>> pending;  // fresh Searchers for slots leased during a swap
    std::mutex mutex;                              // guards the three above
    std::condition_variable returned;

    // Reloading; empty `index_dir` for a pool over Searchers opened elsewhere.
    std::filesystem::path index_dir;
    std::shared_ptr<const WordList> words;  // given to every Searcher a reload opens
    std::mutex reload_mutex;       // one check at a time; taken before `mutex`, never after
    std::optional<Searcher> probe; // follows the index; tells when the pool is out of date
    bool pool_stale = false;       // the probe moved on but the pool could not follow yet
    std::string last_error;        // of the background reloader, to log each failure once
    std::function<void()> on_check;  // ReloadOptions::on_check

    // The background thread: checks the index every `interval` (when not zero) and closes the
    // Searchers a reload retired. Closing one is not free (its vocabulary's expansions are freed
    // one by one: ~40-100 ms for MedQuAD's 6,463 rules), so a request returning its lease never
    // does it: it hands the old Searcher to this thread.
    std::mutex stop_mutex;          // guards `stopping` and `retired`; never taken with `mutex` held
    std::condition_variable wake;
    bool stopping = false;
    std::vector<Searcher> retired;  // to be closed by the background thread
    std::thread reloader;

    ~Shared() {
        if (!reloader.joinable()) return;
        {
            std::lock_guard lock(stop_mutex);
            stopping = true;
        }
        wake.notify_all();
        reloader.join();
    }

    // Hands Searchers that are out of service to the background thread, which closes them.
    void retire(std::vector<Searcher>&& old) {
        if (old.empty()) return;
        if (!reloader.joinable()) return;  // no background thread: closed here, as `old` goes
        {
            std::lock_guard lock(stop_mutex);
            for (auto& s : old) retired.push_back(std::move(s));
        }
        wake.notify_all();
    }

    Result<ReloadOutcome> reload() {
        std::lock_guard reload_lock(reload_mutex);
        if (on_check) on_check();
        if (!probe)
            return Error{Errc::internal, "searcher pool: opened without an index directory, cannot reload"};
        auto changed = probe->refresh();
        if (!changed) return changed.error();
        if (!changed.value() && !pool_stale) return ReloadOutcome{false, probe->info()};
        pool_stale = true;

        // Open everything before touching the pool: on an error it keeps serving the old index.
        // The Searchers open one after another, so a build published meanwhile could leave the
        // slots on two indexes and a client see new, old, new: open them again until they agree.
        std::vector<Searcher> fresh;
        for (int attempt = 1;; ++attempt) {
            fresh.clear();
            fresh.reserve(searchers.size());
            for (std::size_t i = 0; i < searchers.size(); ++i) {
                auto opened = Searcher::open(index_dir, words);
                if (!opened) return opened.error();
                fresh.push_back(std::move(opened).value());
            }
            if (all_same_index(fresh)) break;
            if (attempt == kOpenAttempts)
                return Error{Errc::io, index_dir.string() + ": the index changed while the pool reopened it " +
                                           std::to_string(kOpenAttempts) + " times; serving the old one"};
        }
        ReloadOutcome outcome{true, fresh.front().info()};

        std::vector<Searcher> old;  // closed by the background thread
        old.reserve(searchers.size() * 2);
        {
            std::lock_guard lock(mutex);
            std::vector<bool> is_free(searchers.size(), false);
            for (std::size_t slot : free_slots) is_free[slot] = true;
            for (std::size_t slot = 0; slot < searchers.size(); ++slot) {
                if (is_free[slot]) {
                    old.push_back(std::move(searchers[slot]));
                    searchers[slot] = std::move(fresh[slot]);
                } else {
                    // In use: Lease::~Lease swaps it in when it comes back.
                    if (pending[slot]) old.push_back(std::move(*pending[slot]));
                    pending[slot] = std::move(fresh[slot]);
                }
            }
        }
        pool_stale = false;
        retire(std::move(old));
        log(LogLevel::info, "index_reloaded",
            {{"revision", std::to_string(outcome.info.revision)},
             {"build", outcome.info.build},
             {"published", outcome.info.published},
             {"documents", std::to_string(outcome.info.documents)}});
        return outcome;
    }

    // interval zero: no checks, only closing retired Searchers.
    void run_reloader(std::chrono::milliseconds interval) {
        using Clock = std::chrono::steady_clock;
        auto next_check = Clock::now() + interval;
        for (;;) {
            std::vector<Searcher> old;  // closed at the end of this iteration, outside every lock
            {
                std::unique_lock lock(stop_mutex);
                auto woken = [&] { return stopping || !retired.empty(); };
                if (interval.count() > 0) wake.wait_until(lock, next_check, woken);
                else wake.wait(lock, woken);
                if (stopping) return;
                old.swap(retired);
            }
            old.clear();
            if (interval.count() == 0 || Clock::now() < next_check) continue;
            next_check = Clock::now() + interval;
            std::string error;
            try {
                auto outcome = reload();
                if (!outcome) error = outcome.error().message;
            } catch (const std::exception& e) {
                error = e.what();
            } catch (...) {
                error = "unknown exception";
            }
            if (!error.empty() && error != last_error)
                log(LogLevel::warn, "index_reload_failed", {{"message", error}, {"action", "serving the old index"}});
            last_error = std::move(error);
        }
    }
};

SearcherPool::Lease::Lease(Shared* shared, std::size_t slot) noexcept
    : shared_(shared), slot_(slot), searcher_(&shared->searchers[slot]) {}

SearcherPool::Lease::Lease(Lease&& other) noexcept
    : shared_(std::exchange(other.shared_, nullptr)), slot_(other.slot_), searcher_(other.searcher_) {}

SearcherPool::Lease::~Lease() {
    if (shared_ == nullptr) return;  // moved from
    std::vector<Searcher> old;  // the Searcher this slot served before a reload, if any
    {
        std::lock_guard lock(shared_->mutex);
        if (auto& fresh = shared_->pending[slot_]) {
            old.push_back(std::move(shared_->searchers[slot_]));
            shared_->searchers[slot_] = std::move(*fresh);
            fresh.reset();
        }
        shared_->free_slots.push_back(slot_);
    }
    shared_->returned.notify_one();
    shared_->retire(std::move(old));  // closed by the background thread, not on this request
}

Result<SearcherPool> SearcherPool::open(const std::filesystem::path& index_dir, std::size_t count,
                                        ReloadOptions reload, std::shared_ptr<const WordList> words) {
    assert(count >= 1);
    std::vector<Searcher> searchers;
    searchers.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto searcher = Searcher::open(index_dir, words);
        if (!searcher) return searcher.error();
        searchers.push_back(std::move(searcher).value());
    }
    auto probe = Searcher::open(index_dir, words);
    if (!probe) return probe.error();

    SearcherPool pool(std::move(searchers));
    Lease::Shared& shared = *pool.shared_;
    shared.index_dir = index_dir;
    shared.words = std::move(words);
    shared.probe.emplace(std::move(probe).value());
    shared.on_check = std::move(reload.on_check);
    // A publication while the pool was opening may leave the probe ahead of some Searchers:
    // then the first check brings them all to the probe's index.
    IndexInfo probe_info = shared.probe->info();
    for (auto& searcher : shared.searchers) {
        if (!same_index(searcher.info(), probe_info)) shared.pool_stale = true;
    }
    // Started even without periodic checks: it also closes the Searchers reloads retire.
    shared.reloader = std::thread([&shared, interval = reload.interval] { shared.run_reloader(interval); });
    return pool;
}

SearcherPool::SearcherPool(std::vector<Searcher> searchers) : shared_(std::make_unique<Lease::Shared>()) {
    assert(!searchers.empty());
    shared_->searchers = std::move(searchers);
    shared_->pending.resize(shared_->searchers.size());
    for (std::size_t i = shared_->searchers.size(); i > 0; --i) shared_->free_slots.push_back(i - 1);
}

SearcherPool::Lease SearcherPool::lease() {
    std::unique_lock lock(shared_->mutex);
    shared_->returned.wait(lock, [&] { return !shared_->free_slots.empty(); });
    std::size_t slot = shared_->free_slots.back();
    shared_->free_slots.pop_back();
    return Lease(shared_.get(), slot);
}

Result<ReloadOutcome> SearcherPool::reload() { return shared_->reload(); }

std::size_t SearcherPool::size() const noexcept { return shared_->searchers.size(); }

SearcherPool::SearcherPool(SearcherPool&&) noexcept = default;
SearcherPool& SearcherPool::operator=(SearcherPool&&) noexcept = default;
SearcherPool::~SearcherPool() = default;

}  // namespace medsearch
