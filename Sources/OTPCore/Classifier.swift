import Foundation

/// Whether an entry can move to another app as it is.
public enum Portability: String, Sendable, Codable, Comparable, CaseIterable {
  case portable
  case needsAttention = "needs-attention"
  case notPortable = "not-portable"

  public static func < (lhs: Portability, rhs: Portability) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// The finding severity a verdict of this kind carries.
  public var severity: Finding.Severity {
    switch self {
    case .portable: return .info
    case .needsAttention: return .warning
    case .notPortable: return .error
    }
  }
}

/// What the classifier says of an account or of a payload that is not an account: a stable code,
/// one line of why, and what to do (microsoft.md §8 and §9).
public struct Verdict: Sendable, Hashable {
  public var portability: Portability
  /// Stable, for scripts: `MS_PUSH_ACTIVATION`, `STEAM`, `PORTABLE`, …
  public var code: String
  public var reason: String
  public var remedy: String?
  /// True for Microsoft entries, which audits list first.
  public var isMicrosoft: Bool

  public init(_ portability: Portability, code: VerdictCode, reason: String, remedy: String? = nil, isMicrosoft: Bool = false) {
    self.init(portability, code: code as any FindingCode, reason: reason, remedy: remedy, isMicrosoft: isMicrosoft)
  }

  /// A verdict a reader gives with a code of its own (Microsoft Authenticator's database rows).
  public init(_ portability: Portability, code: any FindingCode, reason: String, remedy: String? = nil, isMicrosoft: Bool = false)
  {
    self.portability = portability
    self.code = code.rawValue
    self.reason = reason
    self.remedy = remedy
    self.isMicrosoft = isMicrosoft
  }

  /// The verdict as a finding. A not-portable payload is an entry that was not read; a reader
  /// that skips an entry of another verdict says so with `skipped`.
  public func finding(at origin: Origin?, label: String? = nil, skipped: Bool? = nil) -> Finding {
    let subject = label.map { "\($0): " } ?? ""
    return Finding(
      portability.severity, rawCode: code, subject + reason, at: origin, remedy: remedy,
      entrySkipped: skipped ?? (portability == .notPortable))
  }
}

/// Gives every account, and every payload that is not an account, a portability verdict.
public enum Classifier {
  // MARK: Remedies (microsoft.md §2.3, §2.4, §4.2)

  static let workRemedy =
    "You: at https://aka.ms/mysecurityinfo choose Add sign-in method → Authenticator app → \"I want to use a different authenticator app\", then scan the QR code it shows (or use \"Can't scan image?\" → Secret key) with your app. Your IT admin, if that link is missing: enable \"Third-party software OATH tokens\" in the Microsoft Entra admin center → Entra ID → Authentication methods → Policies."
  /// `workRemedy` said to the admin who passes it on.
  static let workRemedyForAdmin =
    "Ask each user listed to open https://aka.ms/mysecurityinfo, choose Add sign-in method → Authenticator app → \"I want to use a different authenticator app\", scan the QR code it shows with the new app (or use \"Can't scan image?\" → Secret key), then remove the old entry. If users do not see that choice, first enable \"Third-party software OATH tokens\" in the Microsoft Entra admin center → Entra ID → Authentication methods → Policies."

  /// A remedy as the admin of a tenant run reads it: the work-account remedy, addressed to the
  /// user ("You: …"), becomes the admin's; any other is for each user listed.
  public static func forAdmin(_ remedy: String) -> String {
    remedy == workRemedy ? workRemedyForAdmin : "For each user listed: \(remedy)"
  }

  static let personalRemedy =
    "At account.microsoft.com → Security → Advanced security options choose \"Add a new way to sign in or verify\" → \"Use an app\" → \"Set up a different Authenticator app\", then scan that QR code or use \"I can't scan the bar code\"."

  // MARK: Verdicts readers use for entries they cannot turn into accounts

