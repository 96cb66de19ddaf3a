import CArgon2
import CGcrypt
import CSodium
import Crypto
import OTPCore

/// The unauthenticated ciphers and key derivations of KeePass databases, over libgcrypt (Twofish,
/// AES-ECB), libsodium (ChaCha20, Salsa20) and libargon2 (Argon2d). They neither pad nor
/// authenticate: a KDBX reader checks its own start bytes or HMACs and strips padding itself.
public enum RawCipher {
  public enum BlockCipher: Sendable, Equatable {
    case aes256, twofish

    var gcryptAlgorithm: Int32 {
      switch self {
      case .aes256: return Int32(GCRY_CIPHER_AES256.rawValue)
      case .twofish: return Int32(GCRY_CIPHER_TWOFISH.rawValue)
      }
    }
  }

  static let gcryptReady: Bool = otpbridge_gcrypt_start() == 1

  /// CBC over whole 16-byte blocks, without padding, with a 32-byte key and a 16-byte IV.
  public static func cbc(_ cipher: BlockCipher, encrypt: Bool, key: [UInt8], iv: [UInt8], _ data: [UInt8]) throws(Cipher.Failure)
    -> [UInt8]
  {
    guard key.count == 32, iv.count == 16 else { throw .malformed("a key of \(key.count) bytes or an IV of \(iv.count)") }
    guard data.count % 16 == 0 else { throw .malformed("\(data.count) bytes: not whole 16-byte blocks") }
    var output = data
    let status = try withCipher(cipher, mode: Int32(GCRY_CIPHER_MODE_CBC.rawValue), key: key) { handle in
      var status = gcry_cipher_setiv(handle, iv, iv.count)
      guard status == 0 else { return status }
      output.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        status =
          encrypt
          ? gcry_cipher_encrypt(handle, base, buffer.count, nil, 0) : gcry_cipher_decrypt(handle, base, buffer.count, nil, 0)
      }
      return status
    }
    guard status == 0 else { throw .malformed("libgcrypt refused the data (error \(status))") }
    return output
  }

  /// XORs `data` with the ChaCha20 stream (RFC 8439: 12-byte nonce, counter from 0).
  public static func chacha20(key: [UInt8], nonce: [UInt8], _ data: [UInt8]) throws(Cipher.Failure) -> [UInt8] {
    guard key.count == 32, nonce.count == 12 else {
      throw .malformed("a ChaCha20 key of \(key.count) bytes or nonce of \(nonce.count)")
    }
    precondition(KeyDerivation.sodiumReady, "libsodium did not initialise")
    var output = [UInt8](repeating: 0, count: data.count)
    _ = crypto_stream_chacha20_ietf_xor(&output, data, UInt64(data.count), nonce, key)
    return output
  }

  /// XORs `data` with the Salsa20/20 stream (8-byte nonce, counter from 0).
  public static func salsa20(key: [UInt8], nonce: [UInt8], _ data: [UInt8]) throws(Cipher.Failure) -> [UInt8] {
    guard key.count == 32, nonce.count == 8 else {
      throw .malformed("a Salsa20 key of \(key.count) bytes or nonce of \(nonce.count)")
    }
    precondition(KeyDerivation.sodiumReady, "libsodium did not initialise")
    var output = [UInt8](repeating: 0, count: data.count)
    _ = crypto_stream_salsa20_xor(&output, data, UInt64(data.count), nonce, key)
    return output
  }

  static func withCipher(_ cipher: BlockCipher, mode: Int32, key: [UInt8], _ body: (gcry_cipher_hd_t) throws -> gcry_error_t)
    throws(Cipher.Failure) -> gcry_error_t
  {
    precondition(gcryptReady, "libgcrypt did not initialise")
    var handle: gcry_cipher_hd_t?
    guard gcry_cipher_open(&handle, cipher.gcryptAlgorithm, mode, 0) == 0, let handle else {
      throw .malformed("libgcrypt has no \(cipher)")
    }
    defer { gcry_cipher_close(handle) }
    let status = gcry_cipher_setkey(handle, key, key.count)
    guard status == 0 else { return status }
    do { return try body(handle) } catch { throw .malformed("\(error)") }
  }
}

extension KeyDerivation {
  /// KeePass's AES-KDF: the 32-byte key encrypted `rounds` times with AES-256-ECB under `seed`,
  /// then hashed with SHA-256.
  public static func aesKDF(key: [UInt8], seed: [UInt8], rounds: UInt64) throws -> [UInt8] {
    guard key.count == 32, seed.count == 32 else {
      throw Failure(description: "AES-KDF takes a 32-byte key and seed, not \(key.count) and \(seed.count)")
    }
    var block = key
    let status = try RawCipher.withCipher(.aes256, mode: Int32(GCRY_CIPHER_MODE_ECB.rawValue), key: seed) { handle in
      var status: gcry_error_t = 0
      block.withUnsafeMutableBytes { buffer in
        for _ in 0..<rounds where status == 0 {
          status = gcry_cipher_encrypt(handle, buffer.baseAddress, 32, nil, 0)
        }
      }
      return status
    }
    guard status == 0 else { throw Failure(description: "AES-KDF failed in libgcrypt (error \(status))") }
    return Array(SHA256.hash(data: block))
  }

  public enum Argon2Variant: Sendable { case argon2d, argon2id }

  /// Argon2d or Argon2id with a chosen version (0x10 or 0x13), as KeePass's KDF parameters name them.
  public static func argon2(
    _ variant: Argon2Variant, version: UInt32, password: [UInt8], salt: [UInt8], iterations: Int, memoryKiB: Int,
    parallelism: Int, length: Int
  ) throws -> [UInt8] {
    var output = [UInt8](repeating: 0, count: length)
    let type = variant == .argon2d ? Argon2_d : Argon2_id
    let status = argon2_hash(
      UInt32(iterations), UInt32(memoryKiB), UInt32(parallelism), password, password.count, salt, salt.count, &output, length,
      nil, 0, type, version)
    guard status == ARGON2_OK.rawValue else {
      throw Failure(description: "Argon2 failed: \(String(cString: argon2_error_message(status)))")
    }
    return output
  }
}
