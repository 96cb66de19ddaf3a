import Foundation
import OTPCore
import OTPCrypto

/// 2FAS's encrypted strings (formats.md §6.3): `base64(ciphertext ‖ tag):base64(salt):base64(iv)`,
/// key PBKDF2-HMAC-SHA256 (10,000 rounds) of the password's UTF-8, AES-256-GCM without AAD.
enum TwoFASCrypto {
  static let rounds = 10_000
  /// Android's salt length; iOS writes 32 bytes. Both read any length.
  static let saltLength = 256
  /// The fixed text in `reference` (Android `BackupContent.Reference`).
  static let referenceText =
    "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd"

  struct Sealed {
    var ciphertextAndTag: [UInt8]
    var salt: [UInt8]
    var iv: [UInt8]

    init(ciphertextAndTag: [UInt8], salt: [UInt8], iv: [UInt8]) {
      self.ciphertextAndTag = ciphertextAndTag
      self.salt = salt
      self.iv = iv
    }

    /// Nil when the text is not three base64 parts. Split as UTF-8 bytes: the services part holds
    /// the whole export, and splitting it Character by Character is slow.
    init?(_ text: String) {
      let parts = Array(text.utf8).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
      guard parts.count == 3, let body = Data(base64Encoded: Data(parts[0])),
        let salt = Data(base64Encoded: Data(parts[1])), let iv = Data(base64Encoded: Data(parts[2]))
      else { return nil }
      self.init(ciphertextAndTag: Array(body), salt: Array(salt), iv: Array(iv))
    }

    var text: String {
      [ciphertextAndTag, salt, iv].map { Data($0).base64EncodedString() }.joined(separator: ":")
    }
  }

  /// Derives keys for one password, once per salt (the two strings of a file share theirs).
  struct Keys {
    let password: [UInt8]
    private var bySalt: [[UInt8]: [UInt8]] = [:]

    init(password: String) {
      self.password = Array(password.utf8)
    }

    mutating func key(for salt: [UInt8]) throws -> [UInt8] {
      if let key = bySalt[salt] { return key }
      let key = try KeyDerivation.pbkdf2(password: password, salt: salt, hash: .sha256, rounds: rounds, length: 32)
      bySalt[salt] = key
      return key
    }
  }

  /// Opens one string; `authenticationFailed` when the tag does not match.
  static func open(_ sealed: Sealed, keys: inout Keys) throws -> [UInt8] {
    try Cipher.aesGCMOpen(key: try keys.key(for: sealed.salt), nonce: sealed.iv, ciphertextAndTag: sealed.ciphertextAndTag)
  }

  static func seal(_ plaintext: [UInt8], salt: [UInt8], keys: inout Keys) throws -> Sealed {
    let iv = Cipher.randomBytes(12)
    let box = try Cipher.aesGCMSeal(key: try keys.key(for: salt), plaintext: plaintext, nonce: iv)
    return Sealed(ciphertextAndTag: box.ciphertext + box.tag, salt: salt, iv: iv)
  }
}
