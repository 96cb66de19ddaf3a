// The libsodium headers, for Swift. Installed by scripts/bootstrap.sh (Debian libsodium-dev).
#include <sodium.h>
