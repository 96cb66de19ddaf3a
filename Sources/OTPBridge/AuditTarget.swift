import OTPCore

/// The apps an audit can check accounts against, with what each app honours when it shows codes
/// (formats.md, microsoft.md §4.3, peers.md §3). Expressed as capabilities, so the same generic
/// loss computation that drives conversions says which accounts the app would show wrong codes for.
public enum AuditTarget: String, Sendable, CaseIterable {
  case googleAuthenticator = "google-authenticator"
  case microsoftAuthenticator = "microsoft-authenticator"
  case onePassword = "1password"
  case bitwarden
  case aegis
  case twoFAS = "2fas"
  case ente
  case keepassxc

  public var displayName: String {
    switch self {
    case .googleAuthenticator: return "Google Authenticator"
    case .microsoftAuthenticator: return "Microsoft Authenticator"
    case .onePassword: return "1Password"
    case .bitwarden: return "Bitwarden"
    case .aegis: return "Aegis"
    case .twoFAS: return "2FAS"
    case .ente: return "Ente Auth"
    case .keepassxc: return "KeePassXC"
    }
  }

  static let anyPeriod = PeriodSupport.range(1...Int(Int32.max))
  static let rfcAlgorithms: Set<HashAlgorithm> = [.sha1, .sha256, .sha512]

  public var capabilities: Capabilities {
    let fields = Set(AccountField.allCases)
    switch self {
    case .googleAuthenticator:
      // Honours SHA256, SHA512 and 8 digits since 2023–2024 on both platforms (keycloak/keycloak#27349,
      // formats.md §2.5; docs/formats/google-migration.md); still ignores the period.
      return Capabilities(
        kinds: [.totp, .hotp], algorithms: Self.rfcAlgorithms, digits: 6...8, periods: .only([30]), fields: fields,
        excludingDigits: [7])
    case .microsoftAuthenticator:
      // Ignores digits and algorithm and treats HOTP as TOTP (microsoft.md §4.3).
      return Capabilities(kinds: [.totp], algorithms: [.sha1], digits: 6...6, periods: .only([30]), fields: fields)
    case .onePassword:
      return Capabilities(kinds: [.totp], algorithms: Self.rfcAlgorithms, digits: 6...8, periods: Self.anyPeriod, fields: fields)
    case .bitwarden:
      // Generates TOTP for hotp URIs; Steam through steam:// (formats.md §1.4, §4).
      return Capabilities(
        kinds: [.totp, .steam], algorithms: Self.rfcAlgorithms, digits: 1...10, periods: Self.anyPeriod, fields: fields)
    case .aegis:
      return Capabilities(
        kinds: Set(OTPKind.allCases), algorithms: Set(HashAlgorithm.allCases), digits: 1...10, periods: Self.anyPeriod,
        fields: fields)
    case .twoFAS:
      // 2FAS Android keeps only 10, 30, 60 and 90 s periods (peers.md §6).
      return Capabilities(
        kinds: [.totp, .hotp, .steam], algorithms: Self.rfcAlgorithms, digits: 6...8, periods: .only([10, 30, 60, 90]),
        fields: fields)
    case .ente:
      return Capabilities(
        kinds: [.totp, .hotp, .steam], algorithms: Self.rfcAlgorithms, digits: 1...10, periods: Self.anyPeriod, fields: fields)
    case .keepassxc:
      // No HOTP (keepassxc#4371); digits 1–10, period 1–86400 (formats.md §1.4).
      return Capabilities(
        kinds: [.totp, .steam], algorithms: Self.rfcAlgorithms, digits: 1...10, periods: .range(1...86400), fields: fields)
    }
  }

  var descriptor: FormatDescriptor {
    FormatDescriptor(
      id: rawValue, displayName: displayName, fileExtensions: [], canRead: false, canWrite: false, encryption: .none,
      capabilities: capabilities, summary: "")
  }

  /// Why `account` would not work in this app, or nil when it would.
  public func problem(with account: Account) -> String? {
    let outcome = LossReport(accounts: [account], target: descriptor).outcomes[0]
    if let reason = outcome.dropReason { return reason }
    let broken = outcome.changes.filter(\.breaksCodes)
    guard !broken.isEmpty else { return nil }
    return "\(displayName) would show wrong codes: "
      + broken.map { change in
        switch change.effect {
        case .changed(let from, _): return "it ignores \(change.field) \(from)"
        case .dropped: return "it drops the \(change.field)"
        }
      }.joined(separator: "; ")
  }
}
