// Copyright 2026 GuestGuard authors.
#include "guestguard/sql/postgres_driver.h"

#include <poll.h>

#include <cmath>
#include <exception>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "guestguard/status_macros.h"

namespace guestguard::sql {
namespace {

// One bound parameter in PostgreSQL's text format; `null` sends SQL NULL.
struct PgParam {
  bool null = true;
  std::string text;
};

}  // namespace
}  // namespace guestguard::sql

// Lets pqxx::prepare::make_dynamic_params carry NULLs among text parameters.
template <>
struct pqxx::string_traits<guestguard::sql::PgParam> {
  static constexpr const char* name() noexcept { return "PgParam"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const guestguard::sql::PgParam& p) { return p.null; }
  static guestguard::sql::PgParam null() { return {}; }
  static std::string to_string(const guestguard::sql::PgParam& p) { return p.text; }
};

namespace guestguard::sql {
namespace {

// Attempts of one Transact body: the first and up to 3 retries on Aborted.
constexpr int kMaxAttempts = 4;
// Distinct SQL texts prepared per connection; beyond, statements run unprepared.
constexpr size_t kMaxPreparedPerConnection = 256;
// SQL quoted in error messages, at most.
constexpr size_t kMaxSqlInMessage = 200;

// Column type OIDs (pg_type.h).
constexpr pqxx::oid kBoolOid = 16;
constexpr pqxx::oid kByteaOid = 17;
constexpr pqxx::oid kInt8Oid = 20;
constexpr pqxx::oid kInt2Oid = 21;
constexpr pqxx::oid kInt4Oid = 23;
constexpr pqxx::oid kTimestampOid = 1114;
constexpr pqxx::oid kTimestampTzOid = 1184;

// The primary line of a server or libpq message: drops "ERROR:  " and the
// DETAIL/HINT lines, which may quote row values.
std::string PrimaryMessage(std::string_view what) {
  std::string_view line = what.substr(0, what.find('\n'));
  for (std::string_view prefix : {"ERROR:", "FATAL:", "PANIC:"}) {
    if (line.substr(0, prefix.size()) == prefix) line.remove_prefix(prefix.size());
  }
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return std::string(line);
}

std::string SqlSnippet(std::string_view sql) {
  if (sql.size() <= kMaxSqlInMessage) return std::string(sql);
  return absl::StrCat(std::string(sql.substr(0, kMaxSqlInMessage)), "...");
}

// Maps a SQLSTATE to the status code promised in sql.h.
absl::StatusCode CodeForSqlState(std::string_view state) {
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (state.substr(0, 2) == "23") return absl::StatusCode::kFailedPrecondition;
  if (state == "40001" || state == "40P01") return absl::StatusCode::kAborted;
  if (state == "57014") return absl::StatusCode::kDeadlineExceeded;
  if (state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03") {
    return absl::StatusCode::kUnavailable;
  }
  if (state.substr(0, 2) == "28") return absl::StatusCode::kPermissionDenied;
  if (state == "3D000") return absl::StatusCode::kNotFound;
  return absl::StatusCode::kInternal;
}

// Converts the exception being handled (call only inside a catch block) into a
// Status; `sql` is quoted (shortened) for statement errors. Never throws.
absl::Status CurrentError(std::string_view sql) noexcept {
  try {
    throw;
  } catch (const pqxx::sql_error& e) {
    return absl::Status(CodeForSqlState(e.sqlstate()),
                        absl::StrCat("postgres: ", PrimaryMessage(e.what()), " [SQLSTATE ",
                                     e.sqlstate(), "] in: ", SqlSnippet(sql)));
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(
        absl::StrCat("postgres: connection lost: ", PrimaryMessage(e.what())));
  } catch (const pqxx::in_doubt_error& e) {
    return absl::UnavailableError(
        absl::StrCat("postgres: commit outcome unknown: ", PrimaryMessage(e.what())));
  } catch (const pqxx::statement_completion_unknown& e) {
    return absl::UnavailableError(
        absl::StrCat("postgres: statement outcome unknown: ", PrimaryMessage(e.what())));
  } catch (const pqxx::transaction_rollback& e) {  // Serialization failure, deadlock.
    return absl::AbortedError(absl::StrCat("postgres: ", PrimaryMessage(e.what())));
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("postgres: ", PrimaryMessage(e.what()), " in: ", SqlSnippet(sql)));
  } catch (...) {
    return absl::InternalError("postgres: unknown exception");
  }
}

// The passwords in a libpq URL (user:password@ and ?password=), raw as
// written, so that messages quoting the URL can be redacted.
std::vector<std::string> UrlPasswords(std::string_view url) {
  std::vector<std::string> passwords;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return passwords;
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos) passwords.emplace_back(userinfo.substr(colon + 1));
  }
  for (size_t key = url.find("password="); key != std::string_view::npos;
       key = url.find("password=", key + 1)) {
    const std::string_view value = url.substr(key + 9);
    passwords.emplace_back(value.substr(0, value.find('&')));
  }
  return passwords;
}

