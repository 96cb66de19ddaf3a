import LoginItems
import OTPCore

/// What Bitwarden's JSON and CSV exports share: the capabilities, and how `login.totp` is written
/// (formats.md §4.1, §4.2).
enum BitwardenItems {
  /// Bitwarden reads every otpauth URI as TOTP (its parser ignores the type), knows Steam only as
  /// `steam://SECRET`, and clamps digits to 0–10 (bitwarden/sdk-internal totp.rs).
  static let capabilities = Capabilities(
    kinds: [.totp, .steam],
    algorithms: [.sha1, .sha256, .sha512],
    digits: 1...10,
    periods: .range(1...Int(Int32.max)),
    fields: [.issuer, .name, .labelIssuer, .note, .favorite, .groups, .icon, .extraParameters])

  /// The login item for `account`, and what the writer has to say about it. Steam becomes
  /// `steam://SECRET` when the URI would carry nothing more; otherwise the otpauth URI stays,
  /// which otpbridge reads back exactly but Bitwarden shows as TOTP.
  static func item(for account: Account, origin: Origin) -> (item: LoginItem, findings: [Finding]) {
    var item = LoginItem(account: account, urlSlots: .max)
    var findings: [Finding] = []
    if account.kind == .steam {
      let plain =
        account.period == 30 && account.digits == 5 && account.labelIssuer == nil && account.icon == nil
        && account.extraParameters.allSatisfy { $0.name == LoginItem.urlParameter }
      if plain {
        item.otp = "steam://" + account.secret.revealBase32()
      } else {
        findings.append(
          Finding(
            .warning, code: BitwardenCode.steamAsOtpauth,
            "\(account.displayName): a Steam account with a \(account.period) s period, \(account.digits) characters or extra URI values has no steam:// form; it was written as an otpauth URI, which Bitwarden shows as ordinary TOTP codes",
            at: origin))
      }
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
  case steamAsOtpauth = "BITWARDEN_STEAM_AS_OTPAUTH"
}
