import Foundation
import OTPCore
import OTPCrypto

/// 2FAS services to accounts and back (formats.md §6.2).
enum TwoFASServices {
  static let tokenTypes: [String: OTPKind] = ["TOTP": .totp, "HOTP": .hotp, "STEAM": .steam]
  static let tokenTypeNames = Dictionary(uniqueKeysWithValues: tokenTypes.map { ($1, $0) })

  // MARK: Reading

  static func read(_ services: [Lenient<TwoFASService>], groups: [TwoFASGroup], file: String) -> ReadResult {
    var groupNames: [String: String] = [:]
    for group in groups where groupNames[group.id.lowercased()] == nil {
      groupNames[group.id.lowercased()] = group.name
    }
    return ReadResult(entries: services, file: file, badEntry: TwoFASCode.badService, noun: "service") {
      service, origin, warnings in
      var account = try makeAccount(from: service, origin: origin, warnings: &warnings)
      if let id = service.groupId {
        if let name = groupNames[id.lowercased()] {
          account.groups = [name]
        } else {
          warnings.append(
            EntryProblem(TwoFASCode.unknownGroup, "the service is in a group the backup does not list; it was read without one"))
        }
      }
      return account
    }
  }

  /// Issuer is the service name, else `otp.issuer`; name is `otp.account` (as Aegis maps them).
  /// What a schema leaves out takes the default: a schema 2 HOTP service is TOTP, 30 s.
  static func makeAccount(from service: TwoFASService, origin: Origin, warnings: inout [EntryProblem]) throws -> Account {
    let otp = service.otp
    let typeText = otp?.tokenType ?? "TOTP"
    guard let kind = tokenTypes[typeText.uppercased()] else {
      throw EntryProblem(
        TwoFASCode.unknownTokenType, "unknown token type '\(typeText.prefix(16))' (expected TOTP, HOTP or STEAM)")
    }
    let secretBytes = try EntryProblem.base32Secret(service.secret, badSecret: TwoFASCode.badSecret, warnings: &warnings)
    let defaults = kind.defaults
    var algorithm = defaults.algorithm
    if kind != .steam, let text = otp?.algorithm {
      guard let parsed = HashAlgorithm(lenient: text), parsed != .md5 else {
        throw EntryProblem(TwoFASCode.unsupportedAlgorithm, "algorithm '\(text.prefix(16))' is not SHA1, SHA256 or SHA512")
      }
      algorithm = parsed
    }
    let digits = otp?.digits ?? defaults.digits
    let period = kind.isCounterBased ? defaults.period : otp?.period ?? defaults.period
    try EntryProblem.checkParameters(
      kind: kind, digits: digits, period: period, badDigits: TwoFASCode.badDigits, badPeriod: TwoFASCode.badPeriod)
    var issuer = service.name ?? ""
    if issuer.isEmpty { issuer = otp?.issuer ?? "" }
    return Account(
      kind: kind, issuer: issuer, name: otp?.account ?? "", secret: Secret(secretBytes), algorithm: algorithm,
      digits: digits, period: period, counter: kind.isCounterBased ? otp?.counter ?? 0 : 0, origin: origin)
  }

  // MARK: Writing

  /// Services and groups for `accounts`: one group per distinct group name, in order of first use.
  /// A 2FAS service is in one group at most; an account in more is written in its first, and a
  /// finding names the others.
  static func services(for accounts: [Account], now: Int64, findings: inout [Finding]) throws
    -> (services: [TwoFASWrittenService], groups: [TwoFASGroup])
  {
    for account in accounts where account.groups.count > 1 {
      findings.append(
        Finding(
          .warning, code: TwoFASCode.oneGroupOnly,
          "a 2FAS service is in one group at most: written in \"\(account.groups[0])\", not in \(account.groups.dropFirst().map { "\"\($0)\"" }.joined(separator: ", "))",
          at: account.origin))
    }
    var groups: [TwoFASGroup] = []
    var groupIDs: [String: String] = [:]
    for name in accounts.compactMap(\.groups.first) where groupIDs[name] == nil {
      let id = Cipher.randomUUID()
      groupIDs[name] = id
      groups.append(TwoFASGroup(id: id, name: name, isExpanded: true, updatedAt: now))
    }
    let services = try accounts.enumerated().map { index, account in
      guard let tokenType = tokenTypeNames[account.kind] else {
        throw OTPError.invalidArgument("2FAS cannot hold \(account.kind.rawValue) accounts (\(account.origin))")
      }
      return TwoFASWrittenService(
        name: account.issuer, secret: account.secret.revealBase32(), updatedAt: now,
        otp: TwoFASWrittenService.OTP(
          link: OtpauthURI.format(account), label: account.name, account: account.name,
          issuer: account.issuer.isEmpty ? nil : account.issuer, digits: account.digits,
          period: account.kind.isCounterBased ? nil : account.period, algorithm: account.algorithm.rawValue,
          counter: account.kind.isCounterBased ? account.counter : nil,
          tokenType: tokenType),
        order: TwoFASWrittenService.Order(position: index),
        icon: TwoFASWrittenService.Icon(
          label: .init(text: String((account.issuer.isEmpty ? account.name : account.issuer).prefix(2)).uppercased())),
        groupId: account.groups.first.flatMap { groupIDs[$0] })
    }
    return (services, groups)
  }
}

/// The findings the 2FAS reader and writer report (docs/audit.md lists their meanings).
enum TwoFASCode: String, FindingCode {
  case badDigits = "TWOFAS_BAD_DIGITS"
  case badPeriod = "TWOFAS_BAD_PERIOD"
  case badSecret = "TWOFAS_BAD_SECRET"
  case badService = "TWOFAS_BAD_SERVICE"
  case oneGroupOnly = "TWOFAS_ONE_GROUP_ONLY"
  case passwordNotASCII = "TWOFAS_PASSWORD_NOT_ASCII"
  case unknownGroup = "TWOFAS_UNKNOWN_GROUP"
  case unknownTokenType = "TWOFAS_UNKNOWN_TOKEN_TYPE"
  case unsupportedAlgorithm = "TWOFAS_UNSUPPORTED_ALGORITHM"
}
