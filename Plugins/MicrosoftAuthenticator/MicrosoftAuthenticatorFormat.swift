import Foundation
import OTPContainers
import OTPCore

/// Microsoft Authenticator's Android database, `databases/PhoneFactor` (microsoft.md §3): read only.
/// Each row gets a verdict by its `account_type` and by which secret column is filled
/// (microsoft.md §3.2, §3.3): type 0 is a standard TOTP, type 1 a personal-account credential
/// (8 digits, base64, tied to the phone), type 2 a work or school registration that must not move.
public struct MicrosoftAuthenticatorFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "ms-authenticator",
    displayName: "Microsoft Authenticator database (Android PhoneFactor)",
    fileExtensions: ["db", "sqlite"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1], digits: 6...8, periods: .only([30]), fields: [.issuer, .name]),
    summary: "The PhoneFactor SQLite database from a rooted Android phone; put its -wal file beside it.",
    findingCodes: MicrosoftAuthenticatorCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard input.bytes.starts(with: PhoneDatabase.magic) else { return .no }
    // The schema sits at the start of the file; the secret column's name is distinctive.
    let head = input.bytes.prefix(64 * 1024)
    return head.firstRange(of: Array("oath_secret_key".utf8)) != nil ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let rows = try Self.rows(of: input, maximumSize: context.limits.inputBytes)
    var result = ReadResult(accounts: [])
    for (index, row) in rows.enumerated() {
      let origin = Origin(file: input.name, place: .entry(index + 1))
      let label = row.username.isEmpty ? row.name : row.name.isEmpty ? row.username : "\(row.name) (\(row.username))"
      switch Self.classify(row) {
      case .account(let account, let verdict):
        var account = account
        account.origin = origin
        result.accounts.append(account)
        if let verdict { result.findings.append(verdict.finding(at: origin, label: label)) }
      case .skipped(let verdict):
        result.findings.append(verdict.finding(at: origin, label: label, skipped: true))
      }
    }
    if rows.isEmpty { result.findings.append(PhoneDatabase.emptyTable(input, code: MicrosoftAuthenticatorCode.databaseEmpty)) }
    return result
  }

  struct Row {
    var name: String
    var username: String
    var secret: String
    var encryptedSecret: String
    var type: Int
  }

  enum Classification {
    case account(Account, Verdict?)
    case skipped(Verdict)
  }

  static let remedy = "Set this account up again in your new app from the service's security page."

  static func classify(_ row: Row) -> Classification {
    let placeholder = Origin(file: "", place: .whole)
    let secret = row.secret.trimmingWhitespace()
    if secret.isEmpty {
      if !row.encryptedSecret.isEmpty {
        return .skipped(
          Verdict(
            .notPortable, code: MicrosoftAuthenticatorCode.encryptedSecret,
            reason:
              "Microsoft Authenticator stores this code encrypted with a key that never leaves the phone, so it cannot be copied",
            remedy: remedy, isMicrosoft: true))
      }
      return .skipped(
        Verdict(
          .notPortable, code: MicrosoftAuthenticatorCode.noSecret,
          reason: "this entry is for notifications, passwordless or device sign-in only; it has no code to move",
          remedy: "If the service supports codes, set one up again in your new app.", isMicrosoft: true))
    }
    switch row.type {
    case 0:
      // Microsoft Authenticator shows every type-0 row as SHA-1, 6 digits, 30 s (microsoft.md §4.3).
      guard let bytes = try? Base32.decode(secret) else {
        return .skipped(unrecognised("its secret is not base32"))
      }
      return .account(Account(kind: .totp, issuer: row.name, name: row.username, secret: Secret(bytes), origin: placeholder), nil)
    case 1:
      guard let bytes = Data(base64Encoded: secret), !bytes.isEmpty else {
        return .skipped(unrecognised("its secret is not base64"))
      }
      let account = Account(
        kind: .totp, issuer: row.name, name: row.username, secret: Secret(Array(bytes)), digits: 8, origin: placeholder)
      return .account(
        account,
        Verdict(
          .needsAttention, code: MicrosoftAuthenticatorCode.personalDeviceCredential,
          reason:
            "Microsoft Authenticator's own 8-digit code for a personal Microsoft account, tied to that phone: it stops working if the phone is removed from the account, and the new app must support 8 digits",
          remedy:
            "Better: add a new \"different Authenticator app\" method for the Microsoft account (account.microsoft.com → Security → Advanced security options), then remove the old phone.",
          isMicrosoft: true))
    case 2:
      return .skipped(
        Verdict(
          .notPortable, code: MicrosoftAuthenticatorCode.workRegistration,
          reason:
            "your organisation's Microsoft Authenticator registration: its codes belong to that app's registration, can be disabled by the admin, and are not a standard portable secret",
          remedy:
            "Register the new app separately: https://aka.ms/mysecurityinfo → Add sign-in method → Authenticator app → \"I want to use a different authenticator app\". Keep Microsoft Authenticator until the new method works.",
          isMicrosoft: true))
    default:
      return .skipped(unrecognised("its account type \(row.type) is unknown"))
    }
  }

  static func unrecognised(_ why: String) -> Verdict {
    Verdict(
      .needsAttention, code: MicrosoftAuthenticatorCode.unrecognisedEntry,
      reason: "an unrecognised Microsoft Authenticator entry (\(why)); not imported", remedy: remedy, isMicrosoft: true)
  }

  /// The rows of the accounts table, read from a private copy of the database and its `-wal`
  /// (`PhoneDatabase`).
  static func rows(of input: InputFile, maximumSize: Int) throws -> [Row] {
    try PhoneDatabase.reading(input, name: "PhoneFactor", maximumSize: maximumSize) { database in
      let columns = try database.accountsColumns(
        requiring: ["name", "username", "oath_secret_key", "account_type"], of: input, app: "Microsoft Authenticator")
      let encrypted = columns.contains("encrypted_oath_secret_key") ? "encrypted_oath_secret_key" : "''"
      var rows: [Row] = []
      let sql = "SELECT name, username, oath_secret_key, \(encrypted), account_type FROM accounts ORDER BY _rowid_"
      try database.query(sql) { row in
        rows.append(
          Row(
            name: row.text(0), username: row.text(1), secret: row.text(2), encryptedSecret: row.text(3), type: Int(row.integer(4))
          ))
      }
      return rows
    }
  }
}

/// The findings the Microsoft Authenticator database reader reports, most of them as the verdicts
/// of its rows (docs/audit.md lists their meanings).
enum MicrosoftAuthenticatorCode: String, FindingCode {
  case databaseEmpty = "MS_DATABASE_EMPTY"
  case encryptedSecret = "MS_ENCRYPTED_SECRET"
  case noSecret = "MS_NO_SECRET"
  case personalDeviceCredential = "MS_PERSONAL_DEVICE_CREDENTIAL"
  case unrecognisedEntry = "MS_UNRECOGNISED_ENTRY"
  case workRegistration = "MS_WORK_REGISTRATION"
}
