#include "medsearch/index_writer.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <future>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "medsearch/analyzer.hpp"
#include "medsearch/json_codec.hpp"
#include "medsearch/schema.hpp"
#include "medsearch/searcher.hpp"
#include "query_builder.hpp"
#include "stored_section.hpp"

// Incremental runs and the live build: why a copy.
//
// An incremental run never opens the live build for writing. It copies the live build's files
// into a new build directory, applies the changes there (delete the removed and changed
// articles' documents, add the new versions, adjust spelling and metadata), commits, checks the
// result and publishes it by switching the stub, exactly like a full build. The alternative —
// one WritableDatabase commit on the live build, which Xapian makes atomic for readers — would
// save the copy, but it would publish unchecked (canaries need a committed revision to search),
// give readers holding the old revision DatabaseModifiedError, and leave nothing to roll back
// to: the revision before an in-place commit is gone. With the copy, every run — full or
// incremental — publishes a complete, checked build and keeps the one it replaced, so
// --rollback means the same thing after either.
//
// The price is copying and syncing the live build: on MedQuAD (117 MB of glass tables, 16,384
// sections) the copy takes 0.05–0.1 s (page cache, sendfile) and making it durable ~0.3 s of
// fdatasync. Both run on a thread of their own while pass 1 validates the batch (the sync only
// once pass 1 has seen a change, so a run with nothing to do writes nothing to disk), so they
// hardly show: a run with 1% of the articles edited takes ~0.7–1.0 s against a ~19–25 s full
// rebuild, most of it pass 1 reading the whole batch (bench/RESULTS.md). The cost grows with
// the index, not with the change: for an index many times larger the in-place commit would be
// the better trade, and the plan, checks and report would not change.

namespace medsearch {
namespace fs = std::filesystem;

namespace {

// Xapian refuses terms over 245 bytes; words that long are noise (URLs, base64) anyway.
constexpr std::size_t kMaxWordBytes = 64;
constexpr std::size_t kMaxTermBytes = 245;
// Gap between title and each also-called name, so a phrase never spans two names (or searches).
constexpr Xapian::termpos kNameGap = 100;
// Version of what an article becomes in the index (terms, values, document data). It salts the
// content hash, so raising it makes every article "changed" and the next run rewrites them all.
// 2: sentence gaps in positions; 3: "can", "could", "did" out of name keys; 4: the frequency kind;
// 5: genetic changes apart from inheritance; 6: What It Feels Like sections are symptoms; 7: the
// how-it-works kind; 8: the what-to-expect kind; 9: the stages kind; 10: "before", "after",
// "during" etc. out of name keys; 11: "under", "below" etc. too; 12: "something", "anyone" etc.;
// 13: "all", "some" etc.; 14: Spanish "si", "le", "pero" etc.; 15: irregular plurals stemmed
// as their singular ("feet" as "foot"); 16: "he", "she", "his", "her" etc.; 17: contractions
// ("what's", "they're", "i'm"); 18: each section's searches (Section::searches); 19: letters
// with full stops as the abbreviation ("M.S." as "ms"), "numbing"/"numbed" a stem apart from
// "numb", and fillers and Spanish helper verbs ("kinda", "tengo") out of name keys; 20: "barre"
// a stem apart from "barr".
constexpr int kIndexFormat = 20;
constexpr std::string_view kBuildPrefix = "build-";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string utc_stamp(const char* format, std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

bool fsync_path(const fs::path& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// Every file of a build, then the directory: a build must be on disk before the stub names it.
// Xapian's own fsyncs are off while building (DB_NO_SYNC): one pass here makes it durable.
bool sync_build(const fs::path& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && !fsync_path(it->path(), O_RDONLY)) return false;
    }
    return !ec && fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

bool parse_hex64(const std::string& s, std::uint64_t& out) {
    if (s.size() != 16) return false;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s.c_str(), &end, 16);
    if (errno != 0 || end != s.c_str() + s.size()) return false;
    out = v;
    return true;
}

// FNV-1a, 64 bits: simple, stable across compilers and machines (std::hash is neither).
class Fnv1a {
public:
    void bytes(std::string_view s) {
        for (unsigned char c : s) {
            h_ ^= c;
            h_ *= 0x100000001b3ULL;
        }
    }
    // Fixed-width sizes make the encoding unambiguous: ("ab","c") never hashes as ("a","bc").
    void size(std::uint64_t n) {
        char b[8];
        for (int i = 0; i < 8; ++i) b[i] = char((n >> (8 * i)) & 0xff);
        bytes(std::string_view(b, 8));
    }
    void field(std::string_view s) {
        size(s.size());
        bytes(s);
    }
    void list(const std::vector<std::string>& v) {
        size(v.size());
        for (const auto& s : v) field(s);
    }
    std::uint64_t value() const { return h_; }

private:
    std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

// Terms Xapian would refuse (over 245 bytes) make add_document throw halfway through a build:
// find them while validating, so they are reported as input problems with their line.
void check_indexable(const Article& a, std::vector<std::string>& messages) {
    const std::string lang = a.language.empty() ? std::string("en") : a.language;
    if (schema::kLanguagePrefix.size() + lang.size() > kMaxTermBytes)
        messages.push_back("language: longer than " + std::to_string(kMaxTermBytes - 2) + " bytes");
    for (std::size_t i = 0; i < a.sections.size(); ++i) {
        std::size_t n = schema::kIdPrefix.size() + a.id.size() + 1 + a.sections[i].anchor.size();
        if (n > kMaxTermBytes)
            messages.push_back("sections[" + std::to_string(i) + "]: id and anchor together are " + std::to_string(n) +
                               " bytes in the index; the limit is " + std::to_string(kMaxTermBytes));
    }
    for (std::size_t i = 0; i < a.topics.size(); ++i) {
        if (schema::kTopicPrefix.size() + fold(a.topics[i]).size() > kMaxTermBytes)
            messages.push_back("topics[" + std::to_string(i) + "]: longer than " +
                               std::to_string(kMaxTermBytes - schema::kTopicPrefix.size()) + " bytes");
    }
    if (!a.source.empty() && schema::kSourcePrefix.size() + fold(a.source).size() > kMaxTermBytes)
        messages.push_back("source: longer than " + std::to_string(kMaxTermBytes - schema::kSourcePrefix.size()) +
                           " bytes");
}

std::size_t text_bytes(const Article& a) {
    std::size_t n = a.id.size() + a.title.size() + a.source.size() + a.url.size() + 256;
    for (const auto& s : a.also_called) n += s.size() + 32;
    for (const auto& s : a.topics) n += s.size() + 32;
    for (const auto& s : a.sections) {
        n += s.text.size() + s.heading.size() + s.heading_path.size() + s.anchor.size() + 128;
        for (const auto& search : s.searches) n += search.size() + 32;
    }
    return n;
}

// Words worth suggesting: body words of 4–40 bytes without digits (doses and codes are not).
bool spelling_wanted(const std::string& w) {
    if (w.size() < 4 || w.size() > 40) return false;
    for (unsigned char c : w)
        if (c >= '0' && c <= '9') return false;
    return true;
}

// Body terms are unprefixed; every prefixed term starts with a capital letter.
bool is_body_term(const std::string& term) { return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z'); }

// The word of a term the spelling table counts: a body word, or a word of the section's searches
// (people type those words, so they are words to correct towards); empty for any other term.
std::string_view spelling_word(const std::string& term) {
    if (is_body_term(term)) return term;
    const std::string_view prefix = schema::kSearchesPrefix;
    if (term.size() > prefix.size() && term.compare(0, prefix.size(), prefix) == 0 && is_body_term(term.substr(prefix.size())))
        return std::string_view(term).substr(prefix.size());
    return {};
}

// The vocabulary's words as the spelling table counts them: one per occurrence in a rule.
std::map<std::string, unsigned> vocabulary_words(const SynonymMap& synonyms, Analyzer& analyzer) {
    std::map<std::string, unsigned> words;
    for (const auto& rule : synonyms.rules())
        for (const auto* side : {&rule.from, &rule.to})
            for (const auto& entry : *side)
                for (auto& token : analyzer.tokenize(entry))
                    if (!token.all_caps && spelling_wanted(token.word)) ++words[token.word];
    return words;
}

// The vocabulary the run was given, which replaces the stored one. Given files that hold no rule
// at all (empty, or comments only) are most likely the wrong files: read as they are, they would
// wipe the vocabulary, so each is a problem, as a directory without synonym files is. Clearing it
// is --no-synonyms' job (no paths). One such file among others that hold rules is harmless.
SynonymMap read_vocabulary(const std::vector<fs::path>& paths, Analyzer& analyzer,
                           std::vector<Diagnostic>& problems) {
    SynonymMap synonyms;
    const std::size_t before = problems.size();
    for (const auto& path : paths) synonyms.add_path(path, analyzer, problems);
    if (paths.empty() || synonyms.rule_count() != 0 || problems.size() != before) return synonyms;
    for (const auto& path : paths) {
        std::error_code ec;
        problems.push_back(Diagnostic{
            path.string(), 0,
            std::string(fs::is_directory(path, ec) ? "no synonym rules in the directory's files"
                                                   : "no synonym rules in the file") +
                " (only blank lines and comments); --no-synonyms clears the vocabulary"});
    }
    return synonyms;
}

// ---- the manifest ----

struct ManifestEntry {
    std::uint64_t hash = 0;
    std::string path;
    std::size_t sections = 0;
};
using Manifest = std::map<std::string, ManifestEntry>;  // sorted: deterministic JSON and plans

std::string manifest_to_json(const Manifest& manifest) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [id, e] : manifest)
        j[id] = {{"hash", hex64(e.hash)}, {"path", e.path}, {"sections", e.sections}};
    return dump_json(j);
}

bool manifest_from_json(const std::string& text, Manifest& out) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    for (const auto& [id, e] : j.items()) {
        if (!e.is_object() || !e.contains("hash") || !e["hash"].is_string()) return false;
        ManifestEntry entry;
        if (!parse_hex64(e["hash"].get<std::string>(), entry.hash)) return false;
        if (e.contains("path") && e["path"].is_string()) entry.path = e["path"].get<std::string>();
        if (e.contains("sections") && e["sections"].is_number_unsigned()) entry.sections = e["sections"].get<std::size_t>();
        out.emplace(id, std::move(entry));
    }
    return true;
}

std::size_t manifest_sections(const Manifest& m) {
    std::size_t n = 0;
    for (const auto& [id, e] : m) n += e.sections;
    return n;
}

// ---- the index directory: stub, lock, builds ----

fs::path stub_path(const fs::path& dir) { return dir / std::string(schema::kStubFile); }

// The build the stub names: "" when there is no stub. Errors: index_corrupt (unexpected stub).
Result<std::string> read_stub(const fs::path& dir) {
    std::ifstream in(stub_path(dir));
    if (!in) {
        std::error_code ec;
        if (!fs::exists(stub_path(dir), ec)) return std::string();
        return Error{Errc::io, stub_path(dir).string() + ": cannot read stub file"};
    }
    std::string kind, name;
    in >> kind >> name;
    if (kind != "auto" || name.rfind(kBuildPrefix, 0) != 0 || name.find('/') != std::string::npos)
        return Error{Errc::index_corrupt,
                     stub_path(dir).string() + ": expected \"auto build-…\", found something else"};
    return name;
}

// Publish: a complete stub renamed over the old one, so readers see the old or the new build.
Status write_stub(const fs::path& dir, const std::string& build) {
    fs::path stub = stub_path(dir);
    fs::path tmp = dir / (std::string(schema::kStubFile) + ".tmp");
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "auto " << build << "\n";
        out.flush();
        if (!out) return Error{Errc::io, tmp.string() + ": cannot write stub file"};
    }
    if (!fsync_path(tmp, O_RDONLY)) return Error{Errc::io, tmp.string() + ": cannot sync stub file"};
    std::error_code ec;
    fs::rename(tmp, stub, ec);
    if (ec) return Error{Errc::io, stub.string() + ": cannot switch stub file: " + ec.message()};
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    return Ok{};
}

