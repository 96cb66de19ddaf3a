// The libpng headers, for Swift. Only libpng's simplified API (png_image_*) is used: it reports
// errors through its return value instead of longjmp. Installed by scripts/bootstrap.sh (Debian libpng-dev).
#include <png.h>
