import Foundation
import OTPCore
import OTPCrypto

/// The keys of a 1Password OPVault (AgileBits' "OPVault design"): PBKDF2-HMAC-SHA512 of the
/// master password gives a key pair that opens the profile's master and overview keys, each an
/// opdata01 blob whose plain text, hashed with SHA-512, is the next key pair. Items carry their
/// own key pair (`k`), sealed with the master keys. Every blob is MACed with HMAC-SHA256 before
/// it is decrypted.
struct OPVaultKeys {
  var encryption: [UInt8]
  var mac: [UInt8]

  init(encryption: [UInt8], mac: [UInt8]) {
    self.encryption = encryption
    self.mac = mac
  }

  /// A key pair from 64 bytes: the first 32 encrypt, the last 32 authenticate.
  init(pair: [UInt8]) {
    encryption = Array(pair[0..<32])
    mac = Array(pair[32..<64])
  }

  enum Failure: Error, Equatable {
    /// The MAC does not match: with keys derived from the password, a wrong password.
    case macMismatch
    case malformed(String)
  }

  static let opdataHeader = Array("opdata01".utf8)

  /// An opdata01 blob: "opdata01", the plain length (8 bytes little-endian), a 16-byte IV, the
  /// AES-256-CBC text whose plain text is random padding then the data, and HMAC-SHA256 over all
  /// that comes before it.
  func open(opdata blob: [UInt8]) throws(Failure) -> [UInt8] {
    guard blob.count >= 8 + 8 + 16 + 16 + 32, blob.starts(with: Self.opdataHeader) else {
      throw .malformed("not an opdata01 blob")
    }
    let body = Array(blob.dropLast(32))
    guard Digest.constantTimeEqual(Digest.hmacSHA256(key: mac, body), Array(blob.suffix(32))) else { throw .macMismatch }
    let length = blob[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    let ciphertext = Array(body[32...])
    let plain: [UInt8]
    do {
      plain = try RawCipher.cbc(.aes256, encrypt: false, key: encryption, iv: Array(blob[16..<32]), ciphertext)
    } catch {
      throw .malformed("the encrypted data is not whole blocks")
    }
    guard length <= UInt64(plain.count) else { throw .malformed("the stated length is longer than the data") }
    return Array(plain.suffix(Int(length)))
  }

  /// The keys an opdata01 blob holds: SHA-512 of its plain text.
  func openKeys(opdata blob: [UInt8]) throws(Failure) -> OPVaultKeys {
    OPVaultKeys(pair: Digest.sha512(try open(opdata: blob)))
  }

  /// An item's own key pair (`k`): IV (16), AES-256-CBC of the 64 key bytes (no padding), and
  /// HMAC-SHA256 over IV and cipher text.
  func openItemKeys(_ blob: [UInt8]) throws(Failure) -> OPVaultKeys {
    guard blob.count == 16 + 64 + 32 else { throw .malformed("an item key of \(blob.count) bytes, not 112") }
    let body = Array(blob.prefix(80))
    guard Digest.constantTimeEqual(Digest.hmacSHA256(key: mac, body), Array(blob.suffix(32))) else { throw .macMismatch }
    do {
      return OPVaultKeys(
        pair: try RawCipher.cbc(.aes256, encrypt: false, key: encryption, iv: Array(blob.prefix(16)), Array(body[16...])))
    } catch {
      throw .malformed("the item key is not whole blocks")
    }
  }
}
