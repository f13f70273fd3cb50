// A thin RAII wrapper over SQLite's C API for the registry: a connection, a
// prepared statement with bound parameters (the only way values reach SQL),
// and transactions. Every failure is an SqliteError whose what() is one line.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bakeoff::registry {

class SqliteError : public std::runtime_error {
public:
    SqliteError(std::string what, int code) : std::runtime_error(std::move(what)), code_(code) {}
    int code() const { return code_; }  // the SQLite result code (primary | extended)

private:
    int code_;
};

class Statement;

class Connection {
public:
    // Opens (and with `create`, creates) the file. Waits up to `busy_ms` for
    // another process's lock before a statement fails with SQLITE_BUSY.
    Connection(const std::filesystem::path& file, bool create, int busy_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs SQL without parameters (schema, pragmas, BEGIN/COMMIT): only text bakeoff wrote.
    void exec(const char* trusted_sql);
    Statement prepare(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    sqlite3* raw() const { return db_; }

private:
    sqlite3* db_ = nullptr;
};

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are numbered from 1, as in SQLite.
    Statement& bind(int i, std::string_view text);
    Statement& bind(int i, std::int64_t v);
    Statement& bind(int i, double v);
    Statement& bind(int i, std::optional<double> v);  // nullopt binds NULL
    Statement& bind_null(int i);

    // True while there is a row; false when done. Throws on an error.
    bool step();
    void run() { while (step()) {} }

    bool is_null(int col) const;
    std::int64_t integer(int col) const;
    double real(int col) const;
    std::optional<double> optional_real(int col) const;
    std::string text(int col) const;

private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

// BEGIN IMMEDIATE (the write lock at once, so two writers queue on the busy
// timeout instead of deadlocking on a lock upgrade); ROLLBACK unless committed.
class Transaction {
public:
    explicit Transaction(Connection& c);
    ~Transaction();
    void commit();

private:
    Connection& c_;
    bool done_ = false;
};

}  // namespace bakeoff::registry
