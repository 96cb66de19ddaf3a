import LoginItems
import OTPCore

/// What Bitwarden's JSON and CSV exports share: the capabilities, and how `login.totp` is written
/// (formats.md §4.1, §4.2).
enum BitwardenItems {
  /// Bitwarden reads every otpauth URI as TOTP (its parser ignores the type), knows Steam only as
  /// `steam://SECRET`, and clamps digits to 0–10 (bitwarden/sdk-internal totp.rs). An otpauth
  /// URI of type steam would read back here but show TOTP codes in Bitwarden, so Steam is always
  /// `steam://SECRET`, named by the item.
  static let capabilities = Capabilities(
    kinds: [.totp, .steam],
    algorithms: [.sha1, .sha256, .sha512],
    digits: 1...10,
    periods: .range(1...Int(Int32.max)),
    fields: [.issuer, .name, .labelIssuer, .note, .favorite, .groups, .icon, .extraParameters],
    kindForms: [
      .steam: KindForm(
        shape: "steam://SECRET", fields: [.issuer, .name, .note, .favorite, .groups, .extraParameters],
        extraParameterNames: [LoginItem.urlParameter])
    ])

  /// The login item for `account`, and what the writer has to say about it.
  static func item(for account: Account, origin: Origin) -> (item: LoginItem, findings: [Finding]) {
    var item = LoginItem(account: account, urlSlots: .max)
    var findings: [Finding] = []
    if account.kind == .steam {
      item.otp = "steam://" + account.secret.revealBase32()
    }
    if account.groups.count > 1 {
      findings.append(
        Finding(
          .warning, code: BitwardenCode.oneFolder,
          "\(account.displayName): Bitwarden puts an item in one folder; it went to \"\(account.groups[0])\" and not to the \(account.groups.count - 1) other group(s)",
          at: origin))
    }
    return (item, findings)
  }

  /// Reads one item into `result`; false when it has no one-time password.
  static func read(_ item: LoginItem, origin: Origin, into result: inout ReadResult) -> Bool {
    guard item.hasOTP else { return false }
    item.read(into: &result, at: origin)
    return true
  }
}

/// The findings the Bitwarden JSON and CSV writers report (docs/audit.md lists their meanings).
enum BitwardenCode: String, FindingCode {
  case oneFolder = "BITWARDEN_ONE_FOLDER"
}
