#include "medsearch/index_writer.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "medsearch/analyzer.hpp"
#include "medsearch/schema.hpp"
#include "query_builder.hpp"
#include "stored_section.hpp"

namespace medsearch {
namespace fs = std::filesystem;

namespace {

// Xapian refuses terms over 245 bytes; words that long are noise (URLs, base64) anyway.
constexpr std::size_t kMaxWordBytes = 64;
// Gap between title and each also-called name, so a phrase never spans two names.
constexpr Xapian::termpos kNameGap = 100;

std::string utc_stamp(const char* format) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

bool fsync_path(const fs::path& path, int flags) {
    int fd = ::open(path.c_str(), flags);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// Spelling data: every distinct body word (with its frequency) and every vocabulary word, added
// once at the end. Adding words as documents are indexed costs far more for the same table.
void add_spelling_data(Xapian::WritableDatabase& db, const SynonymMap& synonyms, Analyzer& analyzer) {
    auto wanted = [](const std::string& w) {
        if (w.size() < 4 || w.size() > 40) return false;
        for (unsigned char c : w)
            if (c >= '0' && c <= '9') return false;  // doses and codes are not words to suggest
        return true;
    };
    // Prefixed terms start with a capital letter; body words never do.
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
        const std::string& term = *it;
        if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z')) continue;
        if (wanted(term)) db.add_spelling(term, it.get_termfreq());
    }
    for (const auto& rule : synonyms.rules()) {
        for (const auto* side : {&rule.from, &rule.to})
            for (const auto& entry : *side)
                for (auto& token : analyzer.tokenize(entry))
                    if (!token.all_caps && wanted(token.word)) db.add_spelling(token.word, 1);
    }
}

}  // namespace

struct IndexBuilder::Impl {
    fs::path dir;
    std::string build_name;
    fs::path build_path;
    IndexOptions options;
    int lock_fd = -1;
    std::optional<Xapian::WritableDatabase> db;
    Analyzer analyzer;
    std::unordered_map<std::string, std::string> stems;  // language + '\0' + word → stem
    std::unordered_set<std::string> ids;
    std::size_t articles = 0;
    std::size_t sections = 0;
    bool published = false;

    ~Impl() {
        if (!published) {
            // Leave the live index exactly as it was: the unfinished build goes away.
            try {
                if (db) db->close();
            } catch (const Xapian::Error&) {
            }
            db.reset();
            std::error_code ec;
            if (!build_path.empty()) fs::remove_all(build_path, ec);
        }
        if (lock_fd >= 0) ::close(lock_fd);  // releases the flock
    }

    const std::string& stem(const std::string& word, const std::string& language) {
        std::string key = language;
        key += '\0';
        key += word;
        auto it = stems.find(key);
        if (it == stems.end()) it = stems.emplace(std::move(key), analyzer.stem(word, language)).first;
        return it->second;
    }

    void index_text(Xapian::Document& doc, std::string_view text, std::string_view prefix,
                    const std::string& language, Xapian::termpos& pos) {
        std::string term, stem_term;
        for (const auto& token : analyzer.tokenize(text)) {
            ++pos;
            if (token.word.size() > kMaxWordBytes) continue;
            term.assign(prefix);
            term += token.word;
            doc.add_posting(term, pos);
            stem_term.assign(schema::kStemPrefix);
            stem_term += prefix;
            stem_term += stem(token.word, language);
            doc.add_term(stem_term);
        }
    }

    void index_names(Xapian::Document& doc, const Article& article) {
        auto add = [&](std::string_view name) {
            std::vector<std::string> words;
            for (auto& t : analyzer.tokenize(name)) words.push_back(std::move(t.word));
            std::string key = name_key(words);
            if (!key.empty() && key.size() <= 200) doc.add_term(std::string(schema::kNamePrefix) + key);
        };
        add(article.title);
        for (const auto& name : article.also_called) add(name);
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
    std::error_code ec;
    fs::create_directories(index_dir, ec);
    if (ec) return Error{Errc::io, index_dir.string() + ": cannot create index directory: " + ec.message()};

    fs::path lock_path = index_dir / ".lock";
    impl->lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (impl->lock_fd < 0) return Error{Errc::io, lock_path.string() + ": cannot open lock file"};
    if (::flock(impl->lock_fd, LOCK_EX | LOCK_NB) != 0)
        return Error{Errc::locked, index_dir.string() + ": another medsearch-index is writing this index (" +
                                       lock_path.string() + " is locked); try again when it has finished"};

    // Names sort by creation time; the pid keeps two builds in one second apart.
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count() % 1000;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "%03d-%d", int(ms), int(::getpid()));
    impl->build_name = "build-" + utc_stamp("%Y%m%dT%H%M%S") + suffix;
    impl->build_path = index_dir / impl->build_name;

