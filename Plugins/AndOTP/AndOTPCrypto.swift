import OTPCore
import OTPCrypto

/// andOTP's encrypted backups (formats.md §7.2, §7.3), both AES-256-GCM with the 16-byte tag
/// appended and no AAD:
/// - current: iterations (uint32, big-endian) ‖ salt (12) ‖ IV (12) ‖ ciphertext ‖ tag, key
///   PBKDF2-HMAC-SHA1 of the password's UTF-8 with the stored iterations;
/// - old (before 0.6): IV (12) ‖ ciphertext ‖ tag, key SHA-256 of the password's UTF-8.
enum AndOTPCrypto {
  /// What andOTP draws for a new backup.
  static let writtenIterations = 140_000...160_000
  /// What a reader accepts, as Aegis does.
  static let acceptedIterations = 1...10_000_000
  static let saltLength = 12
  static let ivLength = 12
  static let tagLength = 16
  static let headerLength = 4 + saltLength + ivLength
  static let minimumOldLength = ivLength + tagLength

  /// The iteration count at the start of a current-format backup.
  static func iterations(in bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    return bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
  }

  /// The plain JSON, trying the current format and then the old one; nil when neither opens.
  static func open(_ bytes: [UInt8], password: String) throws -> [UInt8]? {
    let passwordBytes = Array(password.utf8)
    if let iterations = iterations(in: bytes), acceptedIterations.contains(iterations),
      bytes.count >= headerLength + tagLength
    {
      let salt = Array(bytes[4..<(4 + saltLength)])
      let iv = Array(bytes[(4 + saltLength)..<headerLength])
      let key = try KeyDerivation.pbkdf2(password: passwordBytes, salt: salt, hash: .sha1, rounds: iterations, length: 32)
      if let plaintext = try? Cipher.aesGCMOpen(key: key, nonce: iv, ciphertextAndTag: Array(bytes[headerLength...])) {
        return plaintext
      }
    }
    return try? Cipher.aesGCMOpen(
      key: Digest.sha256(passwordBytes), nonce: Array(bytes.prefix(ivLength)), ciphertextAndTag: Array(bytes.dropFirst(ivLength)))
  }

  /// A current-format backup with a fresh iteration count, salt and IV.
  static func seal(_ json: [UInt8], password: String) throws -> [UInt8] {
    let iterations = Int.random(in: writtenIterations)
    let salt = Cipher.randomBytes(saltLength)
    let iv = Cipher.randomBytes(ivLength)
    let key = try KeyDerivation.pbkdf2(password: Array(password.utf8), salt: salt, hash: .sha1, rounds: iterations, length: 32)
    let box = try Cipher.aesGCMSeal(key: key, plaintext: json, nonce: iv)
    let header = (0..<4).reversed().map { UInt8(truncatingIfNeeded: iterations >> ($0 * 8)) }
    return header + salt + iv + box.ciphertext + box.tag
  }
}