  public static let microsoftPushActivation = Verdict(
    .notPortable, code: .msPushActivation,
    reason:
      "a Microsoft Authenticator activation code, not a 2FA secret: Microsoft gives the secret only to the Microsoft Authenticator app after an online sign-up, so no other app can use it",
    remedy: workRemedy, isMicrosoft: true)
  public static let microsoftPersonalActivation = Verdict(
    .notPortable, code: .msMsaActivation,
    reason: "links a personal Microsoft account to the Microsoft Authenticator app and holds no code secret",
    remedy: personalRemedy, isMicrosoft: true)
  public static let microsoftSameDeviceLink = Verdict(
    .notPortable, code: .msAuthenticatorLink,
    reason: "a link that opens Microsoft Authenticator on this phone to finish sign-up; it holds no secret",
    remedy: workRemedy, isMicrosoft: true)
  public static let microsoftSignInLink = Verdict(
    .notPortable, code: .msSignInLink,
    reason: "a Microsoft sign-in or credential link, not a two-factor code; there is nothing to migrate",
    isMicrosoft: true)
  public static let microsoftManualCode = Verdict(
    .notPortable, code: .msManualActivationCode,
    reason: "the Code and URL of Microsoft Authenticator's manual set-up, not a secret key",
    remedy: workRemedy, isMicrosoft: true)
  public static let oktaPush = Verdict(
    .notPortable, code: .oktaPushEnrolment,
    reason: "an Okta Verify push sign-up, not a code secret",
    remedy: "In Okta choose the Google Authenticator (TOTP) factor, or Okta Verify's \"Can't scan?\" key, and scan that instead.")
  public static let duoActivation = Verdict(
    .notPortable, code: .duoActivation,
    reason: "a Duo activation link: Duo sends the secret only to the Duo Mobile app after an online activation",
    remedy: "Ask your Duo admin whether passcodes from third-party apps are allowed, or keep Duo Mobile.")
  public static let symantecVIP = Verdict(
    .notPortable, code: .symantecVipCredential,
    reason: "a Symantec VIP Access credential ID; its secret stays with Symantec and cannot be derived from the ID",
    remedy: "Register a new VIP credential or another 2FA method at each site, then remove the old one.")
  public static let googleMigration = Verdict(
    .portable, code: .googleMigration,
    reason: "a Google Authenticator export, unpacked into individual standard entries")

  // MARK: Payloads

  /// What a text that is not a readable account is: a QR code's text, a line, a field. Nil when
  /// nothing is known about it.
  public static func classify(payload: String) -> Verdict? {
    let text = payload.trimmingWhitespace()
    let lower = text.lowercased()
    let scheme = lower.range(of: "://").map { String(lower[..<$0.lowerBound]) } ?? (lower.hasPrefix("ms-msa:") ? "ms-msa" : "")
    switch scheme {
    case "phonefactor": return microsoftPushActivation
    case "ms-msa": return microsoftPersonalActivation
    case "microsoft-authenticator": return microsoftSameDeviceLink
    case "msauth", "msauthv2", "msauthv3", "browser", "openid-vc": return microsoftSignInLink
    case "duo": return duoActivation
    case "otpauth-migration": return googleMigration
    case "otpauth":
      let query =
        lower.split(separator: "?", maxSplits: 1).dropFirst().first.map {
          Set($0.split(separator: "&").map { String($0.split(separator: "=", maxSplits: 1)[0]) })
        } ?? []
      // Okta Verify's push QR: no secret, and its own t, f and s parameters (microsoft.md §7).
      let oktaParameters = query.contains("t") && query.contains("f") && query.contains("s")
      if !query.contains("secret"), oktaParameters || lower.contains("okta") { return oktaPush }
      return nil
    case "https", "http":
      guard let url = URLComponents(string: text), let host = url.host?.lowercased() else { return nil }
      let path = url.path.lowercased()
      if ["login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn"].contains(host),
        path.hasPrefix("/authenticatorapp/activateaccount")
      {
        let type = url.queryItems?.last { $0.name.lowercased() == "accounttype" }?.value?.lowercased()
        return type == "msa" ? microsoftPersonalActivation : microsoftPushActivation
      }
      if host.hasSuffix("duosecurity.com"), path.contains("/activate") || path.contains("/frame/qr") {
        return duoActivation
      }
      if host.contains("phonefactor") || path.contains("/activatev2/") || path.contains("/mfawsmobile/") {
        return microsoftManualCode
      }
      return nil
    default:
      if text.count == 9, text.allSatisfy(\.isASCIIDigit) { return microsoftManualCode }
      if text.count == 12, ["SYMC", "VSST", "VSMT"].contains(String(text.prefix(4)).uppercased()),
        text.dropFirst(4).allSatisfy(\.isASCIIDigit)
      {
        return symantecVIP
      }
      return nil
    }
  }

