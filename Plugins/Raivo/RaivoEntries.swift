import Foundation
import OTPCore

/// `raivo-otp-export.json` (formats.md §8): an array of objects whose values are all strings:
/// issuer, account, secret (base32), algorithm, digits, kind (TOTP|HOTP), timer (the period),
/// counter, pinned ("true"/"false"), iconType, iconValue. `pinned` is the favourite. The icon is
/// `iconValue`, prefixed with `iconType:` when Raivo names one of its icon sources, so that the
/// writer can give both back.
enum RaivoEntries {
  static let iconTypes = ["raivo_repository", "custom_icons"]

  struct Problem: Error {
    var code: String
    var message: String
  }

  static func read(_ bytes: [UInt8], file: String) throws -> ReadResult {
    guard let array = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [Any] else {
      throw OTPError.corrupted(file: file, place: nil, reason: "not a Raivo export (a JSON array of accounts)")
    }
    var result = ReadResult(accounts: [])
    for (index, element) in array.enumerated() {
      let origin = Origin(file: file, place: .entry(index + 1))
      do {
        guard let object = element as? [String: Any] else {
          throw Problem(code: "RAIVO_NOT_AN_OBJECT", message: "the entry is not a JSON object")
        }
        let parsed = try account(object, origin: origin)
        result.accounts.append(parsed.account)
        result.findings += parsed.warnings
      } catch {
        let problem = error as? Problem ?? Problem(code: "RAIVO_BAD_ENTRY", message: "the entry cannot be read")
        result.findings.append(
          Finding(.error, code: problem.code, "\(problem.message); the entry was skipped", at: origin, entrySkipped: true))
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

  static func account(_ object: [String: Any], origin: Origin) throws -> (account: Account, warnings: [Finding]) {
    var warnings: [Finding] = []
    let secretText = value(object, "secret") ?? ""
    let decoded: Base32.Decoded
    do {
      decoded = try Base32.decodeReporting(secretText)
    } catch {
      throw Problem(code: "RAIVO_BAD_SECRET", message: "the secret is not valid base32: \(error)")
    }
    guard !decoded.bytes.isEmpty else { throw Problem(code: "RAIVO_BAD_SECRET", message: "the secret is empty") }
    if decoded.ignoredTrailingCharacters > 0 {
      warnings.append(
        Finding(
          .warning, code: "BASE32_TRAILING_BITS",
          "the secret's last base32 character does not complete a byte and was ignored, as Bitwarden does", at: origin))
    }
    let kind: OTPKind
    switch (value(object, "kind") ?? "TOTP").uppercased() {
    case "TOTP": kind = .totp
    case "HOTP": kind = .hotp
    case let other: throw Problem(code: "RAIVO_BAD_KIND", message: "kind '\(other.prefix(16))' is neither TOTP nor HOTP")
    }
    let algorithmText = value(object, "algorithm") ?? "SHA1"
    guard let algorithm = HashAlgorithm(lenient: algorithmText), algorithm != .md5 else {
      throw Problem(code: "RAIVO_BAD_ALGORITHM", message: "algorithm '\(algorithmText.prefix(16))' is not SHA1, SHA256 or SHA512")
    }
    func number(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
      guard let text = value(object, key), !text.isEmpty else { return fallback }
      guard let number = Int(text), range.contains(number) else {
        throw Problem(code: "RAIVO_BAD_\(key.uppercased())", message: "\(key) '\(text.prefix(24))' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
      }
      return number
    }
    let digits = try number("digits", default: 6, in: 1...10)
    let period = try number("timer", default: 30, in: 1...Int(Int32.max))
    var counter: UInt64 = 0
    if let text = value(object, "counter"), !text.isEmpty {
      guard let parsed = UInt64(text) else {
        throw Problem(code: "RAIVO_BAD_COUNTER", message: "counter '\(text.prefix(24))' is not a whole number")
      }
      counter = parsed
    }
    var account = Account(
      kind: kind, issuer: value(object, "issuer") ?? "", name: value(object, "account") ?? "", secret: Secret(decoded.bytes),
      algorithm: algorithm, digits: digits, period: period, counter: kind == .hotp ? counter : 0,
      favorite: pinned(object["pinned"]), origin: origin)
    if let icon = value(object, "iconValue"), !icon.isEmpty {
      let type = value(object, "iconType") ?? ""
      account.icon = iconTypes.contains(type) ? type + ":" + icon : icon
    }
    return (account, warnings)
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
