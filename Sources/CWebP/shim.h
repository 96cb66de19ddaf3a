// libwebp's decoder, for Swift (Debian libwebp-dev, installed by scripts/bootstrap.sh).
#include <webp/decode.h>