// Converts a failure to connect (inside a catch block). libpq reports
// authentication and missing databases only as message text; URL syntax
// errors quote the URL, so `passwords` are masked.
absl::Status CurrentConnectError(const std::vector<std::string>& passwords) noexcept {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    const absl::string_view message = e.what();
    std::string text = absl::StrCat("postgres: cannot connect: ",
                                    absl::StrReplaceAll(absl::StripTrailingAsciiWhitespace(message),
                                                        {{"\n", "; "}, {"\t", ""}}));
    for (const std::string& password : passwords) {
      if (!password.empty()) absl::StrReplaceAll({{password, "***"}}, &text);
    }
    if (absl::StrContains(message, "password authentication failed") ||
        absl::StrContains(message, "no pg_hba.conf entry") ||
        absl::StrContains(message, "password is missing") ||
        absl::StrContains(message, "no password supplied")) {
      return absl::PermissionDeniedError(text);
    }
    if (absl::StrContains(message, "database \"") &&
        absl::StrContains(message, "\" does not exist")) {
      return absl::NotFoundError(text);
    }
    if (absl::StrContains(message, "URI") || absl::StrContains(message, "connection option") ||
        absl::StartsWith(message, "invalid")) {
      return absl::InvalidArgumentError(text);
    }
    return absl::UnavailableError(text);
  } catch (...) {
    return CurrentError("(session setup)");
  }
}

// "YYYY-MM-DD HH:MM:SS.ffffff+00", what PostgreSQL reads as timestamptz.
std::string FormatTimestamp(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "infinity";
  if (t == absl::InfinitePast()) return "-infinity";
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

// Parses timestamptz (with offset) or timestamp (taken as UTC) output in the
// ISO DateStyle.
absl::StatusOr<absl::Time> ParseTimestamp(std::string_view text, bool with_zone) {
  if (text == "infinity") return absl::InfiniteFuture();
  if (text == "-infinity") return absl::InfinitePast();
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(with_zone ? "%Y-%m-%d %H:%M:%E*S%Ez" : "%Y-%m-%d %H:%M:%E*S",
                       std::string(text), absl::UTCTimeZone(), &t, &error)) {
    return absl::InternalError(
        absl::StrCat("postgres: cannot read timestamp \"", std::string(text), "\": ", error));
  }
  return t;
}

PgParam ToParam(const Value& value) {
  struct Visitor {
    PgParam operator()(std::monostate) const { return {}; }
    PgParam operator()(bool b) const { return {false, b ? "true" : "false"}; }
    PgParam operator()(int64_t i) const { return {false, absl::StrCat(i)}; }
    PgParam operator()(const std::string& s) const { return {false, s}; }
    // bytea hex input format: NUL-safe as text.
    PgParam operator()(const Bytes& b) const {
      return {false, absl::StrCat("\\x", absl::BytesToHexString(b.data))};
    }
    PgParam operator()(absl::Time t) const { return {false, FormatTimestamp(t)}; }
  };
  return std::visit(Visitor{}, value);
}

absl::StatusOr<Value> ToValue(const pqxx::field& f, pqxx::oid type) {
  if (f.is_null()) return std::monostate{};
  std::string_view text(f.c_str(), f.size());
  switch (type) {
    case kBoolOid:
      return text == "t";
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t i = 0;
      if (!absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &i)) {
        return absl::InternalError(
            absl::StrCat("postgres: cannot read integer \"", std::string(text), "\""));
      }
      return i;
    }
    case kByteaOid:
      return Bytes{pqxx::binarystring(f).str()};
    case kTimestampTzOid:
    case kTimestampOid: {
      GG_ASSIGN_OR_RETURN(absl::Time t, ParseTimestamp(text, type == kTimestampTzOid));
      return t;
    }
    default:
      return std::string(text);
  }
}

