#include "searcher_pool.hpp"

#include <cassert>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>

namespace medsearch {

struct SearcherPool::Lease::Shared {
    std::vector<Searcher> searchers;
    std::vector<std::size_t> free_slots;  // indexes into `searchers`
    std::mutex mutex;
    std::condition_variable returned;
};

SearcherPool::Lease::Lease(Shared* shared, std::size_t slot) noexcept
    : shared_(shared), slot_(slot), searcher_(&shared->searchers[slot]) {}

SearcherPool::Lease::Lease(Lease&& other) noexcept
    : shared_(std::exchange(other.shared_, nullptr)), slot_(other.slot_), searcher_(other.searcher_) {}

SearcherPool::Lease::~Lease() {
    if (shared_ == nullptr) return;  // moved from
    {
        std::lock_guard lock(shared_->mutex);
        shared_->free_slots.push_back(slot_);
    }
    shared_->returned.notify_one();
}

Result<SearcherPool> SearcherPool::open(const std::filesystem::path& index_dir, std::size_t count) {
    assert(count >= 1);
    std::vector<Searcher> searchers;
    searchers.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto searcher = Searcher::open(index_dir);
        if (!searcher) return searcher.error();
        searchers.push_back(std::move(searcher).value());
    }
    return SearcherPool(std::move(searchers));
}

SearcherPool::SearcherPool(std::vector<Searcher> searchers) : shared_(std::make_unique<Lease::Shared>()) {
    assert(!searchers.empty());
    shared_->searchers = std::move(searchers);
    for (std::size_t i = shared_->searchers.size(); i > 0; --i) shared_->free_slots.push_back(i - 1);
}

SearcherPool::Lease SearcherPool::lease() {
    std::unique_lock lock(shared_->mutex);
    shared_->returned.wait(lock, [&] { return !shared_->free_slots.empty(); });
    std::size_t slot = shared_->free_slots.back();
    shared_->free_slots.pop_back();
    return Lease(shared_.get(), slot);
}

std::size_t SearcherPool::size() const noexcept { return shared_->searchers.size(); }

SearcherPool::SearcherPool(SearcherPool&&) noexcept = default;
SearcherPool& SearcherPool::operator=(SearcherPool&&) noexcept = default;
SearcherPool::~SearcherPool() = default;

}  // namespace medsearch
