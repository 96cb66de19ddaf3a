import CArgon2
import CSodium
import Crypto
import CryptoExtras
import Foundation
import OTPCore
import Synchronization

/// The key derivations and ciphers the formats use, as thin wrappers over maintained libraries
/// (swift-crypto, libargon2, libsodium). Nothing here implements a primitive; it only adapts byte arrays and
/// turns library failures into the distinctions a reader needs.
public enum KeyDerivation {
  public enum Hash: Sendable {
    case sha1, sha256, sha512
  }

  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  public static func pbkdf2(password: [UInt8], salt: [UInt8], hash: Hash, rounds: Int, length: Int) throws -> [UInt8] {
    let function: KDF.Insecure.PBKDF2.HashFunction
    switch hash {
    case .sha1: function = .insecureSHA1
    case .sha256: function = .sha256
    case .sha512: function = .sha512
    }
    // The unchecked variant: files carry their own counts, some below swift-crypto's minimum.
    let key = try KDF.Insecure.PBKDF2.deriveKey(
      from: password, salt: salt, using: function, outputByteCount: length, unsafeUncheckedRounds: rounds)
    return key.withUnsafeBytes { Array($0) }
  }

  public static func scrypt(password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, length: Int) throws -> [UInt8] {
    let key = try KDF.Scrypt.deriveKey(
      from: password, salt: salt, outputByteCount: length, rounds: n, blockSize: r, parallelism: p,
      maxMemory: 128 * n * r * p + 1024 * 1024)
    return key.withUnsafeBytes { Array($0) }
  }

  /// Argon2id (version 1.3). One lane with a 16-byte salt, which is what libsodium's
  /// `crypto_pwhash` computes (Ente, Proton), runs in libsodium, whose implementation uses the
  /// CPU's vector units and takes about half the time; other shapes run in libargon2. Both give
  /// the same bytes for the same inputs.
  public static func argon2id(
    password: [UInt8], salt: [UInt8], iterations: Int, memoryKiB: Int, parallelism: Int, length: Int
  ) throws -> [UInt8] {
    if parallelism == 1, salt.count == Int(crypto_pwhash_SALTBYTES), iterations >= 1, memoryKiB >= 8, length >= 16, sodiumReady {
      return try argon2idSodium(password: password, salt: salt, iterations: iterations, memoryKiB: memoryKiB, length: length)
    }
    return try argon2idLibargon2(
      password: password, salt: salt, iterations: iterations, memoryKiB: memoryKiB, parallelism: parallelism, length: length)
  }

  static let sodiumReady: Bool = sodium_init() >= 0

  static func argon2idSodium(password: [UInt8], salt: [UInt8], iterations: Int, memoryKiB: Int, length: Int) throws -> [UInt8] {
    var output = [UInt8](repeating: 0, count: length)
    // A NUL after the password gives the buffer an address even when the password is empty.
    let status = (password + [0]).withUnsafeBufferPointer { bytes in
      bytes.withMemoryRebound(to: CChar.self) { chars in
        crypto_pwhash(
          &output, UInt64(length), chars.baseAddress!, UInt64(password.count), salt, UInt64(iterations), memoryKiB * 1024,
          crypto_pwhash_alg_argon2id13())
      }
    }
    guard status == 0 else {
      throw Failure(description: "Argon2id failed: libsodium refused (out of memory, or parameters it does not take)")
    }
    return output
  }

  static func argon2idLibargon2(
    password: [UInt8], salt: [UInt8], iterations: Int, memoryKiB: Int, parallelism: Int, length: Int
  ) throws -> [UInt8] {
    var output = [UInt8](repeating: 0, count: length)
    let status = argon2id_hash_raw(
      UInt32(iterations), UInt32(memoryKiB), UInt32(parallelism), password, password.count, salt, salt.count,
      &output, length)
    guard status == ARGON2_OK.rawValue else {
      throw Failure(description: "Argon2id failed: \(String(cString: argon2_error_message(status)))")
    }
    return output
  }
}

/// Authenticated and unauthenticated ciphers. A failed tag is `authenticationFailed`: with a key
/// just derived from a password it means the password is wrong; with a key that already proved
/// itself it means the data is damaged. The caller knows which and picks the `OTPError`.
public enum Cipher {
  public enum Failure: Error, Sendable, Equatable {
    case authenticationFailed
    case malformed(String)
  }

