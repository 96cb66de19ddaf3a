import OTPContainers
import OTPCore

/// Authenticator Plus (Mobisystems), read only. Two files leave the app:
/// - its export, a ZIP encrypted with the app's password (ZipCrypto) holding `Accounts.txt`, an
///   otpauth list read by the otpauth reader;
/// - its backup `authplus.db`, a SQLCipher 3 database encrypted with the same password, read
///   through SQLCipher loaded at run time (OTPContainers.PhoneDatabase).
///
/// The database keeps no algorithm, digits or period: every account is read as SHA-1, 6 digits,
/// 30 s (Battle.net's, 8 digits), and one finding says so.
public struct AuthenticatorPlusFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "authenticator-plus",
    displayName: "Authenticator Plus export or backup",
    fileExtensions: ["zip", "db"],
    canRead: true,
    canWrite: false,
    encryption: .required,
    capabilities: Capabilities(
      kinds: [.totp, .hotp], algorithms: [.sha1, .sha256, .sha512], digits: 6...8, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .counter, .groups, .note]),
    summary:
      "Authenticator Plus's password-protected export (a zip holding Accounts.txt) or its authplus.db backup (SQLCipher).",
    findingCodes: AuthenticatorPlusCode.codes)

  static let exportMember = "Accounts.txt"
  static let backupName = "authplus.db"
  /// SQLCipher 3 writes pages of 1,024 bytes, every byte of them encrypted.
  static let pageSize = 1024

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if let member = ZipArchive.firstMemberName(input.bytes) { return member == Self.exportMember ? .certain : .no }
    // A SQLCipher file has no header to know it by: whole pages that are not plain SQLite.
    guard input.bytes.count >= Self.pageSize, input.bytes.count % Self.pageSize == 0,
      !input.bytes.starts(with: PhoneDatabase.magic)
    else { return .no }
    if PathText.name(of: input.name).lowercased() == Self.backupName { return .likely }
    return input.fileExtension == "db" ? .possible : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    if ZipArchive.firstMemberName(input.bytes) != nil { return try readExport(input, context: context) }
    if input.bytes.starts(with: PhoneDatabase.magic) {
      throw OTPError.corrupted(
        file: input.name, place: nil,
        reason: "a plain SQLite database, not Authenticator Plus's encrypted backup (its own database from a phone is not read)")
    }
    // Whole pages or damage, told before a password is asked for.
    guard !input.bytes.isEmpty, input.bytes.count % Self.pageSize == 0 else {
      throw OTPError.corrupted(
        file: input.name, place: nil,
        reason: "neither Authenticator Plus's export (a zip) nor its backup (whole SQLCipher pages of 1,024 bytes)")
    }
    guard let password = try context.password.password(for: input.name) else {
      throw OTPError.passwordRequired(file: input.name)
    }
    let rows = try PhoneDatabase.reading(
      input, name: Self.backupName, maximumSize: context.limits.inputBytes, sqlcipherKey: password
    ) { database in
      _ = try database.accountsColumns(
        requiring: ["email", "secret", "counter", "type", "issuer", "category"], of: input, app: "Authenticator Plus")
      var rows: [Row] = []
      try database.query("SELECT email, secret, counter, type, issuer, category FROM accounts ORDER BY position, _id") {
        row in
        rows.append(
          Row(
            email: row.text(0), secret: row.text(1), counter: row.integer(2), type: row.integer(3), issuer: row.text(4),
            category: row.text(5)))
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
    if rows.isEmpty {
      result.findings.append(
        Finding(
          .info, code: AuthenticatorPlusCode.databaseEmpty, "the backup holds no accounts",
          at: Origin(file: input.name, place: .whole)))
    } else {
      result.findings.append(
        Finding(
          .info, code: AuthenticatorPlusCode.defaultSettings,
          "Authenticator Plus's backup keeps no algorithm, digits or period: its accounts are read as SHA-1, 6 digits, 30 s (Battle.net's 8 digits); an account set up otherwise gives other codes",
          at: Origin(file: input.name, place: .whole),
          remedy: "Compare a code or two with the app, or read its export instead: the zip holding Accounts.txt keeps them."))
    }
    return result
  }

  func readExport(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let isAccounts: (String) -> Bool = { $0.split(separator: "/").last.map(String.init) == Self.exportMember }
    let text = try ZipArchive.members(of: input, wanted: isAccounts, firstOnly: true, context: context) { failure in
      failure == .memberMissing
        ? .corrupted(file: input.name, place: nil, reason: "the zip holds no \(Self.exportMember)")
        : .wrongPassword(file: input.name)
    }[0].bytes
    return try context.readNested(InputFile(name: "\(input.name):\(Self.exportMember)", bytes: text))
  }

  /// One row of the `accounts` table.
  struct Row {
    var email: String
    var secret: String
    var counter: Int64
    var type: Int64
    var issuer: String
    var category: String

    /// The category every account is in; the others are groups.
    static let allAccounts = "All Accounts"

    func account(origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem) -> Account {
      let groups = category.isEmpty || category == Self.allAccounts ? [] : [category]
      switch type {
      case 0, 1:
        let decoded = try EntryProblem.base32Secret(secret, badSecret: AuthenticatorPlusCode.badSecret, warnings: &warnings)
        guard counter >= 0 else { throw EntryProblem(AuthenticatorPlusCode.badCounter, "the counter \(counter) is negative") }
        return Account(
          kind: type == 0 ? .totp : .hotp, issuer: issuer, name: email, secret: Secret(decoded),
          counter: type == 1 ? UInt64(counter) : 0, groups: groups, origin: origin)
      case 2:
        // Battle.net: the secret is hex, the codes 8 digits; `original_name` holds the serial.
        guard let bytes = Hex.decode(secret), !bytes.isEmpty else {
          throw EntryProblem(AuthenticatorPlusCode.badSecret, "the Battle.net secret is not hex")
        }
        return Account(
          kind: .totp, issuer: "Battle.net", name: email, secret: Secret(bytes), digits: 8, groups: groups, origin: origin)
      default:
        throw EntryProblem(AuthenticatorPlusCode.unknownType, "unknown type \(type) (0 TOTP, 1 HOTP, 2 Battle.net)")
      }
    }
  }
}

/// The findings the Authenticator Plus reader reports (docs/audit.md).
enum AuthenticatorPlusCode: String, FindingCode {
  case badCounter = "AUTHPLUS_BAD_COUNTER"
  case badSecret = "AUTHPLUS_BAD_SECRET"
  case databaseEmpty = "AUTHPLUS_DATABASE_EMPTY"
  case defaultSettings = "AUTHPLUS_DEFAULT_SETTINGS"
  case unknownType = "AUTHPLUS_UNKNOWN_TYPE"
}
