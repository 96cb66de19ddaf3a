// The libargon2 headers, for Swift. Installed by scripts/bootstrap.sh (Debian libargon2-dev).
#include <argon2.h>