  public static func aesGCMOpen(key: [UInt8], nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8], aad: [UInt8] = [])
    throws(Failure) -> [UInt8]
  {
    let box: AES.GCM.SealedBox
    do {
      box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
    } catch {
      throw .malformed("bad AES-GCM nonce or tag size")
    }
    guard [16, 24, 32].contains(key.count) else { throw .malformed("an AES key of \(key.count) bytes") }
    // With sizes checked, any failure of open is the tag (BoringSSL reports it as a generic error).
    guard let plaintext = try? AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: aad) else {
      throw .authenticationFailed
    }
    return Array(plaintext)
  }

  /// Opens `ciphertext ‖ tag` (the tag's 16 bytes appended, as most formats store it).
  public static func aesGCMOpen(key: [UInt8], nonce: [UInt8], ciphertextAndTag: [UInt8], aad: [UInt8] = []) throws(Failure)
    -> [UInt8]
  {
    guard ciphertextAndTag.count >= 16 else { throw .malformed("shorter than an AES-GCM tag") }
    return try aesGCMOpen(
      key: key, nonce: nonce, ciphertext: Array(ciphertextAndTag.dropLast(16)), tag: Array(ciphertextAndTag.suffix(16)),
      aad: aad)
  }

  /// Seals with the nonce given (callers draw it with `randomBytes`).
  public static func aesGCMSeal(key: [UInt8], plaintext: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws -> (
    ciphertext: [UInt8], tag: [UInt8]
  ) {
    let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key), nonce: AES.GCM.Nonce(data: nonce), authenticating: aad)
    return (Array(box.ciphertext), Array(box.tag))
  }

  public static func aesCBCDecrypt(key: [UInt8], iv: [UInt8], ciphertext: [UInt8]) throws(Failure) -> [UInt8] {
    do {
      return Array(try AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv)))
    } catch {
      // PKCS#7 padding that does not check out: a wrong key, or damage.
      throw .authenticationFailed
    }
  }

  public static func aesCBCEncrypt(key: [UInt8], iv: [UInt8], plaintext: [UInt8]) throws -> [UInt8] {
    Array(try AES._CBC.encrypt(plaintext, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv)))
  }

  /// Bytes from the system's cryptographic generator through libsodium, in one getrandom call.
  /// swift-crypto's random bytes, like `SystemRandomNumberGenerator`, make a system call for
  /// every eight, which a writer of a thousand entries notices.
  public static func randomBytes(_ count: Int) -> [UInt8] {
    precondition(KeyDerivation.sodiumReady, "libsodium did not initialise")
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let base = buffer.baseAddress { randombytes_buf(base, count) }
      initialized = count
    }
  }

  /// Random bytes for UUIDs, drawn 4 KiB at a time: an entry id is no secret, and a system call
  /// for each of a thousand entries costs more than the rest of writing them.
  private static let uuidBytes = Mutex<(pool: [UInt8], used: Int)>(([], 0))

  /// A random (version 4) UUID in lower case, as the apps write entry ids.
  public static func randomUUID() -> String {
    var bytes = uuidBytes.withLock { state in
      if state.used + 16 > state.pool.count { state = (randomBytes(4096), 0) }
      defer { state.used += 16 }
      return Array(state.pool[state.used..<(state.used + 16)])
    }
    bytes[6] = bytes[6] & 0x0f | 0x40  // version 4
    bytes[8] = bytes[8] & 0x3f | 0x80  // RFC 4122 variant
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (start, end) in [(0, 4), (4, 6), (6, 8), (8, 10), (10, 16)] {
      if start > 0 { text.append(UInt8(ascii: "-")) }
      Hex.encode(bytes[start..<end], into: &text)
    }
    return String(decoding: text, as: UTF8.self)
  }
}

/// Hashes and MACs some formats use directly (andOTP's old key, Bitwarden's HKDF and HMAC, PSKC's MAC).
public enum Digest {
  public static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

  public static func sha512(_ bytes: [UInt8]) -> [UInt8] { Array(SHA512.hash(data: bytes)) }

  /// SHA-1, for names an app derives from it (Stratum's category ids), never for security.
  public static func sha1(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.SHA1.hash(data: bytes)) }

  /// HMAC-SHA1, for formats that still MAC with it (PSKC's ValueMAC, RFC 6030 §6.1.1).
  public static func hmacSHA1(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
  }

  public static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
  }

  /// HKDF-Expand (RFC 5869 §2.3) with SHA-256.
  public static func hkdfExpandSHA256(prk: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
    let key = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: info, outputByteCount: length)
    return key.withUnsafeBytes { Array($0) }
  }

  /// Compares in constant time.
  public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
  }
}
