import CSodium
import Foundation
import OTPCore
import OTPCrypto
import OTPJSON

/// The Argon2id cost of an encrypted export: libsodium's `opslimit` and `memlimit` (bytes).
public struct EnteKDFLimits: Sendable, Equatable {
  public var memLimit: Int
  public var opsLimit: Int

  public init(memLimit: Int, opsLimit: Int) {
    self.memLimit = memLimit
    self.opsLimit = opsLimit
  }

  /// What Ente's `deriveSensitiveKey` settles on (formats.md §9.2): 256 MiB, 16 passes.
  public static let ente = EnteKDFLimits(memLimit: 268_435_456, opsLimit: 16)
}

/// The encrypted export (formats.md §9.2):
/// `{"version":1,"kdfParams":{"memLimit":…,"opsLimit":…,"salt":"…"},"encryptedData":"…","encryptionNonce":"…"}`.
/// The key is libsodium `crypto_pwhash` (Argon2id 1.3) over the password with the file's limits;
/// the text is one libsodium secretstream (XChaCha20-Poly1305) chunk whose 24-byte header is
/// `encryptionNonce`.
///
/// Wrong password or damage: the format has no key check of its own, and the chunk's Poly1305
/// tag fails alike for a wrong key and for altered bytes. So everything that can be checked
/// without the key (JSON shape, base64, salt, header and chunk sizes, limits) is checked first and
/// reported as damage; a tag that then fails is reported as a wrong password, the only cause an
/// intact file leaves. A file altered inside its ciphertext is therefore reported as a wrong
/// password: the format cannot say more.
enum EncryptedExport {
  struct Envelope: Codable {
    struct KDFParams: Codable {
      var memLimit: Int
      var opsLimit: Int
      var salt: String
    }

    var version: Int
    var kdfParams: KDFParams
    var encryptedData: String
    var encryptionNonce: String
  }

  struct VersionOnly: Decodable {
    var version: Int?
  }

  static let keyBytes = 32
  static let saltBytes = 16
  static let headerBytes = 24
  /// The tag byte and the 16-byte Poly1305 MAC of one secretstream chunk.
  static let chunkOverhead = 17

  static func decrypt(_ text: String, file: String, password provider: PasswordProvider, caps: Limits = .standard) throws
    -> String
  {
    let data = Array(text.utf8)
    let decoder = JSONTapeDecoder()
    guard let header = try? decoder.decode(VersionOnly.self, from: data) else {
      throw OTPError.corrupted(file: file, place: nil, reason: "not a JSON object")
    }
    guard let version = header.version else {
      throw OTPError.corrupted(file: file, place: nil, reason: "no \"version\" field")
    }
    guard version == 1 else {
      throw OTPError.unsupportedVersion(file: file, version: String(version), supported: "1")
    }
    let envelope: Envelope
    do {
      envelope = try decoder.decode(Envelope.self, from: data)
    } catch {
      throw OTPError.corrupted(
        file: file, place: nil, reason: "the encrypted export lacks kdfParams, encryptedData or encryptionNonce")
    }
    let salt = try base64(envelope.kdfParams.salt, field: "kdfParams.salt", file: file)
    let header24 = try base64(envelope.encryptionNonce, field: "encryptionNonce", file: file)
    let chunk = try base64(envelope.encryptedData, field: "encryptedData", file: file)
    guard salt.count == saltBytes else {
      throw OTPError.corrupted(file: file, place: "kdfParams.salt", reason: "a salt of \(salt.count) bytes, not \(saltBytes)")
    }
    guard header24.count == headerBytes else {
      throw OTPError.corrupted(
        file: file, place: "encryptionNonce", reason: "a stream header of \(header24.count) bytes, not \(headerBytes)")
    }
    guard chunk.count >= chunkOverhead else {
      throw OTPError.corrupted(file: file, place: "encryptedData", reason: "shorter than one encrypted chunk")
    }
    let limits = EnteKDFLimits(memLimit: envelope.kdfParams.memLimit, opsLimit: envelope.kdfParams.opsLimit)
    guard limits.opsLimit >= 1, limits.memLimit >= 8192 else {
      throw OTPError.corrupted(
        file: file, place: "kdfParams",
        reason: "key derivation limits out of range (opsLimit \(limits.opsLimit), memLimit \(limits.memLimit) bytes)")
    }
    try caps.checkArgon2(
      memoryKiB: limits.memLimit >> 10, passes: limits.opsLimit, file: file, memoryName: "kdfParams.memLimit",
      passesName: "kdfParams.opsLimit")

    guard let password = try provider.password(for: file) else {
      throw OTPError.passwordRequired(file: file)
    }
    guard let key = deriveKey(password: password, salt: salt, limits: limits) else {
      throw OTPError.cannotOpen(
        file: file, reason: "the Argon2id key derivation failed; it needs \(limits.memLimit >> 20) MiB of memory")
    }
    let plaintext = try pull(chunk: chunk, header: header24, key: key, file: file)
    guard let text = String(validating: plaintext, as: UTF8.self) else {
      throw OTPError.corrupted(file: file, place: "encryptedData", reason: "the decrypted export is not UTF-8 text")
    }
    return text
  }