  // MARK: Accounts

  /// The verdict for an account that was read: portable, or what needs attention.
  public static func classify(_ account: Account) -> Verdict {
    let issuer = account.issuer.lowercased()
    switch account.kind {
    case .steam:
      return Verdict(
        .needsAttention, code: .steam, reason: "Steam Guard uses 5-character codes; the target app must support Steam")
    case .yandex, .motp:
      return Verdict(
        .needsAttention, code: account.kind == .yandex ? .yandex : .motp,
        reason: "a non-standard algorithm (\(account.kind == .yandex ? "Yandex" : "mOTP")) that only a few apps support")
    case .totp, .hotp:
      break
    }
    if issuer == "microsoft", account.kind == .totp, account.digits == 6, account.algorithm == .sha1, account.period == 30 {
      if let tenant = account.labelIssuer, tenant.lowercased() != "microsoft" {
        return Verdict(
          .portable, code: .msWorkTotp,
          reason:
            "a standard 6-digit code (SHA-1, 30 s) for a work or school account of \(tenant); it works in any authenticator, but the organisation can turn third-party apps off, so keep another sign-in method registered",
          isMicrosoft: true)
      }
      return Verdict(
        .portable, code: .msPersonalTotp,
        reason: "a standard 6-digit code for a personal Microsoft account; it works in any authenticator", isMicrosoft: true)
    }
    // The digit count first: it rules out nearly every account without searching text.
    if account.digits == 8, issuer.contains("battle.net") || issuer.contains("blizzard") {
      return Verdict(
        .needsAttention, code: .battleNet, reason: "an 8-digit Battle.net code; the target app must support 8 digits")
    }
    if account.kind == .totp, account.digits == 7, account.period == 10 {
      return Verdict(
        .needsAttention, code: .authyNative,
        reason: "an Authy-style code: 7 digits every 10 seconds; it works only in apps that let you set digits and period")
    }
    // HOTP itself moves fine; the audit's HOTP_COUNTER check covers its one hazard.
    var unusual: [String] = []
    if account.algorithm != .sha1 { unusual.append(account.algorithm.rawValue) }
    if account.digits != 6 { unusual.append("\(account.digits) digits") }
    if account.kind == .totp, account.period != 30 { unusual.append("a \(account.period) s period") }
    if !unusual.isEmpty {
      return Verdict(
        .needsAttention, code: .nonDefaultParameters,
        reason: "standard, but \(unusual.joined(separator: ", ")): only apps that honour these give the right codes")
    }
    return Verdict(.portable, code: .portable, reason: "a standard TOTP code (SHA-1, 6 digits, 30 s)")
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

/// The classifier's verdicts, which are also the codes of their findings (docs/audit.md).
public enum VerdictCode: String, FindingCode {
  case authyNative = "AUTHY_NATIVE"
  case battleNet = "BATTLE_NET"
  case duoActivation = "DUO_ACTIVATION"
  case googleMigration = "GOOGLE_MIGRATION"
  case msAuthenticatorLink = "MS_AUTHENTICATOR_LINK"
  case msManualActivationCode = "MS_MANUAL_ACTIVATION_CODE"
  case msMsaActivation = "MS_MSA_ACTIVATION"
  case msPersonalTotp = "MS_PERSONAL_TOTP"
  case msPushActivation = "MS_PUSH_ACTIVATION"
  case msSignInLink = "MS_SIGN_IN_LINK"
  case msWorkTotp = "MS_WORK_TOTP"
  case motp = "MOTP"
  case nonDefaultParameters = "NON_DEFAULT_PARAMETERS"
  case oktaPushEnrolment = "OKTA_PUSH_ENROLMENT"
  case portable = "PORTABLE"
  case steam = "STEAM"
  case symantecVipCredential = "SYMANTEC_VIP_CREDENTIAL"
  case yandex = "YANDEX"
}
