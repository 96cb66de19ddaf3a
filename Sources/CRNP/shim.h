// The RNP OpenPGP library's headers, for Swift. Installed by scripts/bootstrap.sh (Debian librnp-dev).
// Proton Pass encrypts its export with OpenPGP (a password, SKESK): otpbridge never parses OpenPGP itself.
#include <rnp/rnp.h>
#include <rnp/rnp_err.h>
