import Foundation
import OTPContainers
import OTPCore

/// Google Authenticator's Android database, `databases/databases`, from a rooted phone: read only,
/// from a private copy with its `-wal` (`PhoneDatabase`). The `accounts` table has no algorithm,
/// digits or period: Google Authenticator makes every code with SHA-1, 6 digits and 30 s, so that
/// is what each account is. `type` 0 is TOTP, 1 HOTP with the next `counter`; `email` is the label
/// ("Issuer:name" or "name") and `issuer` the issuer.
public struct GoogleAuthenticatorDBFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "google-authenticator-db",
    displayName: "Google Authenticator database (Android)",
    fileExtensions: ["db", "sqlite"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp, .hotp], algorithms: [.sha1], digits: 6...6, periods: .only([30]),
      fields: [.issuer, .name, .labelIssuer, .counter]),
    summary: "The `databases` SQLite file of Google Authenticator from a rooted Android phone; put its -wal file beside it.",
    findingCodes: GoogleAuthenticatorDBCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard input.bytes.starts(with: PhoneDatabase.magic) else { return .no }
    // The schema sits at the start of the file: Google's accounts table has a provider column.
    let head = input.bytes.prefix(64 * 1024)
    let table = Array("accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL".utf8)
    return head.firstRange(of: table) != nil && head.firstRange(of: Array("provider INTEGER".utf8)) != nil ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let rows = try PhoneDatabase.reading(input, name: "databases", maximumSize: context.limits.inputBytes) { database in
      let columns = try database.accountsColumns(
        requiring: ["email", "secret", "counter", "type", "issuer"], of: input, app: "Google Authenticator")
      // Newer versions can encrypt a secret with the phone's keystore (Aegis refuses those too).
      let encrypted = columns.contains("isencrypted") ? "isencrypted" : "0"
      var rows: [Row] = []
      try database.query("SELECT email, secret, counter, type, issuer, \(encrypted) FROM accounts ORDER BY _id") { row in
        rows.append(
          Row(
            email: row.text(0), secret: row.text(1), counter: row.integer(2), type: row.isNull(3) ? 0 : row.integer(3),
            issuer: row.text(4), encrypted: row.integer(5) != 0))
      }
      return rows
    }
    var result = ReadResult(accounts: [])
    for (index, row) in rows.enumerated() {
      let origin = Origin(file: input.name, place: .entry(index + 1))
      result.readEntry(at: origin, noun: "row", label: row.email) { warnings throws(EntryProblem) in
        try row.account(origin: origin, warnings: &warnings)
      }
    }
    if rows.isEmpty { result.findings.append(PhoneDatabase.emptyTable(input, code: GoogleAuthenticatorDBCode.databaseEmpty)) }
    return result
  }

  struct Row {
    var email: String
    var secret: String
    var counter: Int64
    var type: Int64
    var issuer: String
    var encrypted: Bool

    func account(origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem) -> Account {
      guard !encrypted else {
        throw EntryProblem(
          GoogleAuthenticatorDBCode.encryptedSecret, "the secret is encrypted with the phone's keystore and cannot leave it",
          remedy:
            "Export the account from Google Authenticator itself: Transfer accounts > Export accounts (its QR codes), then read those."
        )
      }
      let kind: OTPKind
      switch type {
      case 0: kind = .totp
      case 1: kind = .hotp
      default: throw EntryProblem(GoogleAuthenticatorDBCode.unknownType, "unknown type \(type) (0 is TOTP, 1 HOTP)")
      }
      let decoded = try EntryProblem.base32Secret(secret, badSecret: GoogleAuthenticatorDBCode.badSecret, warnings: &warnings)
      guard counter >= 0 else {
        throw EntryProblem(GoogleAuthenticatorDBCode.badCounter, "the counter \(counter) is negative")
      }
      // The label is "Issuer:name" when the account came from a URI with a label prefix.
      var name = email
      var labelIssuer: String?
      if let colon = email.firstIndex(of: ":") {
        name = String(email[email.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        let prefix = String(email[..<colon])
        if prefix != issuer { labelIssuer = prefix }
      }
      return Account(
        kind: kind, issuer: issuer.isEmpty ? (labelIssuer ?? "") : issuer, name: name,
        labelIssuer: issuer.isEmpty ? nil : labelIssuer, secret: Secret(decoded),
        counter: kind == .hotp ? UInt64(counter) : 0, origin: origin)
    }
  }
}

/// The findings the Google Authenticator database reader reports (docs/audit.md).
enum GoogleAuthenticatorDBCode: String, FindingCode {
  case badCounter = "GADB_BAD_COUNTER"
  case badSecret = "GADB_BAD_SECRET"
  case databaseEmpty = "GADB_DATABASE_EMPTY"
  case encryptedSecret = "GADB_ENCRYPTED_SECRET"
  case unknownType = "GADB_UNKNOWN_TYPE"
}
