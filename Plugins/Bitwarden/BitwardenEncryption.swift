import Foundation
import OTPCore
import OTPCrypto

/// Bitwarden's password-protected export (formats.md §4.4): a key from the password (PBKDF2-SHA256
/// over the salt's base64 text, or Argon2id over SHA-256 of it), stretched with HKDF-Expand into an
/// AES-256-CBC key ("enc") and an HMAC-SHA256 key ("mac"); strings are EncStrings of type 2.
struct BitwardenKeys {
  enum KDF: Equatable {
    case pbkdf2(iterations: Int)
    case argon2id(iterations: Int, memoryMiB: Int, parallelism: Int)
  }

  let encryption: [UInt8]
  let authentication: [UInt8]

  init(password: String, salt: String, kdf: KDF) throws {
    let master: [UInt8]
    switch kdf {
    case .pbkdf2(let iterations):
      master = try KeyDerivation.pbkdf2(
        password: Array(password.utf8), salt: Array(salt.utf8), hash: .sha256, rounds: iterations, length: 32)
    case .argon2id(let iterations, let memoryMiB, let parallelism):
      master = try KeyDerivation.argon2id(
        password: Array(password.utf8), salt: Digest.sha256(Array(salt.utf8)), iterations: iterations,
        memoryKiB: memoryMiB * 1024, parallelism: parallelism, length: 32)
    }
    encryption = Digest.hkdfExpandSHA256(prk: master, info: Array("enc".utf8), length: 32)
    authentication = Digest.hkdfExpandSHA256(prk: master, info: Array("mac".utf8), length: 32)
  }

  /// An EncString `2.<iv>|<ciphertext>|<mac>`, all base64.
  struct EncString {
    var iv: [UInt8]
    var ciphertext: [UInt8]
    var mac: [UInt8]

    enum Problem: Error {
      case unsupportedType(String)
      case malformed
    }

    init(iv: [UInt8], ciphertext: [UInt8], mac: [UInt8]) {
      self.iv = iv
      self.ciphertext = ciphertext
      self.mac = mac
    }

    /// Split as UTF-8 bytes: `data` holds the whole vault, and splitting it as Characters (grapheme
    /// by grapheme) cost more than decrypting it.
    init(parsing text: String) throws(Problem) {
      let bytes = Array(text.utf8)
      guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { throw .malformed }
      let type = String(decoding: bytes[..<dot], as: UTF8.self)
      guard type == "2" else { throw .unsupportedType(String(type.prefix(4))) }
      let parts = bytes[(dot + 1)...].split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
      guard parts.count == 3,
        let iv = Data(base64Encoded: Data(parts[0])), let ciphertext = Data(base64Encoded: Data(parts[1])),
        let mac = Data(base64Encoded: Data(parts[2])), iv.count == 16, mac.count == 32, !ciphertext.isEmpty
      else { throw .malformed }
      self.init(iv: Array(iv), ciphertext: Array(ciphertext), mac: Array(mac))
    }

    var text: String {
      "2." + Data(iv).base64EncodedString() + "|" + Data(ciphertext).base64EncodedString() + "|" + Data(mac).base64EncodedString()
    }
  }

  /// Whether the MAC of `value` checks out with these keys (constant-time).
  func authenticates(_ value: EncString) -> Bool {
    Digest.constantTimeEqual(Digest.hmacSHA256(key: authentication, value.iv + value.ciphertext), value.mac)
  }

  /// Decrypts a value whose MAC was checked.
  func decrypt(_ value: EncString) throws(Cipher.Failure) -> [UInt8] {
    try Cipher.aesCBCDecrypt(key: encryption, iv: value.iv, ciphertext: value.ciphertext)
  }

  func encrypt(_ plaintext: [UInt8]) throws -> EncString {
    let iv = Cipher.randomBytes(16)
    let ciphertext = try Cipher.aesCBCEncrypt(key: encryption, iv: iv, plaintext: plaintext)
    return EncString(iv: iv, ciphertext: ciphertext, mac: Digest.hmacSHA256(key: authentication, iv + ciphertext))
  }
}
