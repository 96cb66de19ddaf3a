import Foundation
import OTPCore
import OTPCrypto

/// Stratum's (Authenticator Pro's) encrypted backups (Stratum's Backup/Encryption): a 16-byte
/// ASCII header, then
/// - "strong" (`AUTHENTICATORPRO`): salt (16) ‖ IV (12) ‖ AES-256-GCM ciphertext ‖ tag; key =
///   Argon2id(password, salt, t = 3, m = 64 MiB, p = 4, 32 bytes);
/// - "legacy" (`AuthenticatorPro`): salt (20) ‖ IV (16) ‖ AES-256-CBC (PKCS#7); key =
///   PBKDF2-HMAC-SHA1(password, salt, 64,000 rounds, 32 bytes).
/// The plaintext is the plain backup's JSON.
enum StratumBackup {
  static let strongHeader = Array("AUTHENTICATORPRO".utf8)
  static let legacyHeader = Array("AuthenticatorPro".utf8)

  static func isEncrypted(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: strongHeader) || bytes.starts(with: legacyHeader)
  }

  static func open(_ input: InputFile, password provider: PasswordProvider) throws -> [UInt8] {
    let bytes = input.bytes
    let strong = bytes.starts(with: strongHeader)
    let (saltLength, ivLength) = strong ? (16, 12) : (20, 16)
    let body = bytes.dropFirst(16)
    guard body.count > saltLength + ivLength + (strong ? 16 : 0) else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "shorter than Stratum's header, salt and IV")
    }
    let salt = Array(body.prefix(saltLength))
    let iv = Array(body.dropFirst(saltLength).prefix(ivLength))
    let ciphertext = Array(body.dropFirst(saltLength + ivLength))
    guard let password = try provider.password(for: input.name) else { throw OTPError.passwordRequired(file: input.name) }
    if strong {
      let key = try KeyDerivation.argon2id(
        password: Array(password.utf8), salt: salt, iterations: 3, memoryKiB: 65_536, parallelism: 4, length: 32)
      do {
        return try Cipher.aesGCMOpen(key: key, nonce: iv, ciphertextAndTag: ciphertext)
      } catch .authenticationFailed {
        throw OTPError.wrongPassword(file: input.name)
      } catch {
        throw OTPError.corrupted(file: input.name, place: nil, reason: "\(error)")
      }
    }
    let key = try KeyDerivation.pbkdf2(password: Array(password.utf8), salt: salt, hash: .sha1, rounds: 64_000, length: 32)
    // CBC has no tag: a wrong password shows as bad padding or as text that is not the backup's JSON.
    guard let plain = try? Cipher.aesCBCDecrypt(key: key, iv: iv, ciphertext: ciphertext), plain.first == UInt8(ascii: "{") else {
      throw OTPError.wrongPassword(file: input.name)
    }
    return plain
  }

  /// The "strong" backup Stratum writes when a password is set: header, a new salt and IV, and
  /// the JSON sealed with AES-256-GCM under Argon2id's key.
  static func seal(_ plaintext: [UInt8], password: String) throws -> [UInt8] {
    let salt = Cipher.randomBytes(16)
    let iv = Cipher.randomBytes(12)
    let key = try KeyDerivation.argon2id(
      password: Array(password.utf8), salt: salt, iterations: 3, memoryKiB: 65_536, parallelism: 4, length: 32)
    let sealed = try Cipher.aesGCMSeal(key: key, plaintext: plaintext, nonce: iv)
    return strongHeader + salt + iv + sealed.ciphertext + sealed.tag
  }
}
