import Foundation
import OTPCore

/// `raivo-otp-export.json` (formats.md §8): an array of objects whose values are all strings:
/// issuer, account, secret (base32), algorithm, digits, kind (TOTP|HOTP), timer (the period),
/// counter, pinned ("true"/"false"), iconType, iconValue. `pinned` is the favourite. The icon is
/// `iconValue`, prefixed with `iconType:` when Raivo names one of its icon sources, so that the
/// writer can give both back.
enum RaivoEntries {
  static let iconTypes = ["raivo_repository", "custom_icons"]

  static func read(_ bytes: [UInt8], file: String) throws -> ReadResult {
    guard let array = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [Any] else {
      throw OTPError.corrupted(file: file, place: nil, reason: "not a Raivo export (a JSON array of accounts)")
    }
    var result = ReadResult(accounts: [])
    for (index, element) in array.enumerated() {
      let origin = Origin(file: file, place: .entry(index + 1))
      result.readEntry(at: origin) { warnings throws(EntryProblem) in
        guard let object = element as? [String: Any] else {
          throw EntryProblem(RaivoCode.notAnObject, "the entry is not a JSON object")
        }
        return try account(object, origin: origin, warnings: &warnings)
      }
    }
    return result
  }

  /// Raivo writes strings; numbers and booleans from other producers are taken as their text.
  static func value(_ object: [String: Any], _ key: String) -> String? {
    switch object[key] {
    case let text as String: return text
    case let number as NSNumber: return number.stringValue
    default: return nil
    }
  }

  static func pinned(_ value: Any?) -> Bool {
    (value as? String).map { $0.lowercased() == "true" } ?? (value as? Bool ?? false)
  }

  static func account(_ object: [String: Any], origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem) -> Account {
    let secretText = value(object, "secret") ?? ""
    let decoded = try EntryProblem.base32Secret(secretText, badSecret: RaivoCode.badSecret, warnings: &warnings)
    guard !decoded.isEmpty else { throw EntryProblem(RaivoCode.badSecret, "the secret is empty") }
    let kind: OTPKind
    switch (value(object, "kind") ?? "TOTP").uppercased() {
    case "TOTP": kind = .totp
    case "HOTP": kind = .hotp
    case let other: throw EntryProblem(RaivoCode.badKind, "kind '\(other.prefix(16))' is neither TOTP nor HOTP")
    }
    let algorithmText = value(object, "algorithm") ?? "SHA1"
    guard let algorithm = HashAlgorithm(lenient: algorithmText), algorithm != .md5 else {
      throw EntryProblem(RaivoCode.badAlgorithm, "algorithm '\(algorithmText.prefix(16))' is not SHA1, SHA256 or SHA512")
    }
    func number(_ key: String, default fallback: Int, code: RaivoCode) throws(EntryProblem) -> Int {
      guard let text = value(object, key), !text.isEmpty else { return fallback }
      guard let number = Int(text) else {
        throw EntryProblem(code, "\(key) '\(text.prefix(24))' is not a whole number")
      }
      return number
    }
    let digits = try number("digits", default: 6, code: .badDigits)
    let period = try number("timer", default: 30, code: .badTimer)
    try EntryProblem.checkParameters(
      kind: kind, digits: digits, period: period, badDigits: RaivoCode.badDigits, badPeriod: RaivoCode.badTimer)
    var counter: UInt64 = 0
    if let text = value(object, "counter"), !text.isEmpty {
      guard let parsed = UInt64(text) else {
        throw EntryProblem(RaivoCode.badCounter, "counter '\(text.prefix(24))' is not a whole number")
      }
      counter = parsed
    }
    var account = Account(
      kind: kind, issuer: value(object, "issuer") ?? "", name: value(object, "account") ?? "", secret: Secret(decoded),
      algorithm: algorithm, digits: digits, period: period, counter: kind == .hotp ? counter : 0,
      favorite: pinned(object["pinned"]), origin: origin)
    if let icon = value(object, "iconValue"), !icon.isEmpty {
      let type = value(object, "iconType") ?? ""
      account.icon = iconTypes.contains(type) ? type + ":" + icon : icon
    }
    return account
  }

  static func splitIcon(_ icon: String?) -> (type: String, value: String) {
    guard let icon else { return ("", "") }
    for type in iconTypes where icon.hasPrefix(type + ":") {
      return (type, String(icon.dropFirst(type.count + 1)))
    }
    return ("", icon)
  }

  static func write(_ accounts: [Account]) throws -> [UInt8] {
    let objects = accounts.map { account in
      let icon = splitIcon(account.icon)
      return [
        "issuer": account.issuer,
        "account": account.name,
        "secret": account.secret.revealBase32(),
        "algorithm": account.algorithm.rawValue,
        "digits": String(account.digits),
        "kind": account.kind == .hotp ? "HOTP" : "TOTP",
        "timer": String(account.period),
        "counter": String(account.counter),
        "pinned": account.favorite ? "true" : "false",
        "iconType": icon.type,
        "iconValue": icon.value,
      ]
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(objects))
  }
}

/// The findings the Raivo reader reports (docs/audit.md lists their meanings).
enum RaivoCode: String, FindingCode {
  case badAlgorithm = "RAIVO_BAD_ALGORITHM"
  case badCounter = "RAIVO_BAD_COUNTER"
  case badDigits = "RAIVO_BAD_DIGITS"
  case badKind = "RAIVO_BAD_KIND"
  case badSecret = "RAIVO_BAD_SECRET"
  /// `timer` is Raivo's name for the period.
  case badTimer = "RAIVO_BAD_TIMER"
  case notAnObject = "RAIVO_NOT_AN_OBJECT"
}
