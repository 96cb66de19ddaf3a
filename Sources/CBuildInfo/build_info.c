#include "build_info.h"

// commit.h is written by `make` (scripts/record-commit.sh) and ignored by git; a plain
// `swift build` has none.
#if __has_include("commit.h")
#include "commit.h"
#else
#define OTPBRIDGE_COMMIT "unknown"
#endif

const char *otpbridge_build_commit(void) { return OTPBRIDGE_COMMIT; }
