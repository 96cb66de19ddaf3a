import Foundation
import OTPCore
import OTPCrypto

/// Aegis entries to accounts and back (formats.md §5.4).
enum AegisEntries {
  /// Aegis's type names, which are also the model's names for the kinds.
  static let kinds: [String: OTPKind] = [
    "totp": .totp, "hotp": .hotp, "steam": .steam, "motp": .motp, "yandex": .yandex,
  ]
  static let iconTypes: Set<String> = ["image/jpeg", "image/png", "image/svg+xml"]
  static let dataURIPrefix = "data:"

  // MARK: Reading

  static func read(_ database: AegisDatabase, file: String) -> ReadResult {
    // Group UUIDs are matched without regard to case; the name is what the model keeps.
    var groupNames: [String: String] = [:]
    for group in database.groups where groupNames[group.uuid.lowercased()] == nil {
      groupNames[group.uuid.lowercased()] = group.name
    }
    return ReadResult(entries: database.entries, file: file, badEntry: AegisCode.badEntry) { entry, origin, warnings in
      var account = try makeAccount(from: entry, origin: origin, warnings: &warnings)
      account.groups = groups(of: entry, databaseVersion: database.version, names: groupNames, warnings: &warnings)
      return account
    }
  }

  static func makeAccount(from entry: AegisEntry, origin: Origin, warnings: inout [EntryProblem]) throws -> Account {
    guard let kind = kinds[entry.type.lowercased()] else {
      throw EntryProblem(
        AegisCode.unknownType, "unknown OTP type '\(entry.type.prefix(16))' (expected totp, hotp, steam, motp or yandex)")
    }
    let info = entry.info
    let secretBytes = try EntryProblem.base32Secret(info.secret, badSecret: AegisCode.badSecret, warnings: &warnings)

    let defaults = kind.defaults
    var algorithm = defaults.algorithm
    // Steam, mOTP and Yandex have their own fixed algorithm; only TOTP and HOTP choose one.
    if kind == .totp || kind == .hotp, let text = info.algo {
      guard let parsed = HashAlgorithm(lenient: text) else {
        throw EntryProblem(AegisCode.badAlgorithm, "algorithm '\(text.prefix(16))' is not SHA1, SHA256 or SHA512")
      }
      if parsed == .md5 {
        warnings.append(
          EntryProblem(AegisCode.md5ReadAsSHA1, "algorithm MD5 on a \(kind.rawValue) entry is read as SHA1, as Aegis does"))
      } else {
        algorithm = parsed
      }
    }
    let digits = info.digits ?? defaults.digits
    let period = info.period ?? defaults.period
    try EntryProblem.checkParameters(
      kind: kind, digits: digits, period: period, badDigits: AegisCode.badDigits, badPeriod: AegisCode.badPeriod)
    var pin: Secret?
    if kind == .motp || kind == .yandex, let text = info.pin, !text.isEmpty {
      pin = Secret(Array(text.utf8))
    }

    return Account(
      kind: kind, issuer: entry.issuer ?? "", name: entry.name ?? "", secret: Secret(secretBytes),
      algorithm: algorithm, digits: digits, period: kind.isCounterBased ? defaults.period : period,
      counter: kind.isCounterBased ? info.counter ?? 0 : 0, pin: pin, note: entry.note ?? "",
      favorite: entry.favorite ?? false, icon: icon(of: entry, warnings: &warnings), origin: origin)
  }

  /// The image as a `data:` URI, so that the bytes and their type travel together unchanged.
  static func icon(of entry: AegisEntry, warnings: inout [EntryProblem]) -> String? {
    guard let text = entry.icon else { return nil }
    guard let bytes = Data(base64Encoded: text) else {
      warnings.append(EntryProblem(AegisCode.badIcon, "the icon is not base64 and was dropped"))
      return nil
    }
    let mime = entry.iconMime ?? "image/jpeg"  // database version 1 held JPEG only
    return "\(dataURIPrefix)\(mime);base64,\(bytes.base64EncodedString())"
  }