// The one writer of an index directory: flock() on DIR/.lock, released when the process ends
// however it ends, so a killed run never leaves the index locked.
class WriterLock {
public:
    static Result<WriterLock> acquire(const fs::path& dir) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) return Error{Errc::io, dir.string() + ": cannot create index directory: " + ec.message()};
        fs::path lock_path = dir / ".lock";
        int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return Error{Errc::io, lock_path.string() + ": cannot open lock file: " + std::strerror(errno)};
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd);
            return Error{Errc::locked, dir.string() + ": another medsearch-index is writing this index (" +
                                           lock_path.string() + " is locked); try again when it has finished"};
        }
        return WriterLock(fd);
    }
    WriterLock(WriterLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    WriterLock& operator=(WriterLock&& o) noexcept {
        std::swap(fd_, o.fd_);
        return *this;
    }
    ~WriterLock() {
        if (fd_ >= 0) ::close(fd_);
    }

private:
    explicit WriterLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

// A fresh build directory name. Names sort by creation time; the pid and a counter keep two
// builds of one millisecond apart. The seconds and the milliseconds come from one reading of
// the clock: two readings could straddle a second (…00.999 read, then …01), and the name, a
// second late, sorted after the next run's.
std::string new_build_name(const fs::path& dir) {
    const auto now = std::chrono::system_clock::now();
    const auto second = std::chrono::floor<std::chrono::seconds>(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - second).count();
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "%03d-%d", int(ms), int(::getpid()));
    std::string base = std::string(kBuildPrefix) + utc_stamp("%Y%m%dT%H%M%S", second) + suffix;
    std::string name = base;
    std::error_code ec;
    for (int n = 2; fs::exists(dir / name, ec); ++n) name = base + "-" + std::to_string(n);
    return name;
}

// What a build says about itself (schema::kMetaBuild).
struct BuildInfo {
    bool published = false;  // has the description publication writes (last, before the commit)
    bool linked = false;     // has a "previous" entry (builds before the manifest existed do not)
    std::string previous;    // the build that was live when this one was published; "" if none
    int format = 0;
};

BuildInfo build_info(const Xapian::Database& db) {
    BuildInfo info;
    auto j = nlohmann::json::parse(db.get_metadata(std::string(schema::kMetaBuild)), nullptr, false);
    if (j.is_object()) {
        info.published = true;
        info.linked = j.contains("previous") && j["previous"].is_string();
        info.previous = j.value("previous", std::string());
        info.format = j.value("format", 0);
    }
    return info;
}

