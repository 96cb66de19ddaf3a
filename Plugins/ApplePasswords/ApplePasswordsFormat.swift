import LoginItems
import OTPContainers
import OTPCore

/// The Passwords app's CSV export (iOS 18, macOS 15): `Title,URL,Username,Password,Notes,OTPAuth`,
/// one login a row, the one-time password as an otpauth URI. Written in the same layout, which the
/// app's import documents, with the Password column empty: otpbridge never writes passwords.
/// Whether the app imports a row without a password or website is not confirmed (no public test
/// shows it), so the writer says how many rows have no website, to be counted after the import.
public struct ApplePasswordsFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "apple-passwords",
    displayName: "Apple Passwords CSV",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1, .sha256, .sha512], digits: 6...8, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .note, .extraParameters], text: .spreadsheetCells),
    summary: "The Passwords app's CSV export and import (iOS 18, macOS 15): each login's OTPAuth column.",
    findingCodes: ApplePasswordsCode.codes)

  static let header = ["Title", "URL", "Username", "Password", "Notes", "OTPAuth"]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine()?.lowercased() else { return .no }
    return firstLine.hasPrefix(Self.header.joined(separator: ",").lowercased()) ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("title"), table.hasColumn("otpauth") else {
      throw OTPError.corrupted(
        file: input.name, place: "line 1", reason: "no Title and OTPAuth columns: not the Passwords app's CSV export")
    }
    let items = table.rows.lazy.map { row in
      let url = table.value("URL", in: row)
      let item = LoginItem(
        title: table.value("Title", in: row), username: table.value("Username", in: row), urls: url.isEmpty ? [] : [url],
        otp: table.value("OTPAuth", in: row), note: table.value("Notes", in: row))
      return (item: item, origin: Origin(file: input.name, place: .line(row.line)))
    }
    return LoginItem.read(items, file: input.name)
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var text = CSV.record(Self.header) + "\n"
    var withoutWebsite = 0
    for account in accounts {
      let item = LoginItem(account: account, urlSlots: 1)
      if item.urls.isEmpty { withoutWebsite += 1 }
      text += CSV.record([item.title, item.urls.first ?? "", item.username, "", item.note, item.otp]) + "\n"
    }
    var findings: [Finding] = []
    if withoutWebsite > 0 {
      findings.append(
        Finding(
          .warning, code: ApplePasswordsCode.noWebsite,
          "\(withoutWebsite) of \(accounts.count) account(s) have no website and every row has no password: the Passwords app files a verification code under a website's login and may list such rows as not imported; count the codes after importing before deleting anything",
          at: Origin(file: context.outputName, place: .whole)))
    }
    return WriteResult(bytes: Array(text.utf8), findings: findings)
  }
}

/// The findings of the Apple Passwords writer (docs/audit.md lists their meanings).
enum ApplePasswordsCode: String, FindingCode {
  case noWebsite = "APPLE_PASSWORDS_NO_WEBSITE"
}
