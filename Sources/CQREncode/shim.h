// The libqrencode headers, for Swift: making QR codes. Installed by scripts/bootstrap.sh (Debian libqrencode-dev).
#include <qrencode.h>
