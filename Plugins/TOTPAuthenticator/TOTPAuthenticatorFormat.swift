import Foundation
import OTPContainers
import OTPCore
import OTPCrypto
import OTPJSON

/// TOTP Authenticator's (com.authenticator.authservice2) backup and its internal preferences:
/// read only.
/// - The backup is base64 of AES-256-CBC (zero IV, PKCS#7) with the key SHA-256(password); a
///   backup made without a password uses the app's fixed one, "TotpAuthenticator", which is
///   tried first. The plaintext is a JSON object whose one key is the account list's JSON text.
/// - The preferences file keeps the same list in `STATIC_TOTP_CODES_LIST`.
/// Each account: `key` in base 16, 32 or 64 (`base`), `digits` and `period` as text ("" for the
/// defaults 6 and 30), `accountHeaderLabel` its group.
public struct TOTPAuthenticatorFormat: FormatPlugin {
  public init() {}

  static let listKey = "STATIC_TOTP_CODES_LIST"
  static let defaultPassword = "TotpAuthenticator"

  public let descriptor = FormatDescriptor(
    id: "totp-authenticator",
    displayName: "TOTP Authenticator backup",
    fileExtensions: ["bin", "xml"],
    canRead: true,
    canWrite: false,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1], digits: 1...10, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .favorite, .groups]),
    summary: "TOTP Authenticator's encrypted backup (.bin) and its internal preferences XML.",
    findingCodes: TOTPAuthenticatorCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if XMLTree.root(of: input.bytes)?.name == "map" {
      return input.bytes.prefix(64 * 1024).firstRange(of: Array(Self.listKey.utf8)) != nil ? .certain : .no
    }
    // The backup is bare base64 of whole AES blocks: only its name hints at it. A byte that is not
    // base64 (an otpauth list's ':' at its eighth) says no before the whole file is decoded.
    let head = input.bytes.prefix(64 * 1024)
    guard !head.isEmpty, head.allSatisfy(Self.isBase64TextByte) else { return .no }
    guard let sealed = Self.base64(input.bytes), sealed.count % 16 == 0, !sealed.isEmpty else { return .no }
    return input.fileExtension.lowercased() == "bin" ? .likely : .possible
  }

  static func isBase64TextByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
      UInt8(ascii: "\t"):
      return true
    default: return false
    }
  }

  static func base64(_ bytes: [UInt8]) -> [UInt8]? {
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return Data(base64Encoded: text).map(Array.init)
  }

  struct Entry: Decodable {
    var issuer: String?
    var name: String?
    var key: String?
    var base: Int?
    var digits: String?
    var period: String?
    var isFavorite: Bool?
    var accountHeaderLabel: String?
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let listText: [UInt8]
    if let map = XMLTree.parse(input.bytes), map.name == "map" {
      guard let element = map.children.first(where: { $0.attributes["name"] == Self.listKey }) else {
        throw OTPError.corrupted(file: input.name, place: nil, reason: "the preferences hold no \(Self.listKey)")
      }
      listText = Array(element.text.utf8)
    } else {
      listText = try Self.open(input, password: context.password)
    }
    let entries: [Entry]
    do {
      entries = try JSONTapeDecoder().decode([Entry].self, from: listText)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not TOTP Authenticator's account list")
    }
    var result = ReadResult(accounts: [])
    for (index, entry) in entries.enumerated() {
      let origin = Origin(file: input.name, place: .entry(index + 1))
      result.readEntry(at: origin, noun: "account", label: entry.name) { _ throws(EntryProblem) in
        try Self.account(entry, origin: origin)
      }
    }
    return result
  }

  /// The account list's JSON text from the encrypted backup.
  static func open(_ input: InputFile, password provider: PasswordProvider) throws -> [UInt8] {
    guard let sealed = base64(input.bytes), !sealed.isEmpty, sealed.count % 16 == 0 else {
      throw OTPError.corrupted(
        file: input.name, place: nil, reason: "not a TOTP Authenticator backup (base64 of whole AES blocks)")
    }
    func list(_ password: String) -> [UInt8]? {
      guard
        let plain = try? Cipher.aesCBCDecrypt(
          key: Digest.sha256(Array(password.utf8)), iv: Array(repeating: 0, count: 16), ciphertext: sealed),
        let object = try? JSONSerialization.jsonObject(with: Data(plain)) as? [String: Any], let key = object.keys.first
      else { return nil }
      return Array(key.utf8)
    }
    if let plain = list(Self.defaultPassword) { return plain }
    guard let password = try provider.password(for: input.name) else { throw OTPError.passwordRequired(file: input.name) }
    guard let plain = list(password) else { throw OTPError.wrongPassword(file: input.name) }
    return plain
  }

  static func account(_ entry: Entry, origin: Origin) throws(EntryProblem) -> Account {
    let text = entry.key ?? ""
    let secret: [UInt8]?
    switch entry.base ?? 16 {
    case 16: secret = Hex.decode(text)
    case 32: secret = try? Base32.decode(text)
    case 64: secret = Data(base64Encoded: text).map(Array.init)
    default: throw EntryProblem(TOTPAuthenticatorCode.badSecret, "the key's base \(entry.base ?? 0) is not 16, 32 or 64")
    }
    guard let secret, !secret.isEmpty else {
      throw EntryProblem(TOTPAuthenticatorCode.badSecret, "the key is not base \(entry.base ?? 16)")
    }
    // Digits and period are text; empty means the app's defaults.
    let digits = entry.digits.flatMap { $0.isEmpty ? nil : Int($0) } ?? 6
    let period = entry.period.flatMap { $0.isEmpty ? nil : Int($0) } ?? 30
    try EntryProblem.checkParameters(
      kind: .totp, digits: digits, period: period, badDigits: TOTPAuthenticatorCode.badDigits,
      badPeriod: TOTPAuthenticatorCode.badPeriod)
    let group = entry.accountHeaderLabel ?? ""
    return Account(
      kind: .totp, issuer: entry.issuer ?? "", name: entry.name ?? "", secret: Secret(secret), algorithm: .sha1,
      digits: digits, period: period, favorite: entry.isFavorite ?? false, groups: group.isEmpty ? [] : [group],
      origin: origin)
  }
}

/// The findings the TOTP Authenticator reader reports (docs/audit.md).
enum TOTPAuthenticatorCode: String, FindingCode {
  case badDigits = "TOTPAUTH_BAD_DIGITS"
  case badPeriod = "TOTPAUTH_BAD_PERIOD"
  case badSecret = "TOTPAUTH_BAD_SECRET"
}
