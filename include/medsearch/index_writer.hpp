// Writes articles into Xapian databases ("builds") beside the live one and publishes a build by
// atomically switching the index directory's stub file, so readers never see a half-written
// index. Two interfaces:
//   - reindex(): the batch reindex medsearch-index runs — validation first, then incremental by
//     content hash (or a full rebuild), checks, publication, rollback;
//   - IndexBuilder: a plain full build from articles already in memory (tests, benchmarks).
//
// Layout of an index directory:
//   XAPIANDB    stub Xapian follows when the directory is opened: "auto build-…"
//   build-…/    glass databases: the live one, the previous ones kept for rollback, and while a
//               run is in progress the one it is writing (removed if the run fails or dies)
//   .lock       flock()ed by the one writer; readers never take it
// Every build carries in its metadata the synonym table (schema::kMetaSynonyms), a description
// of itself (schema::kMetaBuild: build, previous, published, counts, format) and the manifest
// (schema::kMetaManifest: article id → content hash, source path, section count).
//
// A process killed at any moment (SIGKILL included) leaves the live index readable and
// unchanged: a build becomes live only by the atomic rename of a complete stub over the old one,
// after its final commit. The next run that publishes or finds the index up to date removes
// what a dead run left behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "medsearch/article.hpp"
#include "medsearch/ingest.hpp"
#include "medsearch/result.hpp"
#include "medsearch/synonyms.hpp"

namespace medsearch {

struct IndexOptions {
    // Documents buffered before Xapian flushes to disk; 1,000 measured ~30% faster than default.
    // Xapian 1.4 reads it from the environment (XAPIAN_FLUSH_THRESHOLD) once per process: the
    // first build of a process fixes it, and a value already in the environment wins.
    std::size_t flush_threshold = 1000;
    // Earlier builds kept beside the live one for rollback (the chain of builds that were live
    // before it, newest first); every other build directory is deleted on publish.
    std::size_t keep_previous = 1;
};

struct BuildSummary {
    std::size_t articles = 0;
    std::size_t sections = 0;
    std::string build;  // directory name of the published build, relative to the index dir
};

// A stable 64-bit content hash of an article (FNV-1a over a canonical, length-prefixed encoding
// of every field and section, salted with the index format version): equal for equal articles
// on every machine and build, so the manifest survives upgrades of the compiler and library.
std::uint64_t article_hash(const Article& article);

// A full build from articles in memory. Not thread-safe. Holds the index's writer lock from
// begin() until destruction. Destroying a builder that was not published removes its
// unfinished build and leaves the live index exactly as it was.
class IndexBuilder {
public:
    // Errors: locked (another writer holds DIR/.lock), io (cannot create the directory or build).
    static Result<IndexBuilder> begin(const std::filesystem::path& index_dir,
                                      const IndexOptions& options = {});
    // Adds every section of `article` as one document. Errors: invalid_input on a duplicate
    // article id or an id/anchor/topic too long for a Xapian term; io when Xapian fails.
    Status add(const Article& article);
    // Commits, stores `synonyms`, the manifest (with no source paths: they are unknown here) and
    // build metadata, adds spelling data, syncs, and switches the stub to this build; keeps the
    // build it replaced for rollback(). Errors: io. Call at most once.
    Result<BuildSummary> publish(const SynonymMap& synonyms);

