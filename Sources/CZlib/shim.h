// The zlib headers, for Swift. Installed by scripts/bootstrap.sh (Debian zlib1g-dev).
#include <zlib.h>