absl::StatusOr<Rows> ToRows(const pqxx::result& r) {
  std::vector<std::string> columns;
  std::vector<pqxx::oid> types;
  for (pqxx::row::size_type c = 0; c < r.columns(); ++c) {
    columns.emplace_back(r.column_name(c));
    types.push_back(r.column_type(c));
  }
  std::vector<std::vector<Value>> rows;
  rows.reserve(r.size());
  for (const pqxx::row& row : r) {
    std::vector<Value>& out = rows.emplace_back();
    out.reserve(columns.size());
    for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
      GG_ASSIGN_OR_RETURN(Value v, ToValue(row[c], types[c]));
      out.push_back(std::move(v));
    }
  }
  return Rows(std::move(columns), std::move(rows));
}

// Rewrites `?` placeholders to $1, $2, ... and counts them; a `?` inside a
// '...' literal, a "..." identifier or a -- comment is left alone.
std::string RewritePlaceholders(std::string_view sql, size_t* count) {
  std::string out;
  out.reserve(sql.size() + 8);
  *count = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (comment) {
      comment = ch != '\n';
    } else if (quote != 0) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      comment = true;
    } else if (ch == '?') {
      absl::StrAppend(&out, "$", ++*count);
      continue;
    }
    out.push_back(ch);
  }
  return out;
}

// A pooled connection with its prepared statements. Used by one thread at a time.
struct Session {
  struct Statement {
    std::string name;  // Empty: not prepared (per-connection cap reached).
    std::string sql;   // With $n placeholders.
    size_t params = 0;
  };
  // Declared before `quiet`, which must be destroyed first.
  std::unique_ptr<pqxx::connection> conn;
  // Keeps server notices and libpqxx warnings off stderr.
  std::unique_ptr<pqxx::quiet_errorhandler> quiet;
  std::unordered_map<std::string, Statement> statements;  // Keyed by the `?` SQL.
  bool reused = false;   // Taken from the idle pool (may have gone stale).
  bool discard = false;  // Close instead of pooling: its prepared plans are stale.
};

// True when an idle connection has input pending or is closed: the server
// ended the session (shutdown, restart, terminated backend). Checking here
// avoids a failing BEGIN, which also leaks a PGresult in libpqxx 6.4.
bool ClosedByServer(Session& s) {
  try {
    pollfd p{s.conn->sock(), POLLIN, 0};
    return p.fd < 0 || poll(&p, 1, 0) != 0;
  } catch (...) {
    return true;
  }
}

// The Connection given to a Transact body. Records the first failure: after
// one, PostgreSQL rejects every statement until the transaction ends, so later
// calls return that failure again without a round trip.
class PgConnection final : public Connection {
 public:
  PgConnection(Session& session, pqxx::transaction_base& txn) : session_(session), txn_(txn) {}

  Dialect dialect() const override { return Dialect::kPostgres; }

