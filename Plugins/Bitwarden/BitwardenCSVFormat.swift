import LoginItems
import OTPContainers
import OTPCore

/// Bitwarden's CSV export of an individual vault (formats.md §4.1), and Bitwarden
/// Authenticator's CSV (§4.5, `folder,favorite,type,name,login_uri,login_totp` with ragged rows).
public struct BitwardenCSVFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "bitwarden-csv",
    displayName: "Bitwarden CSV",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    capabilities: {
      var capabilities = BitwardenItems.capabilities
      capabilities.text = .spreadsheetCells
      return capabilities
    }(),
    summary: "Bitwarden CSV export (login_totp column); TOTP and Steam.",
    findingCodes: BitwardenCode.codes)

  static let header = [
    "folder", "favorite", "type", "name", "notes", "fields", "reprompt", "login_uri", "login_username", "login_password",
    "login_totp",
  ]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine()?.lowercased() else { return .no }
    if firstLine.hasPrefix("folder,favorite,type,name,"), firstLine.contains("login_totp") { return .certain }
    if firstLine.contains("login_totp") { return .likely }
    return .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("login_totp") else {
      throw OTPError.corrupted(file: input.name, place: "line 1", reason: "no login_totp column: not a Bitwarden CSV export")
    }
    var result = ReadResult(accounts: [], findings: [LoginItem.passwordsNotRead(file: input.name)])
    var withoutOTP = 0
    for row in table.rows {
      // `login` in vault exports, `1` in Bitwarden Authenticator's; secure notes have no one-time password.
      let type = table.value("type", in: row).lowercased()
      let folder = table.value("folder", in: row)
      let item = LoginItem(
        title: table.value("name", in: row), username: table.value("login_username", in: row),
        urls: table.value("login_uri", in: row).split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty },
        otp: type == "login" || type == "1" ? table.value("login_totp", in: row) : "",
        note: table.value("notes", in: row), favorite: ["1", "true"].contains(table.value("favorite", in: row).lowercased()),
        groups: folder.isEmpty ? [] : [folder])
      let origin = Origin(file: input.name, place: .line(row.line))
      if !BitwardenItems.read(item, origin: origin, into: &result) { withoutOTP += 1 }
    }
    if let finding = LoginItem.itemsWithoutOTP(withoutOTP, file: input.name) { result.findings.append(finding) }
    return result
  }

  /// Written as Bitwarden writes it: cells quoted only when needed, CRLF line ends.
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var findings: [Finding] = []
    var text = CSV.record(Self.header) + "\r\n"
    for account in accounts {
      let (item, notes) = BitwardenItems.item(for: account, origin: account.origin)
      findings += notes
      let cells = [
        item.groups.first ?? "", item.favorite ? "1" : "", "login", item.title, item.note, "", "0",
        item.urls.joined(separator: ","), item.username, "", item.otp,
      ]
      text += CSV.record(cells) + "\r\n"
    }
    return WriteResult(bytes: Array(text.utf8), findings: findings)
  }
}
