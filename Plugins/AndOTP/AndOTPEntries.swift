import OTPCore

/// One andOTP entry as read (formats.md §7.1). Very old backups have no `issuer`.
struct AndOTPEntry: Decodable {
  var secret: String
  var issuer: String?
  var label: String?
  var digits: Int?
  var type: String?
  var algorithm: String?
  var period: Int?
  var counter: UInt64?
  var tags: [String]?
}

/// An entry as written, with the fields andOTP writes (formats.md §7.1).
struct AndOTPWrittenEntry: Encodable {
  var secret: String
  var issuer: String
  var label: String
  var digits: Int
  var type: String
  var algorithm: String
  var thumbnail = "Default"
  var lastUsed: Int64 = 0
  var usedFrequency: Int64 = 0
  /// andOTP itself writes it for TOTP only, and reads it for every time-based type: written for
  /// TOTP, and for Steam and mOTP only when it is not their own.
  var period: Int?
  /// HOTP only.
  var counter: UInt64?
  var tags: [String]

  enum CodingKeys: String, CodingKey {
    case secret, issuer, label, digits, type, algorithm, thumbnail
    case lastUsed = "last_used"
    case usedFrequency = "used_frequency"
    case period, counter, tags
  }
}

/// andOTP entries to accounts and back. Tags are groups.
enum AndOTPEntries {
  static let types: [String: OTPKind] = ["TOTP": .totp, "HOTP": .hotp, "STEAM": .steam, "MOTP": .motp]
  static let typeNames = Dictionary(uniqueKeysWithValues: types.map { ($1, $0) })

  // MARK: Reading

  static func read(_ entries: [Lenient<AndOTPEntry>], file: String) -> ReadResult {
    ReadResult(entries: entries, file: file, badEntry: AndOTPCode.badEntry) { entry, origin, warnings in
      try makeAccount(from: entry, origin: origin, warnings: &warnings)
    }
  }

  static func makeAccount(from entry: AndOTPEntry, origin: Origin, warnings: inout [EntryProblem]) throws -> Account {
    let typeText = entry.type ?? "TOTP"
    guard let kind = types[typeText.uppercased()] else {
      throw EntryProblem(AndOTPCode.unknownType, "unknown type '\(typeText.prefix(16))' (expected TOTP, HOTP, STEAM or MOTP)")
    }
    let decoded = try EntryProblem.base32Secret(entry.secret, badSecret: AndOTPCode.badSecret, warnings: &warnings)
    var secret = decoded
    if kind == .motp {
      // andOTP keeps the mOTP secret as the text the user typed, which is hex (formats.md §0.4).
      guard let bytes = Hex.decode(String(decoding: secret, as: UTF8.self)) else {
        throw EntryProblem(AndOTPCode.badMOTPSecret, "the mOTP secret is not hex text")
      }
      secret = bytes
      warnings.append(
        EntryProblem(
          AndOTPCode.motpWithoutPIN,
          "andOTP does not store an mOTP PIN, and the codes need it: enter the PIN in the app you move this account to"))
    }

    let defaults = kind.defaults
    var algorithm = defaults.algorithm
    if kind == .totp || kind == .hotp, let text = entry.algorithm {
      guard let parsed = HashAlgorithm(lenient: text), parsed != .md5 else {
        throw EntryProblem(AndOTPCode.badAlgorithm, "algorithm '\(text.prefix(16))' is not SHA1, SHA256 or SHA512")
      }
      algorithm = parsed
    }
    let digits = entry.digits ?? defaults.digits
    // andOTP writes `period` for TOTP only, but reads it for every time-based type.
    let period = kind.isCounterBased ? defaults.period : entry.period ?? defaults.period
    try EntryProblem.checkParameters(
      kind: kind, digits: digits, period: period, badDigits: AndOTPCode.badDigits, badPeriod: AndOTPCode.badPeriod)

    var issuer = entry.issuer ?? ""
    var name = entry.label ?? ""
    // Backups from before andOTP had an issuer field label entries "Issuer - Name" (formats.md §7.1).
    if entry.issuer == nil, let separator = name.range(of: " - ") {
      issuer = String(name[..<separator.lowerBound])
      name = String(name[separator.upperBound...])
    }
    return Account(
      kind: kind, issuer: issuer, name: name, secret: Secret(secret), algorithm: algorithm, digits: digits,
      period: period, counter: kind.isCounterBased ? entry.counter ?? 0 : 0, groups: entry.tags ?? [], origin: origin)
  }

  // MARK: Writing

  /// The entries for `accounts`, which the loss report already fitted to andOTP's kinds.
  static func entries(for accounts: [Account]) throws -> [AndOTPWrittenEntry] {
    try accounts.map { account in
      guard let type = typeNames[account.kind] else {
        throw OTPError.invalidArgument("andOTP cannot hold \(account.kind.rawValue) accounts (\(account.origin))")
      }
      // andOTP writes padded base32 (Apache commons-codec); an mOTP secret is its hex text.
      let secretBytes = account.kind == .motp ? Array(account.secret.revealHex().utf8) : account.secret.bytes
      return AndOTPWrittenEntry(
        secret: paddedBase32(secretBytes), issuer: account.issuer, label: account.name, digits: account.digits,
        type: type,
        // andOTP's algorithm list has no MD5; mOTP entries carry its default.
        algorithm: account.kind == .motp ? HashAlgorithm.sha1.rawValue : account.algorithm.rawValue,
        // As andOTP: for TOTP; for Steam and mOTP only a period other than their own (andOTP
        // reads it for every time-based type).
        period: account.kind == .totp || (!account.kind.isCounterBased && account.period != account.kind.defaults.period)
          ? account.period : nil,
        counter: account.kind.isCounterBased ? account.counter : nil,
        tags: account.groups)
    }
  }

  static func paddedBase32(_ bytes: [UInt8]) -> String {
    let text = Base32.encode(bytes)
    return text + String(repeating: "=", count: (8 - text.count % 8) % 8)
  }
}

/// The findings the andOTP reader reports (docs/audit.md lists their meanings).
enum AndOTPCode: String, FindingCode {
  case badAlgorithm = "ANDOTP_BAD_ALGORITHM"
  case badDigits = "ANDOTP_BAD_DIGITS"
  case badEntry = "ANDOTP_BAD_ENTRY"
  case badMOTPSecret = "ANDOTP_BAD_MOTP_SECRET"
  case badPeriod = "ANDOTP_BAD_PERIOD"
  case badSecret = "ANDOTP_BAD_SECRET"
  case motpWithoutPIN = "ANDOTP_MOTP_WITHOUT_PIN"
  case unknownType = "ANDOTP_UNKNOWN_TYPE"
}