std::optional<BuildInfo> build_info(const fs::path& build_dir) {
    try {
        Xapian::Database db(build_dir.string(), Xapian::DB_BACKEND_GLASS);
        return build_info(db);
    } catch (const Xapian::Error&) {
        return std::nullopt;
    }
}

// After publishing `live`: keep it and the chain of builds live before it (up to
// `keep_previous`); delete every other build directory — older builds, builds rolled back
// from, and whatever a killed run left half-written.
void remove_old_builds(const fs::path& dir, const std::string& live, const std::string& previous,
                       std::size_t keep_previous) {
    std::set<std::string> keep{live};
    std::string name = previous;
    for (std::size_t i = 0; i < keep_previous && !name.empty() && !keep.count(name); ++i) {
        keep.insert(name);
        auto info = build_info(dir / name);
        name = info ? info->previous : std::string();
    }
    std::error_code ec;
    std::vector<fs::path> doomed;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        auto n = it->path().filename().string();
        std::error_code type_ec;
        if (n.rfind(kBuildPrefix, 0) == 0 && !keep.count(n) && it->is_directory(type_ec)) doomed.push_back(it->path());
    }
    for (const auto& p : doomed) fs::remove_all(p, ec);  // best effort: the next run tries again
}

// ---- the live index ----

struct LiveIndex {
    std::string build;     // "" when there is none
    std::string previous;  // the build live before it, kept for rollback
    bool has_manifest = false;
    int format = 0;
    Manifest manifest;
    std::string synonyms;  // serialized
    std::size_t documents = 0;
};

Result<LiveIndex> read_live(const fs::path& dir) {
    LiveIndex live;
    auto stub = read_stub(dir);
    if (!stub.ok()) return stub.error();
    live.build = stub.value();
    if (live.build.empty()) return live;
    fs::path path = dir / live.build;
    try {
        Xapian::Database db(path.string(), Xapian::DB_BACKEND_GLASS);
        live.documents = db.get_doccount();
        BuildInfo info = build_info(db);
        live.format = info.format;
        live.previous = info.previous;
        live.synonyms = db.get_metadata(std::string(schema::kMetaSynonyms));
        std::string manifest = db.get_metadata(std::string(schema::kMetaManifest));
        live.has_manifest = !manifest.empty() && manifest_from_json(manifest, live.manifest);
    } catch (const Xapian::Error& e) {
        return Error{Errc::index_corrupt, path.string() + ": cannot read the live build: " + e.get_msg()};
    }
    return live;
}

// ---- writing documents ----

// One article's sections as Xapian documents, written to one build. Not thread-safe.
class DocumentWriter {
public:
    using WordCounts = std::map<std::string, unsigned>;

    explicit DocumentWriter(Xapian::WritableDatabase& db) : db_(db) {}

    // Adds every section of a new article; returns the number of sections written. `words` (may
    // be null) counts, per body word, the documents it occurs in: the spelling frequencies.
    std::size_t add(const Article& article, WordCounts* words) {
        prepare(article);
        for (std::size_t i = 0; i < article.sections.size(); ++i) {
            // add, not replace: ids are unique in a batch (read_corpus and IndexBuilder::add
            // refuse duplicates), so the lookup of the id term a replace costs would find
            // nothing. Were a build ever inconsistent, the document count check would refuse it.
            db_.add_document(section_document(article, i, encode_section(article, article.sections[i], i), words));
        }
        return article.sections.size();
    }

    // Brings a changed article's sections in the build up to date, section by section: a section
    // whose stored document data is identical (the data holds every input of its terms) is left
    // untouched; a changed one is replaced under its docid; a new one added; a gone one deleted.
    // An edit to one section of a long article so rewrites one document, not all of them.
    // Returns the number of sections written. `added`/`removed` count spelling words as add does.
    std::size_t update(const Article& article, WordCounts& added, WordCounts& removed) {
        struct Old {
            Xapian::docid docid;
            std::string data;
        };
        std::unordered_map<std::string, Old> old;  // anchor → its document
        std::vector<Xapian::docid> unreadable;
        const std::string term = std::string(schema::kArticlePrefix) + article.id;
        for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
            std::string data = db_.get_document(*it).get_data();
            StoredSection stored;
            if (decode_section(data, stored)) old.emplace(stored.section.anchor, Old{*it, std::move(data)});
            else unreadable.push_back(*it);
        }
        prepare(article);
        std::size_t written = 0;
        for (std::size_t i = 0; i < article.sections.size(); ++i) {
            std::string data = encode_section(article, article.sections[i], i);
            auto o = old.find(article.sections[i].anchor);
            if (o != old.end() && o->second.data == data) {
                old.erase(o);
                continue;
            }
            Xapian::Document doc = section_document(article, i, std::move(data), &added);
            if (o != old.end()) {
                count_words(o->second.docid, removed);
                db_.replace_document(o->second.docid, doc);
                old.erase(o);
            } else {
                db_.add_document(doc);
            }
            ++written;
        }
        for (const auto& [anchor, o] : old) unreadable.push_back(o.docid);
        for (Xapian::docid did : unreadable) {
            count_words(did, removed);
            db_.delete_document(did);
        }
        return written;
    }

    // Deletes every section of an article, counting its spelling words into `removed`.
    void remove(const std::string& id, WordCounts& removed) {
        const std::string term = std::string(schema::kArticlePrefix) + id;
        for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) count_words(*it, removed);
        db_.delete_document(term);
    }

    Analyzer& analyzer() { return analyzer_; }

