import Foundation
import OTPContainers
import OTPCore

/// The Battle.net app's authenticator, from its Android preferences file
/// (`shared_prefs/com.blizzard.messenger.authenticator_preferences.xml`, rooted phone): read only.
/// The device secret and the serial are stored "masked": each byte of their text XORed with a
/// fixed key, hex-encoded. The secret's text is itself hex; the codes are TOTP, SHA-1, 8 digits,
/// 30 s, which other apps show as "Battle.net" with the serial as the account's name.
public struct BattleNetFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "battle-net",
    displayName: "Battle.net authenticator preferences (Android)",
    fileExtensions: ["xml"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1], digits: 8...8, periods: .only([30]), fields: [.issuer, .name]),
    summary: "The Battle.net app's authenticator preferences XML from a rooted Android phone.",
    findingCodes: BattleNetCode.codes)

  static let prefix = "com.blizzard.messenger."
  static let secretKey = prefix + "AUTHENTICATOR_DEVICE_SECRET"
  static let serialKey = prefix + "AUTHENTICATOR_SERIAL"
  static let maskingKey = prefix + "AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE"

  /// The key the app XORs its stored values with (as Aegis's and Stratum's importers use it).
  static let mask = Hex.decode(
    "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a")!

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard XMLTree.root(of: input.bytes)?.name == "map" else { return .no }
    return input.bytes.prefix(64 * 1024).firstRange(of: Array(Self.secretKey.utf8)) != nil ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard let map = XMLTree.parse(input.bytes), map.name == "map" else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not an Android preferences file (XML with a <map> root)")
    }
    var values: [String: String] = [:]
    for element in map.children where element.name == "string" {
      if let name = element.attributes["name"] { values[name] = element.text }
    }
    if let masking = values[Self.maskingKey], masking != "MASK" {
      throw OTPError.unsupportedVersion(
        file: input.name, version: "credentials stored as \(String(masking.prefix(32)))", supported: "MASK")
    }
    guard let maskedSecret = values[Self.secretKey] else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "it holds no Battle.net authenticator (no device secret)")
    }
    let origin = Origin(file: input.name, place: .whole)
    var result = ReadResult(accounts: [])
    result.readEntry(at: origin, noun: "authenticator") { warnings throws(EntryProblem) in
      guard let secretText = Self.unmask(maskedSecret), let secret = Hex.decode(secretText), !secret.isEmpty else {
        throw EntryProblem(BattleNetCode.badSecret, "the device secret does not unmask to a hex key")
      }
      let serial = values[Self.serialKey].flatMap(Self.unmask) ?? ""
      if serial.isEmpty {
        warnings.append(EntryProblem(BattleNetCode.noSerial, "the serial is missing or does not unmask: the account has no name"))
      }
      return Account(
        kind: .totp, issuer: "Battle.net", name: serial, secret: Secret(secret), algorithm: .sha1, digits: 8, period: 30,
        origin: origin)
    }
    return result
  }

  /// The text a masked value stands for: its hex bytes XORed with the mask; nil when it is not
  /// hex, is longer than the mask, or does not give printable ASCII.
  static func unmask(_ masked: String) -> String? {
    guard let bytes = Hex.decode(masked), bytes.count <= mask.count else { return nil }
    let plain = zip(bytes, mask).map { $0 ^ $1 }
    guard plain.allSatisfy({ (0x20..<0x7F).contains($0) }) else { return nil }
    return String(decoding: plain, as: UTF8.self)
  }
}

/// The findings the Battle.net reader reports (docs/audit.md).
enum BattleNetCode: String, FindingCode {
  case badSecret = "BATTLENET_BAD_SECRET"
  case noSerial = "BATTLENET_NO_SERIAL"
}