  /// Version 1 and 2 databases name one group per entry, which Aegis migrates to a group of that
  /// name (groups with one name are one group); version 3 refers to groups by UUID.
  static func groups(
    of entry: AegisEntry, databaseVersion: Int, names: [String: String], warnings: inout [EntryProblem]
  ) -> [String] {
    if databaseVersion < 3 {
      guard let group = entry.group, !group.isEmpty else { return [] }
      return [group]
    }
    var result: [String] = []
    var seen: Set<String> = []
    for uuid in entry.groups ?? [] {
      guard let name = names[uuid.lowercased()] else {
        warnings.append(
          EntryProblem(AegisCode.unknownGroup, "the entry refers to a group the vault does not list; that reference was dropped"))
        continue
      }
      if seen.insert(name).inserted { result.append(name) }
    }
    return result
  }

  // MARK: Writing

  /// One group per distinct group name of `accounts`, in order of first use, and the UUID of each
  /// name.
  static func groups(for accounts: some Sequence<Account>) -> (groups: [AegisGroup], ids: [String: String]) {
    var groups: [AegisGroup] = []
    var ids: [String: String] = [:]
    for account in accounts {
      for name in account.groups where ids[name] == nil {
        let uuid = Cipher.randomUUID()
        ids[name] = uuid
        groups.append(AegisGroup(uuid: uuid, name: name))
      }
    }
    return (groups, ids)
  }

  /// The version 3 database for `accounts`.
  static func database(for accounts: [Account], findings: inout [Finding]) -> AegisWrittenDatabase<[AegisWrittenEntry]> {
    let (groups, groupIDs) = groups(for: accounts)
    let entries = accounts.map { entry(for: $0, groupIDs: groupIDs, findings: &findings) }
    return AegisWrittenDatabase(entries: entries, groups: groups)
  }

  static func entry(for account: Account, groupIDs: [String: String], findings: inout [Finding]) -> AegisWrittenEntry {
    AegisWrittenEntry(
      type: account.kind.rawValue, uuid: Cipher.randomUUID(),
      name: account.name, issuer: account.issuer, note: account.note, favorite: account.favorite,
      icon: icon(for: account, findings: &findings),
      info: AegisInfo(
        secret: account.secret.revealBase32(), algo: account.algorithm.rawValue, digits: account.digits,
        period: account.kind.isCounterBased ? nil : account.period,
        counter: account.kind.isCounterBased ? account.counter : nil,
        pin: account.pin.map { String(decoding: $0.bytes, as: UTF8.self) }),
      groups: account.groups.compactMap { groupIDs[$0] },
      hasPIN: account.kind == .motp || account.kind == .yandex)
  }

  /// An icon Aegis can hold: a base64 `data:` URI of a JPEG, PNG or SVG image. Any other icon (a
  /// URL or an app's icon name) has no place in an Aegis entry; a finding says it was not written.
  static func icon(for account: Account, findings: inout [Finding]) -> AegisWrittenEntry.Icon? {
    guard let icon = account.icon else { return nil }
    let marker = ";base64,"
    if icon.hasPrefix(dataURIPrefix), let markerRange = icon.range(of: marker) {
      let mime = String(icon[icon.index(icon.startIndex, offsetBy: dataURIPrefix.count)..<markerRange.lowerBound]).lowercased()
      if iconTypes.contains(mime), let bytes = Data(base64Encoded: String(icon[markerRange.upperBound...])) {
        let hash = Digest.sha256(Array(mime.utf8) + Array(bytes))
        return AegisWrittenEntry.Icon(base64: bytes.base64EncodedString(), mime: mime, hash: Hex.encode(hash))
      }
    }
    findings.append(
      Finding(
        .warning, code: AegisCode.iconNotWritten,
        "the icon is not an embedded JPEG, PNG or SVG image, which is all an Aegis entry can hold; it was not written",
        at: account.origin))
    return nil
  }
}

/// The findings the Aegis reader and writer report (docs/audit.md lists their meanings).
enum AegisCode: String, FindingCode {
  case badAlgorithm = "AEGIS_BAD_ALGORITHM"
  case badDigits = "AEGIS_BAD_DIGITS"
  case badEntry = "AEGIS_BAD_ENTRY"
  case badIcon = "AEGIS_BAD_ICON"
  case badPeriod = "AEGIS_BAD_PERIOD"
  case badSecret = "AEGIS_BAD_SECRET"
  case iconNotWritten = "AEGIS_ICON_NOT_WRITTEN"
  case md5ReadAsSHA1 = "AEGIS_MD5_READ_AS_SHA1"
  case unknownGroup = "AEGIS_UNKNOWN_GROUP"
  case unknownType = "AEGIS_UNKNOWN_TYPE"
}
