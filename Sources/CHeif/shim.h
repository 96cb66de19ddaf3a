// libheif, for Swift (Debian libheif-dev, installed by scripts/bootstrap.sh): HEIC/HEIF images,
// the iPhone camera's default, decoded with libde265.
#include <libheif/heif.h>