    // Xapian 1.4 takes its flush threshold from the environment only.
    ::setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(options.flush_threshold).c_str(), 0);
    try {
        impl->db.emplace(impl->build_path.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
    } catch (const Xapian::Error& e) {
        std::string message = impl->build_path.string() + ": cannot create database: " + e.get_msg();
        return Error{Errc::io, message};
    }
    return IndexBuilder(std::move(impl));
}

Status IndexBuilder::add(const Article& article) {
    auto& d = *impl_;
    if (!d.ids.insert(article.id).second)
        return Error{Errc::invalid_input, "duplicate article id \"" + article.id + "\""};
    const std::string& lang = article.language.empty() ? std::string("en") : article.language;
    try {
        for (std::size_t i = 0; i < article.sections.size(); ++i) {
            const Section& s = article.sections[i];
            Xapian::Document doc;
            Xapian::termpos pos = 0;
            d.index_text(doc, s.text, schema::kBodyPrefix, lang, pos);
            pos = 0;
            d.index_text(doc, s.heading_path.empty() ? s.heading : s.heading_path, schema::kHeadingPrefix, lang, pos);
            pos = 0;
            d.index_text(doc, article.title, schema::kTitlePrefix, lang, pos);
            for (const auto& name : article.also_called) {
                pos += kNameGap;
                d.index_text(doc, name, schema::kTitlePrefix, lang, pos);
            }
            d.index_names(doc, article);

            std::string id_term = std::string(schema::kIdPrefix) + article.id + "#" + s.anchor;
            doc.add_boolean_term(id_term);
            doc.add_boolean_term(std::string(schema::kArticlePrefix) + article.id);
            // wdf 1, not boolean: the term both filters and carries the section-intent boost.
            doc.add_term(std::string(schema::kKindPrefix) + std::string(to_string(s.kind)));
            doc.add_boolean_term(std::string(schema::kLanguagePrefix) + lang);
            for (const auto& topic : article.topics) doc.add_boolean_term(std::string(schema::kTopicPrefix) + fold(topic));
            if (!article.source.empty()) doc.add_boolean_term(std::string(schema::kSourcePrefix) + fold(article.source));
            doc.add_value(schema::kSlotArticle, article.id);
            if (!article.updated.empty()) doc.add_value(schema::kSlotUpdated, article.updated);
            doc.set_data(encode_section(article, s, i));
            d.db->replace_document(id_term, doc);
            ++d.sections;
        }
    } catch (const Xapian::Error& e) {
        return Error{Errc::io, d.build_path.string() + ": cannot add article \"" + article.id + "\": " + e.get_msg()};
    }
    ++d.articles;
    return Ok{};
}

Result<BuildSummary> IndexBuilder::publish(const SynonymMap& synonyms) {
    auto& d = *impl_;
    std::string published_at = utc_stamp("%Y-%m-%dT%H:%M:%SZ");
    try {
        d.db->set_metadata(std::string(schema::kMetaSynonyms), synonyms.serialize());
        nlohmann::json build = {{"build", d.build_name}, {"published", published_at},
                                {"articles", d.articles}, {"sections", d.sections},
                                {"synonym_rules", synonyms.rule_count()}};
        d.db->set_metadata(std::string(schema::kMetaBuild), build.dump());
        d.db->commit();
        add_spelling_data(*d.db, synonyms, d.analyzer);
        d.db->commit();
        d.db->close();
    } catch (const Xapian::Error& e) {
        return Error{Errc::io, d.build_path.string() + ": cannot commit: " + e.get_msg()};
    }
    d.db.reset();

    // Publish by renaming a complete stub over the old one: readers see the old or the new build.
    fs::path stub = d.dir / std::string(schema::kStubFile);
    fs::path tmp = d.dir / (std::string(schema::kStubFile) + ".tmp");
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "auto " << d.build_name << "\n";
        out.flush();
        if (!out) return Error{Errc::io, tmp.string() + ": cannot write stub file"};
    }
    if (!fsync_path(tmp, O_RDONLY)) return Error{Errc::io, tmp.string() + ": cannot sync stub file"};
    std::error_code ec;
    fs::rename(tmp, stub, ec);
    if (ec) return Error{Errc::io, stub.string() + ": cannot switch stub file: " + ec.message()};
    fsync_path(d.dir, O_RDONLY | O_DIRECTORY);
    d.published = true;

    // Keep the live build and the most recent earlier ones; delete the rest.
    std::vector<fs::path> builds;
    for (const auto& entry : fs::directory_iterator(d.dir, ec)) {
        auto name = entry.path().filename().string();
        if (entry.is_directory() && name.rfind("build-", 0) == 0 && name != d.build_name) builds.push_back(entry.path());
    }
    std::sort(builds.begin(), builds.end(), std::greater<>());
    for (std::size_t i = d.options.keep_previous; i < builds.size(); ++i) fs::remove_all(builds[i], ec);

    return BuildSummary{d.articles, d.sections, d.build_name};
}

}  // namespace medsearch
