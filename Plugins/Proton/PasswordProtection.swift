import Foundation
import OTPCore
import OTPCrypto

/// The password-protected export's crypto (formats.md §10.3): key = Argon2id 1.3 (m = 19456 KiB,
/// t = 2, p = 1, 32 bytes) over the UTF-8 password and a 16-byte salt; `content` = base64 of
/// nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16), with the AAD below.
///
/// The GCM tag is the only check: with the structure intact (base64, sizes), a failing tag is
/// reported as a wrong password. A file altered inside `content` fails the same way and cannot be
/// told apart.
enum PasswordProtection {
  static let aad = Array("proton.authenticator.export.v1".utf8)
  static let saltBytes = 16
  static let nonceBytes = 12
  static let tagBytes = 16

  static func key(password: String, salt: [UInt8]) throws -> [UInt8] {
    try KeyDerivation.argon2id(
      password: Array(password.utf8), salt: salt, iterations: 2, memoryKiB: 19456, parallelism: 1, length: 32)
  }

  static func open(salt saltText: String, content contentText: String, file: String, password provider: PasswordProvider) throws
    -> [UInt8]
  {
    guard let salt = Data(base64Encoded: saltText).map(Array.init), salt.count == saltBytes else {
      throw OTPError.corrupted(file: file, place: "salt", reason: "not a base64 salt of \(saltBytes) bytes")
    }
    guard let content = Data(base64Encoded: contentText).map(Array.init), content.count >= nonceBytes + tagBytes else {
      throw OTPError.corrupted(file: file, place: "content", reason: "not base64 of a nonce, ciphertext and tag")
    }
    guard let password = try provider.password(for: file) else {
      throw OTPError.passwordRequired(file: file)
    }
    let derived: [UInt8]
    do {
      derived = try key(password: password, salt: salt)
    } catch {
      throw OTPError.cannotOpen(file: file, reason: "the Argon2id key derivation failed")
    }
    do {
      return try Cipher.aesGCMOpen(
        key: derived, nonce: Array(content.prefix(nonceBytes)), ciphertextAndTag: Array(content.dropFirst(nonceBytes)), aad: aad)
    } catch .authenticationFailed {
      throw OTPError.wrongPassword(file: file)
    } catch {
      throw OTPError.corrupted(file: file, place: "content", reason: "\(error)")
    }
  }

  static func seal(_ plaintext: [UInt8], password: String) throws -> (salt: String, content: String) {
    let salt = Cipher.randomBytes(saltBytes)
    let nonce = Cipher.randomBytes(nonceBytes)
    let sealed = try Cipher.aesGCMSeal(key: try key(password: password, salt: salt), plaintext: plaintext, nonce: nonce, aad: aad)
    return (Data(salt).base64EncodedString(), Data(nonce + sealed.ciphertext + sealed.tag).base64EncodedString())
  }
}
