// The libgcrypt headers, for Swift. Installed by scripts/bootstrap.sh (Debian libgcrypt20-dev).
// KeePass databases need Twofish and many rounds of AES-ECB, which swift-crypto does not offer.
#include <gcrypt.h>

// gcry_control is variadic, which Swift cannot call: the start-up libgcrypt asks of a program
// that uses it without secure memory (nothing here is swapped more than other heap data).
static inline int otpbridge_gcrypt_start(void) {
  if (!gcry_check_version(GCRYPT_VERSION)) return 0;
  gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
  gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
  return 1;
}
