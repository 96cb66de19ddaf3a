import Foundation
import OTPCore
import OTPCrypto

/// Opening and sealing an encrypted Aegis vault (formats.md §5.3): a password slot's scrypt key
/// unwraps the master key, and the master key opens the database. Both with AES-256-GCM, the tag
/// stored apart from the ciphertext.
enum AegisCrypto {
  /// What otpbridge writes: Aegis's own defaults.
  static let scryptN = 32768
  static let scryptR = 8
  static let scryptP = 1

  /// The master key from the first password slot that `password` opens. A tag that fails in every
  /// slot is a wrong password; a database tag failing after that is damage (see `openDatabase`).
  static func unlock(_ header: AegisHeader, password: String, limits: Limits = .standard, file: String) throws -> [UInt8] {
    let slots = (header.slots ?? []).filter { $0.type == AegisSlot.passwordType }
    guard !slots.isEmpty else {
      throw OTPError.cannotOpen(
        file: file,
        reason:
          "the vault has no password slot (only biometric or raw-key slots, which open only on the phone that made them); export it from Aegis with a password"
      )
    }
    let exact = Array(password.utf8)
    // The issue #95 quirk: an unrepaired slot may have been made from Java's padded encoder
    // array, which only differs for scrypt when it is longer than HMAC's 64-byte block.
    let legacy = javaEncoderArray(password)
    for (index, slot) in slots.enumerated() {
      if let key = try open(slot, passwordBytes: exact, limits: limits, file: file, place: "password slot \(index + 1)") {
        return key
      }
      if slot.repaired != true, legacy.count > 64,
        let key = try open(slot, passwordBytes: legacy, limits: limits, file: file, place: "password slot \(index + 1)")
      {
        return key
      }
    }
    throw OTPError.wrongPassword(file: file)
  }

  /// The master key if `passwordBytes` opens `slot`, nil if the slot's tag says no.
  static func open(_ slot: AegisSlot, passwordBytes: [UInt8], limits: Limits, file: String, place: String) throws -> [UInt8]? {
    func damaged(_ reason: String) -> OTPError {
      OTPError.corrupted(file: file, place: place, reason: reason)
    }
    guard let n = slot.n, let r = slot.r, let p = slot.p, let saltText = slot.salt,
      let keyText = slot.key, let keyParams = slot.keyParams
    else { throw damaged("the slot lacks its scrypt parameters, salt or key") }
    // scrypt's own rules; the memory cap keeps a hostile file from asking for gigabytes (Aegis uses 2^15, 8, 1).
    guard n > 1, n & (n - 1) == 0, r >= 1, p >= 1 else { throw damaged("scrypt parameters N=\(n), r=\(r), p=\(p) are not valid") }
    try limits.checkScrypt(n: n, r: r, p: p, file: file, place: place)
    guard let salt = Hex.decode(saltText), let wrapped = Hex.decode(keyText),
      let nonce = Hex.decode(keyParams.nonce), let tag = Hex.decode(keyParams.tag)
    else { throw damaged("the slot's salt, key, nonce or tag is not hex") }

    let slotKey: [UInt8]
    do {
      slotKey = try KeyDerivation.scrypt(password: passwordBytes, salt: salt, n: n, r: r, p: p, length: 32)
    } catch {
      throw damaged("scrypt failed: \(error)")
    }
    let masterKey: [UInt8]
    do throws(Cipher.Failure) {
      masterKey = try Cipher.aesGCMOpen(key: slotKey, nonce: nonce, ciphertext: wrapped, tag: tag)
    } catch .authenticationFailed {
      return nil
    } catch .malformed(let reason) {
      throw damaged(reason)
    }
    guard masterKey.count == 32 else { throw damaged("the master key is \(masterKey.count) bytes, not 32") }
    return masterKey
  }

  /// The database JSON. The master key already proved itself, so a failing tag here is damage.
  static func openDatabase(_ base64: String, params: AegisCipherParams?, masterKey: [UInt8], file: String) throws -> [UInt8] {
    func damaged(_ reason: String) -> OTPError {
      OTPError.corrupted(file: file, place: "db", reason: reason)
    }
    guard let params else { throw damaged("the header has no nonce and tag for the encrypted database") }
    guard let ciphertext = Data(base64Encoded: base64), let nonce = Hex.decode(params.nonce), let tag = Hex.decode(params.tag)
    else { throw damaged("the database is not base64, or its nonce or tag is not hex") }
    do throws(Cipher.Failure) {
      return try Cipher.aesGCMOpen(key: masterKey, nonce: nonce, ciphertext: Array(ciphertext), tag: tag)
    } catch .authenticationFailed {
      throw damaged("the password is right, but the encrypted database fails its authentication tag")
    } catch .malformed(let reason) {
      throw damaged(reason)
    }
  }

  /// A header with one password slot (fresh salt, master key and nonces) and the sealed database.
  static func seal(database: [UInt8], password: String) throws -> (header: AegisHeader, db: String) {
    let masterKey = Cipher.randomBytes(32)
    let salt = Cipher.randomBytes(32)
    let slotKey = try KeyDerivation.scrypt(
      password: Array(password.utf8), salt: salt, n: scryptN, r: scryptR, p: scryptP, length: 32)
    let slotNonce = Cipher.randomBytes(12)
    let wrapped = try Cipher.aesGCMSeal(key: slotKey, plaintext: masterKey, nonce: slotNonce)
    let slot = AegisSlot(
      type: AegisSlot.passwordType, uuid: Cipher.randomUUID(), key: Hex.encode(wrapped.ciphertext),
      keyParams: AegisCipherParams(nonce: Hex.encode(slotNonce), tag: Hex.encode(wrapped.tag)),
      n: scryptN, r: scryptR, p: scryptP, salt: Hex.encode(salt), repaired: true, isBackup: false)

    let databaseNonce = Cipher.randomBytes(12)
    let sealed = try Cipher.aesGCMSeal(key: masterKey, plaintext: database, nonce: databaseNonce)
    let header = AegisHeader(
      slots: [slot], params: AegisCipherParams(nonce: Hex.encode(databaseNonce), tag: Hex.encode(sealed.tag)))
    return (header, Data(sealed.ciphertext).base64EncodedString())
  }

  /// The whole backing array of Java's `UTF_8.encode(CharBuffer)`: the UTF-8 bytes, then zeros up
  /// to the buffer's capacity, which starts at ⌊UTF-16 units × 1.1⌋ (in float) and grows as
  /// 2n + 1 until the bytes fit (formats.md §5.3).
  static func javaEncoderArray(_ password: String) -> [UInt8] {
    let bytes = Array(password.utf8)
    var capacity = Int(Float(password.utf16.count) * Float(1.1))
    while capacity < bytes.count { capacity = 2 * capacity + 1 }
    return bytes + [UInt8](repeating: 0, count: capacity - bytes.count)
  }
}