  absl::StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    GG_ASSIGN_OR_RETURN(pqxx::result r, Run(sql, params));
    return ToRows(r);
  }

  absl::StatusOr<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    GG_ASSIGN_OR_RETURN(pqxx::result r, Run(sql, params));
    return static_cast<int64_t>(r.affected_rows());
  }

  absl::Status ExecScript(std::string_view sql) override {
    GG_RETURN_IF_ERROR(first_error_);
    try {
      txn_.exec(std::string(sql));
      ++executed_;
      return absl::OkStatus();
    } catch (...) {
      return Fail(CurrentError(sql));
    }
  }

  const absl::Status& first_error() const { return first_error_; }
  // Statements that succeeded (in autocommit mode: committed).
  int executed() const { return executed_; }

 private:
  absl::StatusOr<pqxx::result> Run(std::string_view sql, const std::vector<Value>& params) {
    GG_RETURN_IF_ERROR(first_error_);
    try {
      const Session::Statement st = Prepare(sql);
      if (st.params != params.size()) {
        return absl::InternalError(absl::StrCat("postgres: ", st.params, " placeholders but ",
                                                params.size(),
                                                " parameters in: ", SqlSnippet(sql)));
      }
      std::vector<PgParam> bound;
      bound.reserve(params.size());
      for (const Value& v : params) bound.push_back(ToParam(v));
      auto args = pqxx::prepare::make_dynamic_params(bound);
      pqxx::result r =
          st.name.empty() ? txn_.exec_params(st.sql, args) : txn_.exec_prepared(st.name, args);
      ++executed_;
      return r;
    } catch (...) {
      absl::Status s = CurrentError(sql);
      if (absl::StrContains(s.message(), "cached plan must not change result type")) {
        // A table changed shape under a prepared statement: Transact retries
        // on another connection and this one, with its stale plans, is closed.
        session_.discard = true;
        s = absl::AbortedError(s.message());
      }
      return Fail(std::move(s));
    }
  }

  // The statement for `sql`, registered with the connection on first use
  // (libpqxx prepares it on the server at its first execution). May throw.
  Session::Statement Prepare(std::string_view sql) {
    std::string key(sql);
    auto it = session_.statements.find(key);
    if (it != session_.statements.end()) return it->second;
    Session::Statement st;
    st.sql = RewritePlaceholders(sql, &st.params);
    if (session_.statements.size() >= kMaxPreparedPerConnection) return st;  // Unprepared.
    st.name = absl::StrCat("gg", session_.statements.size());
    session_.conn->prepare(st.name, st.sql);
    session_.statements.emplace(std::move(key), st);
    return st;
  }

  absl::Status Fail(absl::Status s) {
    if (first_error_.ok()) first_error_ = s;
    return s;
  }

  Session& session_;
  pqxx::transaction_base& txn_;
  absl::Status first_error_;
  int executed_ = 0;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string conninfo, std::string setup_sql, const DatabaseOptions& options)
      : conninfo_(std::move(conninfo)),
        passwords_(UrlPasswords(conninfo_)),
        setup_sql_(std::move(setup_sql)),
        options_(options) {}

  Dialect dialect() const override { return Dialect::kPostgres; }

  // Opens one connection now (so bad servers and credentials fail at open)
  // and keeps it idle in the pool.
  absl::Status Start() {
    GG_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Connect());
    absl::MutexLock lock(&mu_);
    ++open_;
    idle_.push_back(std::move(s));
    return absl::OkStatus();
  }

  absl::Status Transact(const std::function<absl::Status(Connection&)>& body) override {
    return Run(body, /*autocommit=*/false);
  }

  absl::Status Autocommit(const std::function<absl::Status(Connection&)>& body) override {
    return Run(body, /*autocommit=*/true);
  }

  absl::Status Ping() override {
    return Autocommit([](Connection& c) { return c.Query("SELECT 1").status(); });
  }

  PoolStats pool_stats() override {
    absl::MutexLock lock(&mu_);
    return {open_, open_ - static_cast<int>(idle_.size())};
  }

 private:
  struct Outcome {
    absl::Status status;
    bool broken = false;       // The connection is unusable.
    bool commit_sent = false;  // Retrying could apply the body twice.
    bool aborted = false;      // Serialization failure or deadlock: retry.
  };

  // Transact (autocommit false) or Read (autocommit true: no BEGIN/COMMIT).
  absl::Status Run(const std::function<absl::Status(Connection&)>& body, bool autocommit) {
    bool replaced_stale = false;
    int attempt = 1;
    while (true) {
      GG_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Acquire());
      const bool reused = session->reused;
      Outcome out = RunOnce(*session, body, autocommit);
      Release(std::move(session), out.broken);
      // A pooled connection that died unnoticed: once more on a new one,
      // unless COMMIT was already sent.
      if (out.broken && reused && !out.commit_sent && !replaced_stale) {
        replaced_stale = true;
        continue;
      }
      if (out.aborted && attempt < kMaxAttempts && !(autocommit && out.commit_sent)) {
        absl::SleepFor(absl::Milliseconds(5 * attempt));
        ++attempt;
        continue;
      }
      return out.status;
    }
  }

  Outcome RunOnce(Session& session, const std::function<absl::Status(Connection&)>& body,
                  bool autocommit) {
    Outcome out;
    absl::Status db_error;
    try {
      std::unique_ptr<pqxx::transaction_base> txn;
      if (autocommit) {
        txn = std::make_unique<pqxx::nontransaction>(*session.conn);
      } else {
        txn = std::make_unique<pqxx::work>(*session.conn);  // READ COMMITTED.
      }
      PgConnection c(session, *txn);
      out.status = body(c);
      db_error = c.first_error();
      if (out.status.ok()) out.status = db_error;
      // Autocommit: each statement that ran is committed; running the body
      // again could apply it twice.
      out.commit_sent = autocommit && c.executed() > 0;
      if (out.status.ok()) {
        out.commit_sent = true;
        txn->commit();
      }
      // Otherwise ~work rolls back.
    } catch (...) {
      db_error = CurrentError(out.commit_sent ? "COMMIT" : "(transaction)");
      if (out.status.ok()) out.status = db_error;
    }
    out.broken = db_error.code() == absl::StatusCode::kUnavailable || session.discard;
    out.aborted = db_error.code() == absl::StatusCode::kAborted ||
                  out.status.code() == absl::StatusCode::kAborted;
    return out;
  }

  absl::StatusOr<std::unique_ptr<Session>> Connect() const {
    try {
      auto s = std::make_unique<Session>();
      s->conn = std::make_unique<pqxx::connection>(conninfo_);
      s->quiet = std::make_unique<pqxx::quiet_errorhandler>(*s->conn);
      pqxx::nontransaction setup(*s->conn);
      setup.exec(setup_sql_);
      return s;
    } catch (...) {
      return CurrentConnectError(passwords_);
    }
  }

  // An idle connection, else a new one while under max_connections, else
  // waits up to connect_timeout for either. Idle connections the server has
  // closed meanwhile are dropped here.
  absl::StatusOr<std::unique_ptr<Session>> Acquire() {
    const absl::Time deadline = absl::Now() + options_.connect_timeout;
    while (true) {
      std::unique_ptr<Session> s;
      {
        absl::MutexLock lock(&mu_);
        auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return !idle_.empty() || open_ < options_.max_connections;
        };
        if (!mu_.AwaitWithDeadline(absl::Condition(&available), deadline)) {
          return absl::UnavailableError(absl::StrCat(
              "postgres: connection pool exhausted (", options_.max_connections,
              " connections busy for ", absl::FormatDuration(options_.connect_timeout), ")"));
        }
        if (idle_.empty()) {
          ++open_;
          break;
        }
        s = std::move(idle_.back());
        idle_.pop_back();
      }
      if (!ClosedByServer(*s)) {
        s->reused = true;
        return s;
      }
      s.reset();  // Outside the lock.
      absl::MutexLock lock(&mu_);
      --open_;
    }
    absl::StatusOr<std::unique_ptr<Session>> s = Connect();  // Outside the lock.
    if (!s.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
    }
    return s;
  }

  // Returns a connection to the pool, or closes it when broken.
  void Release(std::unique_ptr<Session> session, bool broken) {
    bool usable = false;
    try {
      usable = !broken && session->conn->is_open();
    } catch (...) {
    }
    if (usable) {
      absl::MutexLock lock(&mu_);
      idle_.push_back(std::move(session));
      return;
    }
    session.reset();  // Outside the lock.
    absl::MutexLock lock(&mu_);
    --open_;
  }

  const std::string conninfo_;
  const std::vector<std::string> passwords_;  // Masked in connect errors.
  const std::string setup_sql_;
  const DatabaseOptions options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Session>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // Idle plus in use.
};

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(std::string_view url,
                                                       const DatabaseOptions& options) {
  const std::string u(url);
  if (!absl::StartsWith(u, "postgresql://") && !absl::StartsWith(u, "postgres://")) {
    return absl::InvalidArgumentError(
        "postgres: the URL must start with postgresql:// or postgres://");
  }
  if (options.max_connections < 1 || options.max_connections > 256) {
    return absl::InvalidArgumentError("postgres: max_connections must be 1-256");
  }
  if (options.connect_timeout <= absl::ZeroDuration() ||
      options.statement_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "postgres: connect_timeout and statement_timeout must be > 0");
  }
  const int64_t connect_seconds = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(options.connect_timeout))));
  const int64_t statement_ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(options.statement_timeout));
  // Keepalives and tcp_user_timeout bound how long a call can hang on a network
  // that silently drops packets (statement_timeout is enforced by the server).
  std::string conninfo =
      absl::StrCat(u, absl::StrContains(u, "?") ? "&" : "?", "connect_timeout=", connect_seconds,
                   "&keepalives=1&keepalives_idle=15&keepalives_interval=5&keepalives_count=3",
                   "&tcp_user_timeout=", statement_ms + connect_seconds * 1000);
  std::string setup = absl::StrCat(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_min_messages = warning; "
      "SET statement_timeout = ",
      statement_ms);
  auto db = std::make_unique<PostgresDatabase>(std::move(conninfo), std::move(setup), options);
  GG_RETURN_IF_ERROR(db->Start());
  return db;
}

}  // namespace guestguard::sql
