import Foundation
import LoginItems
import OTPCore

/// The ways a KeePass entry holds a one-time password (formats.md §10.5), read in KeePassXC's
/// order: the legacy `TOTP Settings`/`TOTP Seed` pair, then `otp` (an otpauth URI as KeePassXC
/// and KeePassDX write it, or KeeOTP's `key=…&size=…&step=…`), then KeePass 2.51's `TimeOtp-*`
/// fields; KeePass's `HmacOtp-*` (HOTP, which KeePassXC ignores) come last.
enum KeePassOTPFields {
  static let otp = "otp"
  static let legacySeed = "TOTP Seed"
  static let legacySettings = "TOTP Settings"
  static let timePrefix = "TimeOtp-"
  static let hmacPrefix = "HmacOtp-"

  /// Where an entry keeps its one-time password.
  enum Form {
    case legacy(seed: String, settings: String)
    case otpText(String)
    case native(prefix: String, secretField: String)
  }

  /// The first form the entry has, or nil when it has no one-time password. A `TOTP Seed` without
  /// `TOTP Settings`, which KeePassXC shows no code for, comes last, with the defaults.
  static func form(of fields: [String: String]) -> Form? {
    if let settings = fields[legacySettings] { return .legacy(seed: fields[legacySeed] ?? "", settings: settings) }
    if let text = fields[otp]?.trimmingWhitespace(), !text.isEmpty { return .otpText(text) }
    for prefix in [timePrefix, hmacPrefix] {
      if let secret = secretField(fields, prefix: prefix) { return .native(prefix: prefix, secretField: secret) }
    }
    if let seed = fields[legacySeed], !seed.isEmpty { return .legacy(seed: seed, settings: "") }
    return nil
  }

  /// The entry's account from its `form` (secret and code settings only: the caller adds the
  /// title and username); `item` reads the `otp` text the way every login item is read.
  static func parse(_ form: Form, fields: [String: String], item: LoginItem, origin: Origin) throws(EntryProblem)
    -> OtpauthURI.Parsed
  {
    let parsed: OtpauthURI.Parsed
    switch form {
    case .legacy(let seed, let settings): parsed = try legacy(seed: seed, settings: settings, item: item, origin: origin)
    case .otpText(let text): parsed = try otpText(text, item: item, origin: origin)
    case .native(let prefix, let secret): parsed = try native(fields, prefix: prefix, secret: secret, origin: origin)
    }
    let account = parsed.account
    try EntryProblem.checkParameters(
      kind: account.kind, digits: account.digits, period: account.period, badDigits: KeePassCode.badOTPFields,
      badPeriod: KeePassCode.badOTPFields)
    guard account.kind.isCounterBased || account.period <= 86_400 else {
      throw EntryProblem(KeePassCode.badOTPFields, "period \(account.period) is longer than a day (KeePassXC allows 86,400 s)")
    }
    return parsed
  }

  /// `otp` (or a `TOTP Settings` that holds the same): an otpauth URI, KeeOTP's query string, or
  /// a bare base32 secret.
  static func otpText(_ text: String, item: LoginItem, origin: Origin) throws(EntryProblem) -> OtpauthURI.Parsed {
    if !text.contains("://"), text.hasPrefix("key=") || text.contains("&key=") { return try keeOTP(text, origin: origin) }
    var otpItem = item
    otpItem.otp = text
    return try otpItem.parsedOTP(origin: origin)
  }

