import Foundation
import OTPCore
import OTPCrypto
import OTPJSON
import SwiftASN1

/// FreeOTP 2.x's encrypted backup (`externalBackup.xml`, whatever its name): a serialized Java
/// `HashMap<String, String>` (JavaHashMap) whose entries are
/// - `masterKey`: the master key, sealed with AES-GCM under a key PBKDF2 makes from the password;
/// - `<uuid>`: `{"key": "<sealed token key JSON>"}`, the token's secret sealed with the master key;
/// - `<uuid>-token`: the token's settings, FreeOTP's token JSON without its secret.
/// Each sealed value is `{mCipher, mCipherText, mParameters, mToken}`: ciphertext and tag as Java's
/// signed bytes, the nonce in DER (`mParameters`), and `mToken` as the additional data. Read only.
public struct FreeOTPBackupFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "freeotp",
    displayName: "FreeOTP 2.x encrypted backup",
    fileExtensions: ["xml", "bin"],
    canRead: true,
    canWrite: false,
    encryption: .required,
    capabilities: Capabilities(
      kinds: [.totp, .hotp], algorithms: [.sha1, .sha256, .sha512], digits: 6...9, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .counter, .icon]),
    summary: "FreeOTP 2.x's encrypted backup (a serialized Java map: PBKDF2 and AES-GCM).",
    findingCodes: FreeOTPPlusCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard JavaHashMap.isHashMap(input.bytes) else { return .no }
    return input.bytes.prefix(64 * 1024).firstRange(of: Array("masterKey".utf8)) != nil ? .certain : .likely
  }

  /// A value sealed with AES-GCM as FreeOTP's `EncryptedKey` keeps it.
  struct Sealed: Decodable {
    var mCipher: String?
    var mCipherText: [Int]
    var mParameters: [Int]
    var mToken: String?

    /// The plaintext under `key`; nil when the tag does not match (a wrong key).
    func open(with key: [UInt8]) throws(Failure) -> [UInt8]? {
      guard mCipher == nil || mCipher == "AES/GCM/NoPadding" else {
        throw .unsupported("the cipher \(String((mCipher ?? "").prefix(32)).debugDescription)")
      }
      guard let sealed = Self.bytes(mCipherText), let parameters = Self.bytes(mParameters) else {
        throw .damaged("a value that is not a signed byte")
      }
      let nonce = try Self.nonce(parameters)
      // Only a tag that does not match says "not this key"; a nonce or ciphertext of the wrong
      // size is damage whatever the key.
      do {
        return try Cipher.aesGCMOpen(key: key, nonce: nonce, ciphertextAndTag: sealed, aad: Array((mToken ?? "").utf8))
      } catch {
        switch error {
        case .authenticationFailed: return nil
        case .malformed(let reason): throw .damaged(reason)
        }
      }
    }

    static func bytes(_ signed: [Int]) -> [UInt8]? {
      guard signed.allSatisfy({ (-128...127).contains($0) }) else { return nil }
      return signed.map { UInt8(bitPattern: Int8($0)) }
    }

    /// Java's `GCMParameters.getEncoded()`: `SEQUENCE { OCTET STRING nonce, INTEGER tagLength }`
    /// (the tag's length in bytes, 16), or the bare OCTET STRING on Android 6 (the vectors' api23).
    static func nonce(_ der: [UInt8]) throws(Failure) -> [UInt8] {
      do {
        let node = try DER.parse(der)
        if node.identifier == .octetString { return Array(try ASN1OctetString(derEncoded: node).bytes) }
        return try DER.sequence(node, identifier: .sequence) { nodes in
          let nonce = try ASN1OctetString(derEncoded: &nodes)
          let tagLength = try Int(derEncoded: &nodes)
          guard tagLength == 16 else { throw Failure.unsupported("a GCM tag of \(tagLength) bytes") }
          return Array(nonce.bytes)
        }
      } catch let failure as Failure {
        throw failure
      } catch {
        throw .damaged("the GCM parameters are not DER")
      }
    }
  }

  enum Failure: Error {
    case damaged(String)
    case unsupported(String)
  }

  struct MasterKey: Decodable {
    var mAlgorithm: String?
    var mIterations: Int
    var mSalt: [Int]
    var mEncryptedKey: Sealed
  }

  struct TokenKey: Decodable {
    var key: String
  }

  static let kdfs: [String: KeyDerivation.Hash] = ["PBKDF2withHmacSHA1": .sha1, "PBKDF2withHmacSHA512": .sha512]
  static let tokenSuffix = "-token"

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let entries: [(key: String, value: String)]
    do {
      entries = try JavaHashMap.entries(input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a FreeOTP backup: \(error.reason)")
    }
    let values = Dictionary(entries, uniquingKeysWith: { first, _ in first })
    guard let masterText = values["masterKey"],
      let master = try? JSONTapeDecoder().decode(MasterKey.self, from: Array(masterText.utf8))
    else {
      throw OTPError.corrupted(file: input.name, place: "masterKey", reason: "no master key in FreeOTP's shape")
    }
    guard let hash = Self.kdfs[master.mAlgorithm ?? "PBKDF2withHmacSHA1"] else {
      throw OTPError.unsupportedVersion(
        file: input.name, version: "key derivation \(String((master.mAlgorithm ?? "").prefix(32)))",
        supported: "PBKDF2withHmacSHA1 and PBKDF2withHmacSHA512")
    }
    try context.limits.checkPBKDF2(iterations: master.mIterations, file: input.name, place: "masterKey")
    guard master.mIterations > 0, let salt = Sealed.bytes(master.mSalt), !salt.isEmpty else {
      throw OTPError.corrupted(file: input.name, place: "masterKey", reason: "no salt or no iterations")
    }
    guard let password = try context.password.password(for: input.name) else {
      throw OTPError.passwordRequired(file: input.name)
    }
    let wrapping = try KeyDerivation.pbkdf2(
      password: Array(password.utf8), salt: salt, hash: hash, rounds: master.mIterations, length: 32)
    let masterKey: [UInt8]
    do {
      guard let opened = try master.mEncryptedKey.open(with: wrapping) else { throw OTPError.wrongPassword(file: input.name) }
      masterKey = opened
    } catch let failure as Failure {
      throw Self.error(failure, file: input.name, place: "masterKey")
    }

    var result = ReadResult(accounts: [])
    // Tokens in the map's order; the app's display order is not in the backup.
    let tokens = entries.filter { $0.key.hasSuffix(Self.tokenSuffix) }
    for (index, token) in tokens.enumerated() {
      let id = String(token.key.dropLast(Self.tokenSuffix.count))
      let origin = Origin(file: input.name, place: .entry(index + 1))
      result.readEntry(at: origin, noun: "token", label: nil) { _ throws(EntryProblem) in
        guard let settings = try? JSONTapeDecoder().decode(SavedTokens.Token.self, from: Array(token.value.utf8)) else {
          throw EntryProblem(FreeOTPPlusCode.badToken, "the token's settings are not FreeOTP's token JSON")
        }
        guard let keyText = values[id],
          let wrapper = try? JSONTapeDecoder().decode(TokenKey.self, from: Array(keyText.utf8)),
          let sealed = try? JSONTapeDecoder().decode(Sealed.self, from: Array(wrapper.key.utf8))
        else {
          throw EntryProblem(FreeOTPPlusCode.backupNoKey, "the backup holds no key for this token")
        }
        let secret: [UInt8]?
        do {
          secret = try sealed.open(with: masterKey)
        } catch let failure as Failure {
          throw EntryProblem(FreeOTPPlusCode.backupKeyDamaged, "the token's key cannot be opened: \(Self.describe(failure))")
        } catch {
          throw EntryProblem(FreeOTPPlusCode.backupKeyDamaged, "the token's key cannot be opened")
        }
        guard let secret, !secret.isEmpty else {
          throw EntryProblem(
            FreeOTPPlusCode.backupKeyDamaged,
            "the token's key does not open with the master key the password opened: it is damaged")
        }
        return try settings.account(origin: origin, decryptedKey: secret, asFreeOTP2: true)
      }
    }
    return result
  }

  static func describe(_ failure: Failure) -> String {
    switch failure {
    case .damaged(let reason): return reason
    case .unsupported(let what): return "\(what) is not one otpbridge knows"
    }
  }

  static func error(_ failure: Failure, file: String, place: String) -> OTPError {
    switch failure {
    case .damaged(let reason): return .corrupted(file: file, place: place, reason: reason)
    case .unsupported(let what): return .unsupportedVersion(file: file, version: what, supported: "AES/GCM/NoPadding")
    }
  }
}
