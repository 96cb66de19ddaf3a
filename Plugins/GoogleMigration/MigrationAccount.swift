import Foundation
import OTPCore

/// One `OtpParameters` entry ↔ one `Account` (formats.md §2.2–2.3).
enum MigrationAccount {
  /// UNSPECIFIED reads as TOTP, SHA1 and 6 digits, as Aegis reads it. The name is Google's label:
  /// a leading `Issuer:` is split off, and a prefix that differs from the issuer is kept as the
  /// label prefix, as an otpauth label would be.
  static func account(from entry: MigrationPayload.OtpParameters, origin: Origin) throws(EntryProblem) -> Account {
    guard !entry.secret.isEmpty else {
      throw EntryProblem(GoogleMigrationCode.noSecret, "the entry has no secret")
    }
    let kind: OTPKind
    switch entry.type {
    case .unspecified, .totp: kind = .totp
    case .hotp: kind = .hotp
    case .UNRECOGNIZED(let value):
      throw EntryProblem(GoogleMigrationCode.unknownType, "OTP type \(value) is neither TOTP (2) nor HOTP (1)")
    }
    let algorithm: HashAlgorithm
    switch entry.algorithm {
    case .unspecified, .sha1: algorithm = .sha1
    case .sha256: algorithm = .sha256
    case .sha512: algorithm = .sha512
    case .md5:
      throw EntryProblem(
        GoogleMigrationCode.md5,
        "the entry uses HMAC-MD5, which Google Authenticator does not compute and otpbridge cannot either")
    case .UNRECOGNIZED(let value):
      throw EntryProblem(GoogleMigrationCode.unknownAlgorithm, "algorithm \(value) is not one the format defines (1–4)")
    }
    let digits: Int
    switch entry.digits {
    case .unspecified, .six: digits = 6
    case .eight: digits = 8
    case .UNRECOGNIZED(let value):
      throw EntryProblem(GoogleMigrationCode.unknownDigits, "digit count \(value) is neither 6 (1) nor 8 (2)")
    }

    var issuer = entry.issuer.trimmingWhitespace()
    var name = entry.name.trimmingWhitespace()
    var labelIssuer: String?
    if let colon = name.firstIndex(of: ":") {
      let prefix = name[..<colon].trimmingWhitespace()
      let rest = name[name.index(after: colon)...].trimmingWhitespace()
      if issuer.isEmpty {
        issuer = prefix
      } else if !prefix.isEmpty, prefix != issuer {
        labelIssuer = prefix
      }
      name = rest
    }
    return Account(
      kind: kind, issuer: issuer, name: name, labelIssuer: labelIssuer, secret: Secret(Array(entry.secret)),
      algorithm: algorithm, digits: digits, counter: kind == .hotp ? UInt64(bitPattern: entry.counter) : 0,
      origin: origin)
  }

  /// The entry Google Authenticator would write: the name is the full label, `Issuer:account`, and
  /// algorithm and digits are always explicit. A name without an issuer that holds a colon gets an
  /// empty prefix (`:a:b`) so that readers do not split it. An account the format cannot hold
  /// (conversions fit accounts to the capabilities first) fails the write to `outputName`.
  static func entry(for account: Account, outputName: String) throws(OTPError) -> MigrationPayload.OtpParameters {
    func unwritable(_ what: String) -> OTPError {
      OTPError.writeFailed(path: outputName, reason: "\(account.displayName): \(what) cannot be written")
    }
    var entry = MigrationPayload.OtpParameters()
    entry.secret = Data(account.secret.bytes)
    let prefix = account.labelIssuer ?? account.issuer
    if !prefix.isEmpty {
      entry.name = "\(prefix):\(account.name)"
    } else {
      entry.name = account.name.contains(":") ? ":\(account.name)" : account.name
    }
    entry.issuer = account.issuer
    switch account.algorithm {
    case .sha1: entry.algorithm = .sha1
    case .sha256: entry.algorithm = .sha256
    case .sha512: entry.algorithm = .sha512
    case .md5: throw unwritable("HMAC-MD5")
    }
    switch account.digits {
    case 6: entry.digits = .six
    case 8: entry.digits = .eight
    default:
      throw unwritable("\(account.digits) digits")
    }
    switch account.kind {
    case .totp: entry.type = .totp
    case .hotp:
      entry.type = .hotp
      entry.counter = Int64(bitPattern: account.counter)
    default:
      throw unwritable("\(account.kind.rawValue) accounts")
    }
    return entry
  }
}
