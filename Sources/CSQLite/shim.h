// The system SQLite, for Swift. Installed by scripts/bootstrap.sh (Debian libsqlite3-dev).
#include <sqlite3.h>
