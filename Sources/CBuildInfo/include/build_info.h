#ifndef OTPBRIDGE_BUILD_INFO_H
#define OTPBRIDGE_BUILD_INFO_H

/// The commit the binary was built from, as `make` recorded it in commit.h (git rev-parse, with
/// "-dirty" for uncommitted changes); "unknown" when built without make or outside a git checkout.
const char *otpbridge_build_commit(void);

#endif