    IndexBuilder(IndexBuilder&&) noexcept;
    IndexBuilder& operator=(IndexBuilder&&) noexcept;
    ~IndexBuilder();

private:
    struct Impl;
    explicit IndexBuilder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// ---- batch reindex ----

enum class ReindexMode {
    incremental,  // add new articles, replace changed ones, delete missing ones (the default)
    full,         // rebuild every article into an empty build
};
enum class MissingArticles {
    remove,  // an indexed article absent from the batch is deleted
    keep,    // it stays as it is (--keep-missing: index a partial batch)
};
enum class InvalidInput {
    refuse,  // any problem in the batch: nothing is written or published
    skip,    // publish the valid part; what was skipped is in ReindexReport::problems
};

struct ReindexProgress {
    enum class Phase { validating, writing, checking };
    Phase phase = Phase::validating;
    std::size_t done = 0;      // articles validated (validating) or written (writing)
    std::size_t total = 0;     // articles to write; 0 while validating (not known yet)
    std::size_t sections = 0;  // sections read (validating) or written (writing) so far
};
// Called on the reindexing thread after every article and when a phase starts; keep it cheap.
using ProgressCallback = std::function<void(const ReindexProgress&)>;

struct ReindexOptions {
    ReindexMode mode = ReindexMode::incremental;
    MissingArticles missing = MissingArticles::remove;  // incremental runs only: a full rebuild
                                                        // holds exactly the batch
    InvalidInput invalid = InvalidInput::refuse;
    bool dry_run = false;  // plan only: nothing is locked, written or published
    // With no synonym inputs, carry the live build's vocabulary over instead of publishing none:
    // a content update run without --synonyms must not silently drop every synonym.
    bool keep_synonyms = false;
    // Canary queries the new build must answer before it is published; empty: none. One query
    // a line; "query => article-id" also requires that article in the top 10; '#' comments.
    std::filesystem::path canaries;
    // Articles to write are kept from pass 1 while their text fits this budget (bytes); then
    // pass 2 writes them from memory. Past it, pass 2 reads the inputs again (streaming, so
    // memory stays bounded by the budget, not the batch) and re-checks each article's hash.
    std::size_t hold_bytes = std::size_t{64} << 20;
    IndexOptions index;
    ProgressCallback progress;  // may be empty
};

struct ReindexInputs {
    std::vector<std::filesystem::path> articles;  // files and directories (.md, .jsonl, .html)
    // Files and directories (.txt, .tsv). When there are some, they must hold a rule between
    // them: an empty vocabulary would replace the stored one (each is then a problem).
    std::vector<std::filesystem::path> synonyms;
};

// What a run will do (dry run) or did, by article id; every list sorted.
struct ReindexPlan {
    bool full = false;        // a full rebuild: asked for, or no usable live index
    std::string full_reason;  // why, when not asked for ("no live index", "index format 1 → 2")
    std::vector<std::string> added;
    std::vector<std::string> changed;
    std::vector<std::string> removed;
    std::vector<std::string> moved;  // same content, another source file: the manifest changes
    std::vector<std::string> unchanged;
    // Absent from the batch but kept: --keep-missing, or (with InvalidInput::skip) their source
    // file had a problem, so their absence may be a typo rather than a deletion.
    std::vector<std::string> kept;
    bool synonyms_changed = false;
};

struct CanaryResult {
    std::string where;     // "canaries.txt:3"
    std::string query;
    std::string expected;  // article id required in the top 10; empty: any hit will do
    bool passed = false;
    std::string detail;    // "12 hits", "expected article not in the top 10: a, b, …"
};

enum class ReindexOutcome {
    published,      // a new build is live
    up_to_date,     // nothing to change: nothing written
    planned,        // dry run: the plan, nothing written
    invalid_input,  // the batch has problems (InvalidInput::refuse): nothing published
    check_failed,   // the new build failed its document count or canary checks: not published
    locked,         // another writer holds the index
    unwritable,     // the index cannot be read, written or switched
    internal,
};
const char* to_string(ReindexOutcome outcome) noexcept;

struct ReindexReport {
    ReindexOutcome outcome = ReindexOutcome::internal;
    std::string message;  // on failure: what went wrong and what the live index is now
    ReindexPlan plan;
    std::vector<Diagnostic> problems;  // every problem in the batch, as path:line: message
    std::string live_build;            // the build that was live when the run started
    std::string build;                 // the build published by this run
    std::size_t articles = 0;          // in the index after the run (planned for a dry run)
    std::size_t sections = 0;
    std::size_t articles_read = 0;     // valid articles in the batch
    std::size_t sections_written = 0;  // sections indexed by this run
    std::size_t synonym_rules = 0;
    std::vector<CanaryResult> canaries;
    double seconds = 0;           // whole run, wall clock
    double validate_seconds = 0;  // pass 1: read, check and hash the batch
    double write_seconds = 0;     // pass 2 and commit: write the new build
    double check_seconds = 0;     // document count and canaries
};

// Runs one batch reindex of `index_dir` (created if missing) from `inputs`:
//  1. takes the writer lock (fails at once with `locked` if another run holds it; a dry run
//     takes no lock and only reads);
//  2. pass 1 reads and checks the whole batch — vocabulary, canary file, every article —
//     streaming, hashing every valid article; every problem becomes a Diagnostic; with
//     InvalidInput::refuse any problem ends the run here, before anything is written;
//  3. plans against the live build's manifest (added / changed / removed / moved / unchanged /
//     kept) — a full rebuild when asked for, or when there is no live build, it has no
//     manifest, or its index format is older;
//  4. writes a new build beside the live one: a full build from scratch; an incremental one
//     starts as a file copy of the live build and gets only the changes (the live build itself
//     is never opened for writing, so readers keep a consistent view): a changed article is
//     updated section by section, so its unchanged sections keep their documents and only the
//     edited ones are rewritten (in place, same docid). The articles to write
//     come from memory when pass 1 could hold them (ReindexOptions::hold_bytes), else from
//     pass 2, which reads the inputs again and refuses an article whose hash changed meanwhile;
//     the spelling table follows (full: rebuilt; incremental: adjusted by the changes);
//  5. syncs the new build, checks it (document count = the manifest's sections, canary
//     queries), switches the stub to it, keeps the build that was live for rollback() and
//     deletes older and abandoned builds.
// Nothing to change (same articles, sources and synonyms): nothing written, up_to_date.
// Uses up to three threads (pass 1, the vocabulary, the copy). Never throws: the report says
// what happened.
ReindexReport reindex(const std::filesystem::path& index_dir, const ReindexInputs& inputs,
                      const ReindexOptions& options);

struct RollbackSummary {
    std::string from;  // the build that was live
    std::string to;    // the build now live (the one that was live before `from`)
};
// Switches the stub back to the build that was live before the current one, in one atomic
// step, after checking that it opens. Takes the writer lock. The build rolled back from stays
// on disk until the next publish. Errors: locked; not_found (no index directory, which is not
// created, no live index, or no earlier build kept); index_corrupt (the earlier build does not
// open); io.
Result<RollbackSummary> rollback(const std::filesystem::path& index_dir);

}  // namespace medsearch