private:
    struct Term {
        std::string word;
        const std::string* stem;
        Xapian::termpos pos;
    };

    // What every section of an article shares: title and also-called names are indexed in each
    // section, so they are analysed once.
    void prepare(const Article& article) {
        lang_ = article.language.empty() ? std::string("en") : article.language;
        stems_now_ = &stems_[lang_];
        title_terms_.clear();
        Xapian::termpos pos = 0;
        analyse(article.title, pos, title_terms_);
        for (const auto& name : article.also_called) {
            pos += kNameGap;
            analyse(name, pos, title_terms_);
        }
        name_terms_.clear();
        auto add_name = [&](std::string_view name) {
            std::vector<std::string> w;
            for (auto& t : analyzer_.tokenize(name)) w.push_back(std::move(t.word));
            if (std::string term = name_term(w); !term.empty()) name_terms_.push_back(std::move(term));
        };
        add_name(article.title);
        for (const auto& name : article.also_called) add_name(name);
        filters_.clear();
        filters_.push_back(std::string(schema::kArticlePrefix) + article.id);
        filters_.push_back(std::string(schema::kLanguagePrefix) + lang_);
        for (const auto& topic : article.topics) filters_.push_back(std::string(schema::kTopicPrefix) + fold(topic));
        if (!article.source.empty()) filters_.push_back(std::string(schema::kSourcePrefix) + fold(article.source));
    }

    // Section i of the article last prepare()d, with `data` (encode_section) as its data.
    Xapian::Document section_document(const Article& article, std::size_t i, std::string data, WordCounts* words) {
        const Section& s = article.sections[i];
        Xapian::Document doc;
        section_terms_.clear();
        Xapian::termpos pos = 0;
        analyse(s.text, pos, section_terms_);
        post(doc, section_terms_, schema::kBodyPrefix);
        if (words)
            for (const auto& t : section_terms_) seen_.insert(t.word);
        section_terms_.clear();
        pos = 0;
        analyse(s.heading_path.empty() ? s.heading : s.heading_path, pos, section_terms_);
        post(doc, section_terms_, schema::kHeadingPrefix);
        post(doc, title_terms_, schema::kTitlePrefix);
        section_terms_.clear();
        pos = 0;
        for (const auto& search : s.searches) {
            analyse(search, pos, section_terms_);
            pos += kNameGap;  // a phrase never spans two searches
        }
        post(doc, section_terms_, schema::kSearchesPrefix);
        if (words) {
            // Distinct body and search words of this document, as add_spelling_data counts them.
            for (const auto& t : section_terms_) seen_.insert(t.word);
            for (const auto& w : seen_)
                if (spelling_wanted(w)) ++(*words)[w];
            seen_.clear();
        }
        for (const auto& t : name_terms_) doc.add_term(t);

        doc.add_boolean_term(std::string(schema::kIdPrefix) + article.id + "#" + s.anchor);
        for (const auto& f : filters_) doc.add_boolean_term(f);
        // wdf 1, not boolean: the term both filters and carries the section-intent boost.
        doc.add_term(std::string(schema::kKindPrefix) + std::string(to_string(s.kind)));
        doc.add_value(schema::kSlotArticle, article.id);
        if (!article.updated.empty()) doc.add_value(schema::kSlotUpdated, article.updated);
        doc.set_data(data);
        return doc;
    }

    // The spelling words of a document about to be replaced or deleted, each once.
    void count_words(Xapian::docid did, WordCounts& words) {
        for (auto t = db_.termlist_begin(did); t != db_.termlist_end(did); ++t) {
            const std::string term = *t;
            if (const std::string_view w = spelling_word(term); !w.empty() && spelling_wanted(std::string(w)))
                seen_.insert(std::string(w));
        }
        for (const auto& w : seen_) ++words[w];
        seen_.clear();
    }

    void analyse(std::string_view text, Xapian::termpos& pos, std::vector<Term>& out) {
        for (auto& token : analyzer_.tokenize(text)) {
            pos += token.starts_sentence ? schema::kSentenceGap : 1;
            if (token.word.size() > kMaxWordBytes) continue;
            auto it = stems_now_->find(token.word);
            if (it == stems_now_->end()) it = stems_now_->emplace(token.word, analyzer_.stem(token.word, lang_)).first;
            out.push_back(Term{std::move(token.word), &it->second, pos});
        }
    }

    // Positional unstemmed terms and wdf-only stemmed terms (Z<prefix><stem>), as Xapian's
    // QueryParser expects them.
    void post(Xapian::Document& doc, const std::vector<Term>& terms, std::string_view prefix) {
        for (const auto& t : terms) {
            term_.assign(prefix);
            term_ += t.word;
            doc.add_posting(term_, t.pos);
            term_.assign(schema::kStemPrefix);
            term_ += prefix;
            term_ += *t.stem;
            doc.add_term(term_);
        }
    }

    Xapian::WritableDatabase& db_;
    Analyzer analyzer_;
    std::unordered_map<std::string, std::unordered_map<std::string, std::string>> stems_;  // language → word → stem
    // The article being written (prepare()).
    std::string lang_;
    std::unordered_map<std::string, std::string>* stems_now_ = nullptr;
    std::vector<Term> title_terms_, section_terms_;
    std::vector<std::string> name_terms_, filters_;
    std::set<std::string> seen_;
    std::string term_;
};

// Spelling data of a full build: every distinct body or search word with the number of
// sections that have it, and every vocabulary word, added once at the end (adding words as
// documents are indexed costs far more for the same table).
void add_spelling_data(Xapian::WritableDatabase& db, const std::map<std::string, unsigned>& vocabulary) {
    const std::string searches(schema::kSearchesPrefix);
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
        const std::string& term = *it;
        if (is_body_term(term) && spelling_wanted(term) && !db.term_exists(searches + term))
            db.add_spelling(term, it.get_termfreq());
    }
    // A word in both fields counts each section once, as count_words does.
    for (auto it = db.allterms_begin(searches); it != db.allterms_end(searches); ++it) {
        const std::string word = (*it).substr(searches.size());
        if (!is_body_term(word) || !spelling_wanted(word)) continue;
        std::set<Xapian::docid> sections(db.postlist_begin(*it), db.postlist_end(*it));
        if (db.term_exists(word)) sections.insert(db.postlist_begin(word), db.postlist_end(word));
        db.add_spelling(word, static_cast<Xapian::termcount>(sections.size()));
    }
    for (const auto& [word, n] : vocabulary) db.add_spelling(word, n);
}

Xapian::WritableDatabase open_writable(const fs::path& path, int action) {
    // Xapian 1.4 takes its flush threshold from the environment only. No fsync per commit: a
    // build is invisible until published, and sync_build() makes it durable once, before that.
    return Xapian::WritableDatabase(path.string(), action | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
}

void set_flush_threshold(std::size_t n) {
    ::setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(n).c_str(), 0);
}

std::string build_metadata(const std::string& build, const std::string& previous, const char* mode,
                           std::size_t articles, std::size_t sections, std::size_t rules) {
    nlohmann::json j = {{"build", build},       {"previous", previous},
                        {"published", utc_stamp("%Y-%m-%dT%H:%M:%SZ", std::chrono::system_clock::now())},
                        {"mode", mode},         {"format", kIndexFormat},
                        {"articles", articles}, {"sections", sections},
                        {"synonym_rules", rules}};
    return dump_json(j);
}

// Removes a build directory unless released: a failed or abandoned build leaves nothing behind.
class BuildGuard {
public:
    explicit BuildGuard(fs::path path) : path_(std::move(path)) {}
    ~BuildGuard() {
        if (!path_.empty()) {
            std::error_code ec;
            fs::remove_all(path_, ec);
        }
    }
    void release() { path_.clear(); }
    BuildGuard(const BuildGuard&) = delete;
    BuildGuard& operator=(const BuildGuard&) = delete;

private:
    fs::path path_;
};

// Copies the live build's files into a new directory. A glass database is a handful of files;
// copy_file runs in the kernel (sendfile), no user-space buffers. Never throws: it runs on the
// copier thread.
Status copy_build(const fs::path& from, const fs::path& to) noexcept try {
    std::error_code ec;
    fs::create_directory(to, ec);
    if (ec) return Error{Errc::io, to.string() + ": cannot create build directory: " + ec.message()};
    fs::directory_iterator it(from, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        fs::copy_file(it->path(), to / it->path().filename(), ec);
        if (ec) return Error{Errc::io, (to / it->path().filename()).string() + ": cannot copy: " + ec.message()};
    }
    if (ec) return Error{Errc::io, from.string() + ": cannot list: " + ec.message()};
    return Ok{};
} catch (const std::exception& e) {
    return Error{Errc::io, to.string() + ": cannot copy the live build: " + e.what()};
}

