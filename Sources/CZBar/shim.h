// The zbar headers, for Swift: finding QR codes in images. Installed by scripts/bootstrap.sh (Debian libzbar-dev).
#include <zbar.h>
