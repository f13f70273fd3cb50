#include "registry/sqlite.h"

#include <fmt/format.h>

namespace bakeoff::registry {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view doing) {
    const char* why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw SqliteError(fmt::format("{}: {}", doing, why ? why : sqlite3_errstr(rc)), rc);
}
}  // namespace

Connection::Connection(const std::filesystem::path& file, bool create, int busy_ms) {
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw SqliteError(why, rc);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_ms);
}

Connection::~Connection() { sqlite3_close(db_); }

void Connection::exec(const char* trusted_sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, trusted_sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string why = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw SqliteError(why, rc);
    }
}

Statement Connection::prepare(std::string_view sql) { return Statement(db_, sql); }
std::int64_t Connection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Connection::changes() const { return sqlite3_changes(db_); }

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "preparing a statement");
}

Statement::~Statement() { sqlite3_finalize(st_); }

Statement& Statement::bind(int i, std::string_view text) {
    const int rc = sqlite3_bind_text(st_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
    return *this;
}
Statement& Statement::bind(int i, std::int64_t v) {
    const int rc = sqlite3_bind_int64(st_, i, v);
    if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
    return *this;
}
Statement& Statement::bind(int i, double v) {
    const int rc = sqlite3_bind_double(st_, i, v);
    if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
    return *this;
}
Statement& Statement::bind(int i, std::optional<double> v) { return v ? bind(i, *v) : bind_null(i); }
Statement& Statement::bind_null(int i) {
    const int rc = sqlite3_bind_null(st_, i);
    if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, rc, "running a statement");
}

bool Statement::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
std::int64_t Statement::integer(int col) const { return sqlite3_column_int64(st_, col); }
double Statement::real(int col) const { return sqlite3_column_double(st_, col); }
std::optional<double> Statement::optional_real(int col) const {
    if (is_null(col)) return std::nullopt;
    return real(col);
}
std::string Statement::text(int col) const {
    const auto* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_, col)) : std::string();
}

Transaction::Transaction(Connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
    if (!done_) {
        try {
            c_.exec("ROLLBACK");
        } catch (...) {
        }
    }
}
void Transaction::commit() {
    c_.exec("COMMIT");
    done_ = true;
}

}  // namespace bakeoff::registry