// Tells the copier thread whether the run will publish, so it can make the copy of the live
// build durable (fsync) while pass 1 still runs. Syncing ~100 MB costs ~0.3 s on our disks; done
// early it overlaps validation. A run that finds nothing to change never syncs its copy, and
// deletes it before the kernel writes it out: a no-op run costs no disk writes. Thread-safe.
class ChangeSignal {
public:
    void change_seen() { set(change_seen_); }
    void pass_done() { set(pass_done_); }  // also when pass 1 fails, or the copier waits forever
    // Blocks until a change was seen or pass 1 ended; true for a change.
    bool wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return change_seen_ || pass_done_; });
        return change_seen_;
    }

private:
    void set(bool& flag) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            flag = true;
        }
        ready_.notify_all();
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    bool change_seen_ = false;
    bool pass_done_ = false;
};

// ---- canaries ----

struct Canary {
    std::string where;
    std::string query;
    std::string expected;
};

std::vector<Canary> read_canaries(const fs::path& path, std::vector<Diagnostic>& problems) {
    std::vector<Canary> out;
    std::ifstream in(path);
    if (!in) {
        problems.push_back({path.string(), 0, "cannot open canary file"});
        return out;
    }
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        auto trim = [](std::string s) {
            auto b = s.find_first_not_of(" \t\r");
            auto e = s.find_last_not_of(" \t\r");
            return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
        };
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        Canary c{path.string() + ":" + std::to_string(n), line, {}};
        if (auto arrow = line.rfind("=>"); arrow != std::string::npos) {
            c.query = trim(line.substr(0, arrow));
            c.expected = trim(line.substr(arrow + 2));
            if (c.expected.empty()) {
                problems.push_back({path.string(), n, "expected an article id after \"=>\""});
                continue;
            }
        }
        if (c.query.empty()) {
            problems.push_back({path.string(), n, "empty canary query"});
            continue;
        }
        if (c.query.size() > kMaxQueryBytes) {
            problems.push_back({path.string(), n, "canary query longer than " + std::to_string(kMaxQueryBytes) + " bytes"});
            continue;
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<CanaryResult> run_canaries(const fs::path& build, const std::vector<Canary>& canaries) {
    std::vector<CanaryResult> results;
    if (canaries.empty()) return results;
    auto searcher = Searcher::open(build);
    for (const auto& c : canaries) {
        CanaryResult r{c.where, c.query, c.expected, false, {}};
        if (!searcher.ok()) {
            r.detail = "cannot open the new build: " + searcher.error().message;
            results.push_back(std::move(r));
            continue;
        }
        SearchRequest request;
        request.query = c.query;
        request.size = 10;
        auto response = searcher.value().search(request);
        if (!response.ok()) {
            r.detail = "search failed: " + response.error().message;
        } else if (response.value().hits.empty()) {
            r.detail = "no hits";
        } else if (c.expected.empty()) {
            r.passed = true;
            r.detail = std::to_string(response.value().total) + " hits";
        } else {
            std::string top;
            for (const auto& hit : response.value().hits) {
                if (hit.article.id == c.expected) r.passed = true;
                if (top.size() < 200) top += (top.empty() ? "" : ", ") + hit.article.id;
            }
            r.detail = r.passed ? "\"" + c.expected + "\" in the top 10"
                                : "\"" + c.expected + "\" not in the top 10: " + top;
        }
        results.push_back(std::move(r));
    }
    return results;
}

// Memoised canonical form of a source path, so moving the working directory or spelling a path
// differently ("./corpus/a.md") does not look like a moved article.
class SourcePaths {
public:
    const std::string& key(const std::string& path) {
        auto it = keys_.find(path);
        if (it != keys_.end()) return it->second;
        std::error_code ec;
        fs::path p = fs::weakly_canonical(path, ec);
        if (ec) p = fs::path(path).lexically_normal();
        return keys_.emplace(path, p.string()).first->second;
    }

private:
    std::unordered_map<std::string, std::string> keys_;
};

}  // namespace

// ---- article_hash ----

std::uint64_t article_hash(const Article& a) {
    Fnv1a h;
    h.field("medsearch.article");
    h.size(kIndexFormat);
    h.field(a.id);
    h.field(a.title);
    h.list(a.also_called);
    h.list(a.topics);
    h.field(a.audience);
    h.field(a.source);
    h.field(a.url);
    h.field(a.updated);
    h.field(a.language);
    h.size(a.sections.size());
    for (const auto& s : a.sections) {
        h.field(s.anchor);
        h.field(s.heading);
        h.field(s.heading_path);
        h.field(to_string(s.kind));
        h.field(s.text);
        h.list(s.searches);
    }
    return h.value();
}

const char* to_string(ReindexOutcome outcome) noexcept {
    switch (outcome) {
        case ReindexOutcome::published: return "published";
        case ReindexOutcome::up_to_date: return "up_to_date";
        case ReindexOutcome::planned: return "planned";
        case ReindexOutcome::invalid_input: return "invalid_input";
        case ReindexOutcome::check_failed: return "check_failed";
        case ReindexOutcome::locked: return "locked";
        case ReindexOutcome::unwritable: return "unwritable";
        case ReindexOutcome::internal: return "internal";
    }
    return "internal";
}

// ---- IndexBuilder ----

struct IndexBuilder::Impl {
    fs::path dir;
    std::string build_name;
    fs::path build_path;
    IndexOptions options;
    std::optional<WriterLock> lock;
    std::optional<Xapian::WritableDatabase> db;
    std::optional<DocumentWriter> writer;
    Manifest manifest;
    std::size_t sections = 0;
    bool published = false;

    ~Impl() {
        if (!published) {
            // Leave the live index exactly as it was: the unfinished build goes away.
            writer.reset();
            try {
                if (db) db->close();
            } catch (const Xapian::Error&) {
            }
            db.reset();
            std::error_code ec;
            if (!build_path.empty()) fs::remove_all(build_path, ec);
        }
    }
};

IndexBuilder::IndexBuilder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IndexBuilder::IndexBuilder(IndexBuilder&&) noexcept = default;
IndexBuilder& IndexBuilder::operator=(IndexBuilder&&) noexcept = default;
IndexBuilder::~IndexBuilder() = default;

Result<IndexBuilder> IndexBuilder::begin(const fs::path& index_dir, const IndexOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->dir = index_dir;
    impl->options = options;
    auto lock = WriterLock::acquire(index_dir);
    if (!lock.ok()) return lock.error();
    impl->lock.emplace(std::move(lock).value());
    impl->build_name = new_build_name(index_dir);
    impl->build_path = index_dir / impl->build_name;
    set_flush_threshold(options.flush_threshold);
    try {
        impl->db.emplace(open_writable(impl->build_path, Xapian::DB_CREATE));
    } catch (const Xapian::Error& e) {
        return Error{Errc::io, impl->build_path.string() + ": cannot create database: " + e.get_msg()};
    }
    impl->writer.emplace(*impl->db);
    return IndexBuilder(std::move(impl));
}

Status IndexBuilder::add(const Article& article) {
    auto& d = *impl_;
    if (d.manifest.count(article.id))
        return Error{Errc::invalid_input, "duplicate article id \"" + article.id + "\""};
    std::vector<std::string> messages;
    check_indexable(article, messages);
    if (!messages.empty()) return Error{Errc::invalid_input, "article \"" + article.id + "\": " + messages.front()};
    try {
        std::size_t n = d.writer->add(article, nullptr);
        d.sections += n;
        d.manifest.emplace(article.id, ManifestEntry{article_hash(article), {}, n});
    } catch (const Xapian::Error& e) {
        return Error{Errc::io, d.build_path.string() + ": cannot add article \"" + article.id + "\": " + e.get_msg()};
    }
    return Ok{};
}

Result<BuildSummary> IndexBuilder::publish(const SynonymMap& synonyms) {
    auto& d = *impl_;
    std::string previous;
    if (auto live = read_stub(d.dir); live.ok()) previous = live.value();
    try {
        d.db->set_metadata(std::string(schema::kMetaSynonyms), synonyms.serialize());
        d.db->set_metadata(std::string(schema::kMetaManifest), manifest_to_json(d.manifest));
        d.db->set_metadata(std::string(schema::kMetaBuild),
                           build_metadata(d.build_name, previous, "full", d.manifest.size(), d.sections,
                                          synonyms.rule_count()));
        d.db->commit();
        add_spelling_data(*d.db, vocabulary_words(synonyms, d.writer->analyzer()));
        d.db->commit();
        d.writer.reset();
        d.db->close();
    } catch (const Xapian::Error& e) {
        return Error{Errc::io, d.build_path.string() + ": cannot commit: " + e.get_msg()};
    }
    d.db.reset();
    if (!sync_build(d.build_path)) return Error{Errc::io, d.build_path.string() + ": cannot sync the build to disk"};
    if (auto st = write_stub(d.dir, d.build_name); !st.ok()) return st.error();
    d.published = true;
    remove_old_builds(d.dir, d.build_name, previous, d.options.keep_previous);
    return BuildSummary{d.manifest.size(), d.sections, d.build_name};
}

// ---- reindex ----

namespace {

// What the helper thread prepares while pass 1 runs: the vocabulary, reduced to what the run
// needs, and the SynonymMap freed there too (freeing thousands of rules is measurable against an
// incremental run's budget).
struct Prepared {
    std::string serialized;
    std::size_t rules = 0;
    bool changed = false;                           // differs from the live build's
    std::map<std::string, unsigned> vocabulary;     // its spelling words (full builds; when changed)
    std::map<std::string, unsigned> old_vocabulary; // the live build's (incremental, when changed)
    std::vector<Diagnostic> problems;
};

// What pass 1 learnt about one valid article of the batch.
struct BatchEntry {
    std::uint64_t hash = 0;
    std::string path;  // canonical source path
    std::size_t sections = 0;
};

class Reindexer {
public:
    Reindexer(const fs::path& dir, const ReindexInputs& inputs, const ReindexOptions& options)
        : dir_(dir), inputs_(inputs), options_(options) {}

    ReindexReport run() {
        auto started = Clock::now();
        try {
            step();
            guard_.reset();  // an unpublished build goes now, inside the time reported
        } catch (const Xapian::Error& e) {
            fail(ReindexOutcome::unwritable, "Xapian: " + e.get_description());
        } catch (const std::exception& e) {
            fail(ReindexOutcome::internal, std::string("internal error: ") + e.what());
        }
        report_.seconds = seconds_since(started);
        return std::move(report_);
    }

private:
    void fail(ReindexOutcome outcome, std::string message) {
        report_.outcome = outcome;
        report_.message = std::move(message);
    }

    void progress(ReindexProgress::Phase phase, std::size_t done, std::size_t total, std::size_t sections) {
        if (options_.progress) options_.progress(ReindexProgress{phase, done, total, sections});
    }

    void step() {
        // 1. One writer at a time, decided before any work.
        if (!options_.dry_run) {
            auto lock = WriterLock::acquire(dir_);
            if (!lock.ok()) {
                fail(lock.error().code == Errc::locked ? ReindexOutcome::locked : ReindexOutcome::unwritable,
                     lock.error().message);
                return;
            }
            lock_.emplace(std::move(lock).value());
        }

        // 2. The live build, what it holds.
        LiveIndex live;
        if (auto r = read_live(dir_); r.ok()) {
            live = std::move(r).value();
        } else if (options_.mode == ReindexMode::full) {
            // A full rebuild needs nothing from it; it stays on disk as the build to roll back to.
            auto stub = read_stub(dir_);
            live.build = stub.ok() ? stub.value() : std::string();
        } else {
            fail(ReindexOutcome::unwritable, r.error().message + "; run with --full to rebuild the index");
            return;
        }
        report_.live_build = live.build;
        ReindexPlan& plan = report_.plan;
        plan.full = options_.mode == ReindexMode::full;
        if (options_.mode == ReindexMode::full) plan.full_reason = "asked for";
        else if (live.build.empty()) plan.full = true, plan.full_reason = "no live index";
        else if (!live.has_manifest) plan.full = true, plan.full_reason = "the live build has no manifest";
        else if (live.format != kIndexFormat)
            plan.full = true, plan.full_reason = "index format " + std::to_string(live.format) + " → " +
                                                 std::to_string(kIndexFormat);

        // 3. Validation first: vocabulary, canaries, then every article (pass 1), nothing published.
        // While this thread reads the articles, a helper thread reads the vocabulary and, for an
        // incremental run, a copier thread copies the live build into the new build's directory
        // (scratch space: nothing is published, and the copy is deleted unless this run publishes
        // it) and syncs it once pass 1 has seen a change. These overlaps keep an incremental run
        // within 5% of a full rebuild (bench/RESULTS.md).
        auto validate_start = Clock::now();
        if (!options_.dry_run && !plan.full) {
            build_name_ = new_build_name(dir_);
            guard_.emplace(dir_ / build_name_);
        }
        // The helper threads, joined on every way out of this function; the copier is told first
        // that pass 1 is over, or an exception here would leave it waiting for a change forever.
        struct Helpers {
            ChangeSignal& changes;
            std::future<Status> copier;
            std::future<Prepared> vocabulary;
            ~Helpers() { changes.pass_done(); }  // runs before the futures' destructors join
        } helpers{changes_, {}, {}};
        helpers.copier = std::async(std::launch::async, [this, &live]() -> Status {
            if (!guard_) return Ok{};
            Status copied = copy_build(dir_ / live.build, dir_ / build_name_);
            if (copied.ok() && changes_.wait()) sync_build(dir_ / build_name_);  // redone before publishing
            return copied;
        });
        helpers.vocabulary = std::async(std::launch::async, [this, &live, full = plan.full] {
            Prepared p;
            Analyzer analyzer;
            SynonymMap synonyms = read_vocabulary(inputs_.synonyms, analyzer, p.problems);
            if (inputs_.synonyms.empty() && options_.keep_synonyms && !live.synonyms.empty() &&
                !SynonymMap::deserialize(live.synonyms, analyzer, synonyms))
                p.problems.push_back(Diagnostic{"", 0, "the live build's synonyms cannot be read; give --synonyms"});
            p.serialized = synonyms.serialize();
            p.rules = synonyms.rule_count();
            p.changed = !live.build.empty() && p.serialized != live.synonyms;  // vs no index: nothing to say
            if (guard_ && p.changed) changes_.change_seen();
            if (full || p.changed) p.vocabulary = vocabulary_words(synonyms, analyzer);
            if (!full && p.changed) {
                SynonymMap old;
                if (SynonymMap::deserialize(live.synonyms, analyzer, old))
                    p.old_vocabulary = vocabulary_words(old, analyzer);
            }
            return p;
        });
        if (!options_.canaries.empty()) canaries_ = read_canaries(options_.canaries, report_.problems);
        files_ = collect_inputs(inputs_.articles, report_.problems);
        if (files_.empty() && report_.problems.empty())
            report_.problems.push_back(Diagnostic{"", 0, "no .md, .jsonl or .html files in the inputs"});
        pass_one(live);
        changes_.pass_done();
        prepared_ = helpers.vocabulary.get();
        copied_ = helpers.copier.get();
        report_.problems.insert(report_.problems.begin(), prepared_.problems.begin(), prepared_.problems.end());
        report_.synonym_rules = prepared_.rules;
        report_.validate_seconds = seconds_since(validate_start);

        // 4. The plan.
        make_plan(live);
        plan.synonyms_changed = prepared_.changed;
        std::size_t sections = 0;
        for (const auto& [id, e] : next_manifest_) sections += e.sections;
        report_.articles = next_manifest_.size();
        report_.sections = sections;

        if (!report_.problems.empty() && options_.invalid == InvalidInput::refuse) {
            fail(ReindexOutcome::invalid_input,
                 std::to_string(report_.problems.size()) + " problem(s) in the batch; nothing published, " +
                     (live.build.empty() ? dir_.string() + " has no index yet" : dir_.string() + " is unchanged"));
            return;
        }
        if (batch_.empty()) {
            fail(ReindexOutcome::invalid_input, "no valid article in the batch; nothing published");
            return;
        }
        if (options_.dry_run) {
            report_.outcome = ReindexOutcome::planned;
            return;
        }
        bool changes = !plan.added.empty() || !plan.changed.empty() || !plan.removed.empty() ||
                       !plan.moved.empty() || plan.synonyms_changed;
        if (!plan.full && !changes) {
            report_.outcome = ReindexOutcome::up_to_date;
            report_.articles = live.manifest.size();
            report_.sections = manifest_sections(live.manifest);
            // Still worth doing: remove what runs killed earlier left behind (this run's copy too).
            guard_.reset();
            remove_old_builds(dir_, live.build, live.previous, options_.index.keep_previous);
            return;
        }

        // 5. Write, check, publish.
        write_and_publish(live);
    }

    void pass_one(const LiveIndex& live) {
        std::size_t seen = 0, sections = 0;
        bool change_signalled = false;
        progress(ReindexProgress::Phase::validating, 0, 0, 0);
        std::vector<std::string> messages;
        read_corpus(files_, [&](Article&& article, const std::string& path, std::size_t line) {
            messages.clear();
            check_indexable(article, messages);
            if (!messages.empty()) {
                for (auto& m : messages) report_.problems.push_back({path, line, std::move(m)});
                return true;
            }
            BatchEntry entry{article_hash(article), paths_.key(path), article.sections.size()};
            sections += entry.sections;
            std::string id = article.id;
            // Hold what will be written while it fits the budget: then pass 2 is not needed.
            bool to_write = needs_writing(live, id, entry.hash);
            if (to_write && !change_signalled) {
                changes_.change_seen();
                change_signalled = true;
            }
            if (!held_overflow_ && to_write) {
                held_bytes_ += text_bytes(article);
                if (held_bytes_ > options_.hold_bytes) {
                    held_overflow_ = true;
                    held_.clear();
                    held_.shrink_to_fit();
                } else {
                    held_.push_back(std::move(article));
                }
            }
            batch_.emplace(std::move(id), std::move(entry));
            report_.articles_read = ++seen;
            progress(ReindexProgress::Phase::validating, seen, 0, sections);
            return true;
        }, report_.problems);
    }

    bool needs_writing(const LiveIndex& live, const std::string& id, std::uint64_t hash) const {
        if (report_.plan.full) return true;
        auto it = live.manifest.find(id);
        return it == live.manifest.end() || it->second.hash != hash;
    }

    void make_plan(const LiveIndex& live) {
        ReindexPlan& plan = report_.plan;
        std::set<std::string> problem_paths;
        for (const auto& p : report_.problems)
            if (!p.path.empty()) problem_paths.insert(paths_.key(p.path));
        for (const auto& [id, e] : batch_) {
            auto it = live.manifest.find(id);
            if (it == live.manifest.end()) plan.added.push_back(id);
            else if (it->second.hash != e.hash) plan.changed.push_back(id);
            else if (!it->second.path.empty() && it->second.path != e.path) plan.moved.push_back(id);
            else plan.unchanged.push_back(id);
            next_manifest_.emplace(id, ManifestEntry{e.hash, e.path, e.sections});
        }
        for (const auto& [id, e] : live.manifest) {
            if (batch_.count(id)) continue;
            bool keep = !plan.full && (options_.missing == MissingArticles::keep ||
                                       (options_.invalid == InvalidInput::skip && problem_paths.count(e.path)));
            if (keep) {
                plan.kept.push_back(id);
                next_manifest_.emplace(id, e);
            } else {
                plan.removed.push_back(id);
            }
        }
    }

    void write_and_publish(const LiveIndex& live) {
        auto write_start = Clock::now();
        const ReindexPlan& plan = report_.plan;
        set_flush_threshold(options_.index.flush_threshold);
        std::optional<Xapian::WritableDatabase> db;
        if (plan.full) {
            build_name_ = new_build_name(dir_);
            guard_.emplace(dir_ / build_name_);
            db.emplace(open_writable(dir_ / build_name_, Xapian::DB_CREATE));
        } else {
            if (!copied_.ok()) {
                fail(ReindexOutcome::unwritable, copied_.error().message + "; nothing published");
                return;
            }
            db.emplace(open_writable(dir_ / build_name_, Xapian::DB_OPEN));
        }
        const std::string& name = build_name_;
        const fs::path path = dir_ / name;
        std::optional<DocumentWriter> writer;
        writer.emplace(*db);

        // Incremental: take out the removed articles, with their words' spelling frequencies.
        DocumentWriter::WordCounts words_added, words_removed;
        if (!plan.full)
            for (const auto& id : plan.removed) writer->remove(id, words_removed);

        // Pass 2: the articles to write, from memory if pass 1 could hold them, else read again.
        // Changed articles are updated section by section (DocumentWriter::update).
        std::size_t total = plan.full ? batch_.size() : plan.added.size() + plan.changed.size();
        std::size_t written = 0;
        progress(ReindexProgress::Phase::writing, 0, total, 0);
        auto write = [&](const Article& article) {
            if (plan.full)
                report_.sections_written += writer->add(article, nullptr);
            else if (live.manifest.count(article.id))
                report_.sections_written += writer->update(article, words_added, words_removed);
            else
                report_.sections_written += writer->add(article, &words_added);
            progress(ReindexProgress::Phase::writing, ++written, total, report_.sections_written);
        };
        if (!held_overflow_) {
            for (const auto& article : held_) write(article);
            held_.clear();
        } else {
            std::vector<Diagnostic> again;  // reported by pass 1 already
            std::optional<Diagnostic> changed_underfoot;
            read_corpus(files_, [&](Article&& article, const std::string& path, std::size_t line) {
                auto it = batch_.find(article.id);
                if (it == batch_.end()) return true;  // invalid in pass 1: skipped
                std::uint64_t hash = article_hash(article);
                if (hash != it->second.hash) {
                    changed_underfoot = Diagnostic{path, line, "article \"" + article.id +
                                                                   "\" changed while it was being indexed"};
                    return false;
                }
                if (needs_writing(live, article.id, hash)) write(article);
                return written < total;
            }, again);
            if (changed_underfoot) {
                report_.problems.push_back(*changed_underfoot);
                fail(ReindexOutcome::invalid_input,
                     format_diagnostic(*changed_underfoot) + "; nothing published, run again");
                return;
            }
            if (written != total) {
                fail(ReindexOutcome::invalid_input, "the inputs changed while being indexed (" +
                                                        std::to_string(written) + " of " + std::to_string(total) +
                                                        " articles found again); nothing published, run again");
                return;
            }
        }

        // Metadata and spelling, then one final commit.
        // An unreadable live build is still the one to keep for rollback: it may open later.
        const std::string& previous = live.build;
        // A copied build already holds the vocabulary when it has not changed (and rewriting a
        // large one costs its compression again).
        if (plan.full || plan.synonyms_changed)
            db->set_metadata(std::string(schema::kMetaSynonyms), prepared_.serialized);
        db->set_metadata(std::string(schema::kMetaManifest), manifest_to_json(next_manifest_));
        db->set_metadata(std::string(schema::kMetaBuild),
                         build_metadata(name, previous, plan.full ? "full" : "incremental", report_.articles,
                                        report_.sections, prepared_.rules));
        if (plan.full) {
            db->commit();
            add_spelling_data(*db, prepared_.vocabulary);
        } else {
            if (plan.synonyms_changed) {
                for (const auto& [w, n] : prepared_.old_vocabulary) words_removed[w] += n;
                for (const auto& [w, n] : prepared_.vocabulary) words_added[w] += n;
            }
            for (const auto& [w, n] : words_removed) {
                auto it = words_added.find(w);
                unsigned add = it == words_added.end() ? 0 : it->second;
                if (n > add) db->remove_spelling(w, n - add);
                else if (add > n) db->add_spelling(w, add - n);
                if (it != words_added.end()) words_added.erase(it);
            }
            for (const auto& [w, n] : words_added) db->add_spelling(w, n);
        }
        db->commit();
        writer.reset();
        db->close();
        db.reset();
        if (!sync_build(path)) {
            fail(ReindexOutcome::unwritable, path.string() + ": cannot sync the new build to disk; nothing published");
            return;
        }
        report_.write_seconds = seconds_since(write_start);

        // Checks: the new build must hold exactly the manifest's sections and answer the canaries.
        auto check_start = Clock::now();
        progress(ReindexProgress::Phase::checking, 0, 0, 0);
        try {
            Xapian::Database check(path.string(), Xapian::DB_BACKEND_GLASS);
            if (check.get_doccount() != report_.sections) {
                fail(ReindexOutcome::check_failed,
                     "the new build holds " + std::to_string(check.get_doccount()) + " sections, expected " +
                         std::to_string(report_.sections) + "; nothing published");
                return;
            }
        } catch (const Xapian::Error& e) {
            fail(ReindexOutcome::check_failed, path.string() + ": the new build does not open: " + e.get_msg());
            return;
        }
        report_.canaries = run_canaries(path, canaries_);
        std::size_t failed = 0;
        for (const auto& c : report_.canaries) failed += !c.passed;
        report_.check_seconds = seconds_since(check_start);
        if (failed) {
            fail(ReindexOutcome::check_failed, std::to_string(failed) + " of " + std::to_string(report_.canaries.size()) +
                                                   " canary queries failed; nothing published");
            return;
        }

        if (auto st = write_stub(dir_, name); !st.ok()) {
            fail(ReindexOutcome::unwritable, st.error().message);
            return;
        }
        guard_->release();
        report_.build = name;
        report_.outcome = ReindexOutcome::published;
        remove_old_builds(dir_, name, previous, options_.index.keep_previous);
    }

    fs::path dir_;
    const ReindexInputs& inputs_;
    const ReindexOptions& options_;
    ReindexReport report_;
    std::optional<WriterLock> lock_;
    std::string build_name_;            // the build this run writes
    std::optional<BuildGuard> guard_;   // removes it unless published
    ChangeSignal changes_;              // pass 1 → copier thread: the copy will be published
    Prepared prepared_;                 // the helper thread's work: the vocabulary, its problems
    Status copied_ = Ok{};              // the copier thread's: the copy of the live build
    std::vector<Canary> canaries_;
    std::vector<fs::path> files_;
    SourcePaths paths_;
    std::map<std::string, BatchEntry> batch_;  // valid articles of the batch, by id
    Manifest next_manifest_;
    std::vector<Article> held_;
    std::size_t held_bytes_ = 0;
    bool held_overflow_ = false;
};

}  // namespace

ReindexReport reindex(const fs::path& index_dir, const ReindexInputs& inputs, const ReindexOptions& options) {
    return Reindexer(index_dir, inputs, options).run();
}

Result<RollbackSummary> rollback(const fs::path& index_dir) {
    // Checked before the lock, which creates the directory: a mistyped --db must not leave one.
    std::error_code missing;
    if (!fs::exists(index_dir, missing) && !missing)
        return Error{Errc::not_found, index_dir.string() + ": no such index directory; no earlier build to roll back to"};
    auto lock = WriterLock::acquire(index_dir);
    if (!lock.ok()) return lock.error();
    auto live = read_stub(index_dir);
    if (!live.ok()) return live.error();
    if (live.value().empty()) return Error{Errc::not_found, index_dir.string() + ": no index to roll back"};
    std::string previous;
    auto info = build_info(index_dir / live.value());
    if (info) previous = info->previous;
    if (info && !info->linked) {
        // A live build from before builds named their predecessor: the newest older build that
        // was completed (a build a killed run left behind has no description and is never used).
        std::error_code ec;
        fs::directory_iterator it(index_dir, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            auto n = it->path().filename().string();
            if (n.rfind(kBuildPrefix, 0) != 0 || n >= live.value() || n <= previous) continue;
            if (auto candidate = build_info(it->path()); candidate && candidate->published) previous = n;
        }
    }
    std::error_code ec;
    if (previous.empty() || !fs::is_directory(index_dir / previous, ec))
        return Error{Errc::not_found, index_dir.string() + ": no earlier build kept to roll back to (live: " +
                                          live.value() + ")"};
    try {
        Xapian::Database db((index_dir / previous).string(), Xapian::DB_BACKEND_GLASS);
        (void)db.get_doccount();
    } catch (const Xapian::Error& e) {
        return Error{Errc::index_corrupt, (index_dir / previous).string() + ": the earlier build does not open: " +
                                              e.get_msg() + "; the live index is unchanged"};
    }
    if (auto st = write_stub(index_dir, previous); !st.ok()) return st.error();
    return RollbackSummary{live.value(), previous};
}

}  // namespace medsearch
