// The system SQLite, for Swift. Installed by scripts/bootstrap.sh (Debian libsqlite3-dev).
#include <sqlite3.h>

// sqlite3_db_config is variadic, which Swift cannot call: defensive mode (no schema writes, no
// shadow-table tricks) for databases read from untrusted files.
static inline int otpbridge_sqlite3_defensive(sqlite3 *db) {
  return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}
