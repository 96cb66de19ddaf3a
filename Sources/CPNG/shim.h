// The libpng headers, for Swift. Swift uses only libpng's simplified API (png_image_*), which reports
// errors through its return value instead of longjmp; writing 1-bit PNGs needs the full API, which
// is called from C only, in Sources/CPNGWrite. Installed by scripts/bootstrap.sh (Debian libpng-dev).
#include <png.h>