  static func base64(_ text: String, field: String, file: String) throws -> [UInt8] {
    guard let data = Data(base64Encoded: text) else {
      throw OTPError.corrupted(file: file, place: field, reason: "not base64")
    }
    return Array(data)
  }

  /// The key, or nil when libsodium refuses (out of memory or limits it does not take).
  /// `crypto_pwhash` with Argon2id 1.3 is one lane, `opsLimit` passes and `memLimit` bytes.
  static func deriveKey(password: String, salt: [UInt8], limits: EnteKDFLimits) -> [UInt8]? {
    try? KeyDerivation.argon2id(
      password: Array(password.utf8), salt: salt, iterations: limits.opsLimit, memoryKiB: limits.memLimit / 1024, parallelism: 1,
      length: keyBytes)
  }

  /// Opens the one chunk. Ente pushes it with TAG_FINAL, some exports carry TAG_MESSAGE
  /// (stratum's sample, formats.md §9): both are accepted.
  static func pull(chunk: [UInt8], header: [UInt8], key: [UInt8], file: String) throws -> [UInt8] {
    var state = crypto_secretstream_xchacha20poly1305_state()
    guard crypto_secretstream_xchacha20poly1305_init_pull(&state, header, key) == 0 else {
      throw OTPError.corrupted(file: file, place: "encryptionNonce", reason: "not a secretstream header")
    }
    var plaintext = [UInt8](repeating: 0, count: chunk.count - chunkOverhead)
    var length: UInt64 = 0
    var tag: UInt8 = 0
    let status = crypto_secretstream_xchacha20poly1305_pull(
      &state, &plaintext, &length, &tag, chunk, UInt64(chunk.count), nil, 0)
    guard status == 0 else { throw OTPError.wrongPassword(file: file) }
    guard tag == 0 || tag == crypto_secretstream_xchacha20poly1305_tag_final() else {
      throw OTPError.corrupted(file: file, place: "encryptedData", reason: "an unexpected secretstream tag \(tag)")
    }
    return Array(plaintext.prefix(Int(length)))
  }

  static func encrypt(_ plaintext: [UInt8], password: String, limits: EnteKDFLimits) throws -> String {
    let salt = Cipher.randomBytes(saltBytes)
    guard let key = deriveKey(password: password, salt: salt, limits: limits) else {
      throw OTPError.writeFailed(path: "the new Ente export", reason: "the Argon2id key derivation failed")
    }
    var state = crypto_secretstream_xchacha20poly1305_state()
    var header = [UInt8](repeating: 0, count: headerBytes)
    guard crypto_secretstream_xchacha20poly1305_init_push(&state, &header, key) == 0 else {
      throw OTPError.writeFailed(path: "the new Ente export", reason: "libsodium could not start the stream")
    }
    var chunk = [UInt8](repeating: 0, count: plaintext.count + chunkOverhead)
    var length: UInt64 = 0
    guard
      crypto_secretstream_xchacha20poly1305_push(
        &state, &chunk, &length, plaintext, UInt64(plaintext.count), nil, 0,
        crypto_secretstream_xchacha20poly1305_tag_final()) == 0
    else {
      throw OTPError.writeFailed(path: "the new Ente export", reason: "libsodium could not encrypt")
    }
    // Ente's jsonEncode: compact, keys in this order, standard padded base64 (formats.md §9.2).
    return "{\"version\":1,\"kdfParams\":{\"memLimit\":\(limits.memLimit),\"opsLimit\":\(limits.opsLimit),"
      + "\"salt\":\"\(Data(salt).base64EncodedString())\"},"
      + "\"encryptedData\":\"\(Data(chunk.prefix(Int(length))).base64EncodedString())\","
      + "\"encryptionNonce\":\"\(Data(header).base64EncodedString())\"}"
  }
}