  /// KeePassXC's first form: `TOTP Settings` = "<period>;<digits>" or "<period>;S" (Steam, whose
  /// period is always 30 s), "<period>" alone for 6 digits, empty for 30 s and 6 digits, or an
  /// otpauth URI or KeeOTP string as in `otp`; `TOTP Seed` = the base32 secret.
  static func legacy(seed: String, settings: String, item: LoginItem, origin: Origin) throws(EntryProblem)
    -> OtpauthURI.Parsed
  {
    let trimmedSettings = settings.trimmingWhitespace()
    if trimmedSettings.contains("://") || trimmedSettings.hasPrefix("key=") {
      return try otpText(trimmedSettings, item: item, origin: origin)
    }
    var warnings: [EntryProblem] = []
    guard !seed.trimmingWhitespace().isEmpty else {
      throw EntryProblem(KeePassCode.badOTPFields, "the entry has \"TOTP Settings\" but no \"TOTP Seed\"")
    }
    let secret = try EntryProblem.base32Secret(seed, badSecret: KeePassCode.badOTPFields, warnings: &warnings)
    let parts = settings.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
    var kind = OTPKind.totp
    var period: Int?
    var digits: Int?
    if !trimmedSettings.isEmpty {
      guard let step = Int(parts[0]), step > 0 else {
        throw EntryProblem(KeePassCode.badOTPFields, "\"TOTP Settings\" is not \"<period>;<digits>\"")
      }
      period = step
      if parts.count < 2 || parts[1].isEmpty {
        digits = nil
      } else if parts[1].uppercased() == "S" {
        kind = .steam
        period = nil
      } else {
        guard let size = Int(parts[1]), size > 0 else {
          throw EntryProblem(KeePassCode.badOTPFields, "\"TOTP Settings\" gives digits that are not a number")
        }
        digits = size
      }
    }
    let account = Account(
      kind: kind, secret: Secret(secret), digits: kind == .steam ? nil : digits, period: period, origin: origin)
    return OtpauthURI.Parsed(account: account, warnings: warnings)
  }

