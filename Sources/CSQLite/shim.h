// The system SQLite, for Swift. Installed by scripts/bootstrap.sh (Debian libsqlite3-dev).
#include <dlfcn.h>
#include <sqlite3.h>
#include <stddef.h>

// The SQLite functions a phone's database is read with: the linked SQLite, or SQLCipher (an
// encrypted SQLite with the same function names) loaded at run time beside it.
typedef struct otpbridge_sqlite_api {
  int (*open_v2)(const char *, sqlite3 **, int, const char *);
  int (*key)(sqlite3 *, const void *, int); // SQLCipher only
  int (*close)(sqlite3 *);
  int (*exec)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);
  int (*prepare_v2)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
  int (*step)(sqlite3_stmt *);
  const unsigned char *(*column_text)(sqlite3_stmt *, int);
  int (*column_bytes)(sqlite3_stmt *, int);
  sqlite3_int64 (*column_int64)(sqlite3_stmt *, int);
  int (*column_type)(sqlite3_stmt *, int);
  int (*finalize)(sqlite3_stmt *);
  const char *(*errmsg)(sqlite3 *);
  int (*db_config)(sqlite3 *, int, ...);
} otpbridge_sqlite_api;

static inline otpbridge_sqlite_api otpbridge_sqlite_linked(void) {
  otpbridge_sqlite_api api = {
      sqlite3_open_v2,     NULL,                sqlite3_close,        sqlite3_exec,        sqlite3_prepare_v2,
      sqlite3_step,        sqlite3_column_text, sqlite3_column_bytes, sqlite3_column_int64, sqlite3_column_type,
      sqlite3_finalize,    sqlite3_errmsg,      sqlite3_db_config};
  return api;
}

// Loads SQLCipher from the first of `names` (a NULL-ended list) that opens, into `api`; 0 when
// none does or a function is missing. RTLD_DEEPBIND keeps SQLCipher's calls to its own sqlite3_*
// functions inside it, and RTLD_LOCAL keeps them out of the linked SQLite's way: the two live
// side by side in one process without a symbol clash.
static inline int otpbridge_sqlite_load_sqlcipher(const char *const *names, otpbridge_sqlite_api *api) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OTPBRIDGE_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(OTPBRIDGE_ADDRESS_SANITIZER)
  // AddressSanitizer refuses RTLD_DEEPBIND, and without it SQLCipher would call the linked SQLite:
  // the fuzzing build (make fuzz) reads as if SQLCipher were not installed.
  (void)names;
  (void)api;
  return 0;
#endif
  void *library = NULL;
  for (; *names != NULL && library == NULL; names++) library = dlopen(*names, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (library == NULL) return 0;
  api->open_v2 = (int (*)(const char *, sqlite3 **, int, const char *))dlsym(library, "sqlite3_open_v2");
  api->key = (int (*)(sqlite3 *, const void *, int))dlsym(library, "sqlite3_key");
  api->close = (int (*)(sqlite3 *))dlsym(library, "sqlite3_close");
  api->exec = (int (*)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **))dlsym(
      library, "sqlite3_exec");
  api->prepare_v2 = (int (*)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **))dlsym(
      library, "sqlite3_prepare_v2");
  api->step = (int (*)(sqlite3_stmt *))dlsym(library, "sqlite3_step");
  api->column_text = (const unsigned char *(*)(sqlite3_stmt *, int))dlsym(library, "sqlite3_column_text");
  api->column_bytes = (int (*)(sqlite3_stmt *, int))dlsym(library, "sqlite3_column_bytes");
  api->column_int64 = (sqlite3_int64(*)(sqlite3_stmt *, int))dlsym(library, "sqlite3_column_int64");
  api->column_type = (int (*)(sqlite3_stmt *, int))dlsym(library, "sqlite3_column_type");
  api->finalize = (int (*)(sqlite3_stmt *))dlsym(library, "sqlite3_finalize");
  api->errmsg = (const char *(*)(sqlite3 *))dlsym(library, "sqlite3_errmsg");
  api->db_config = (int (*)(sqlite3 *, int, ...))dlsym(library, "sqlite3_db_config");
  return api->open_v2 && api->key && api->close && api->exec && api->prepare_v2 && api->step && api->column_text &&
         api->column_bytes && api->column_int64 && api->column_type && api->finalize && api->errmsg && api->db_config;
}

// sqlite3_db_config is variadic, which Swift cannot call: defensive mode (no schema writes, no
// shadow-table tricks) for databases read from untrusted files. SQLCipher 3 predates the option
// and says so with an error, which is ignored: its files open only with the user's password.
static inline int otpbridge_sqlite3_defensive(const otpbridge_sqlite_api *api, sqlite3 *db) {
  return api->db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}
