// The libarchive headers, for Swift. Installed by scripts/bootstrap.sh (Debian libarchive-dev).
#include <archive.h>
#include <archive_entry.h>