  /// KeeOTP's query string: `key` (base32), `size` (digits), `step` (period), `otpHashMode`.
  static func keeOTP(_ text: String, origin: Origin) throws(EntryProblem) -> OtpauthURI.Parsed {
    var values: [String: String] = [:]
    for pair in text.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2 else { continue }
      values[String(parts[0]).lowercased()] = PercentEncoding.decode(String(parts[1]), plusIsSpace: false)
    }
    if let type = values["type"], type.lowercased() != "totp" {
      throw EntryProblem(KeePassCode.badOTPFields, "the KeeOTP string is of type \"\(type)\", which otpbridge does not read")
    }
    var warnings: [EntryProblem] = []
    let secret = try EntryProblem.base32Secret(values["key"] ?? "", badSecret: KeePassCode.badOTPFields, warnings: &warnings)
    var algorithm = HashAlgorithm.sha1
    if let mode = values["otphashmode"] {
      guard let named = HashAlgorithm(lenient: mode), named != .md5 else {
        throw EntryProblem(KeePassCode.badOTPFields, "the KeeOTP hash mode \"\(mode)\" is not SHA-1, SHA-256 or SHA-512")
      }
      algorithm = named
    }
    let account = Account(
      kind: .totp, secret: Secret(secret), algorithm: algorithm, digits: try number(values["size"], "size"),
      period: try number(values["step"], "step"), origin: origin)
    return OtpauthURI.Parsed(account: account, warnings: warnings)
  }

  /// The name of the field that holds a KeePass 2.51 secret, in KeePass's order of encodings.
  static func secretField(_ fields: [String: String], prefix: String) -> String? {
    ["Secret", "Secret-Hex", "Secret-Base32", "Secret-Base64"].map { prefix + $0 }.first {
      !(fields[$0] ?? "").isEmpty
    }
  }

  /// KeePass 2.51's own fields: `TimeOtp-Secret…`, `-Length`, `-Period`, `-Algorithm`
  /// (`HMAC-SHA-1`, `HMAC-SHA-256`, `HMAC-SHA-512`), or `HmacOtp-Secret…` with `-Counter` (6 digits).
  static func native(_ fields: [String: String], prefix: String, secret field: String, origin: Origin) throws(EntryProblem)
    -> OtpauthURI.Parsed
  {
    let text = fields[field] ?? ""
    var warnings: [EntryProblem] = []
    let secret: [UInt8]
    switch field.dropFirst(prefix.count) {
    case "Secret": secret = Array(text.utf8)
    case "Secret-Hex":
      guard let bytes = Hex.decode(text.filter { !$0.isWhitespace }) else {
        throw EntryProblem(KeePassCode.badOTPFields, "\(field) is not hexadecimal")
      }
      secret = bytes
    case "Secret-Base64":
      guard let bytes = Data(base64Encoded: text.trimmingWhitespace()) else {
        throw EntryProblem(KeePassCode.badOTPFields, "\(field) is not base64")
      }
      secret = Array(bytes)
    default: secret = try EntryProblem.base32Secret(text, badSecret: KeePassCode.badOTPFields, warnings: &warnings)
    }
    guard !secret.isEmpty else { throw EntryProblem(KeePassCode.badOTPFields, "\(field) is empty") }
    let account: Account
    if prefix == hmacPrefix {
      let counterText = fields[prefix + "Counter"]?.trimmingWhitespace() ?? "0"
      guard let counter = UInt64(counterText.isEmpty ? "0" : counterText) else {
        throw EntryProblem(KeePassCode.badOTPFields, "\(prefix)Counter is not a number")
      }
      account = Account(kind: .hotp, secret: Secret(secret), counter: counter, origin: origin)
    } else {
      var algorithm = HashAlgorithm.sha1
      if let name = fields[prefix + "Algorithm"]?.trimmingWhitespace(), !name.isEmpty {
        guard let named = HashAlgorithm(lenient: name), named != .md5 else {
          throw EntryProblem(KeePassCode.badOTPFields, "\(prefix)Algorithm \"\(name)\" is not HMAC-SHA-1, -256 or -512")
        }
        algorithm = named
      }
      account = Account(
        kind: .totp, secret: Secret(secret), algorithm: algorithm,
        digits: try number(fields[prefix + "Length"], "\(prefix)Length"),
        period: try number(fields[prefix + "Period"], "\(prefix)Period"), origin: origin)
    }
    return OtpauthURI.Parsed(account: account, warnings: warnings)
  }

  static func number(_ text: String?, _ name: String) throws(EntryProblem) -> Int? {
    guard let text = text?.trimmingWhitespace(), !text.isEmpty else { return nil }
    guard let value = Int(text), value > 0 else {
      throw EntryProblem(KeePassCode.badOTPFields, "\(name) \"\(text)\" is not a positive number")
    }
    return value
  }

  /// The fields an account is written as: `otp` (the otpauth URI KeePassXC and KeePassDX read) for
  /// TOTP and Steam, and KeePass 2.51's `TimeOtp-*` for TOTP or `HmacOtp-*` for HOTP, so that
  /// KeePass itself shows codes. Secrets are protected values.
  static func fields(for account: Account, otpauth: String) -> [(key: String, value: String, protected: Bool)] {
    // Padded: KeePass's own base32 parser (and Keepass2Android's copy) takes whole 8-character groups only.
    var secret = account.secret.revealBase32()
    secret += String(repeating: "=", count: (8 - secret.count % 8) % 8)
    switch account.kind {
    case .hotp:
      return [(hmacPrefix + "Secret-Base32", secret, true), (hmacPrefix + "Counter", String(account.counter), false)]
    case .totp:
      let algorithm =
        ["SHA1": "HMAC-SHA-1", "SHA256": "HMAC-SHA-256", "SHA512": "HMAC-SHA-512"][account.algorithm.rawValue] ?? ""
      return [
        (otp, otpauth, true), (timePrefix + "Secret-Base32", secret, true),
        (timePrefix + "Length", String(account.digits), false),
        (timePrefix + "Period", String(account.period), false), (timePrefix + "Algorithm", algorithm, false),
      ]
    default:
      return [(otp, otpauth, true)]
    }
  }
}
