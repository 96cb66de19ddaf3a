import LoginItems
import OTPContainers
import OTPCore

/// 1Password's CSV export (formats.md §3.1, §3.2). Reads the 1Password 8 columns
/// `Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes` and the user-chosen columns of
/// 1Password 7, where the one-time password is a column named after its field, usually
/// `one-time password`. Writes 1Password 8's layout. Passwords are never read, nor written.
public struct OnePasswordCSVFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "1password-csv",
    displayName: "1Password CSV",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp],
      algorithms: [.sha1, .sha256, .sha512],
      digits: 6...8,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .note, .favorite, .groups, .icon, .extraParameters],
      text: .spreadsheetCells),
    summary: "1Password 8 CSV export (and 1Password 7 with a one-time password column); TOTP only.")

  static let header = ["Title", "Url", "Username", "Password", "OTPAuth", "Favorite", "Archived", "Tags", "Notes"]
  /// The columns that hold the one-time password: 1Password 8's, then 1Password 7's field label.
  static let otpColumns = ["OTPAuth", "one-time password"]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine()?.lowercased() else { return .no }
    if firstLine.hasPrefix(Self.header.joined(separator: ",").lowercased()) { return .certain }
    if firstLine.contains("title"), firstLine.contains("one-time password") { return .likely }
    return .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("title") else {
      throw OTPError.corrupted(
        file: input.name, place: "line 1", reason: "no Title column: not a 1Password CSV export with column labels")
    }
    let otpColumn = Self.otpColumns.first(where: table.hasColumn)
    let items = table.rows.lazy.map { row in
      let url = table.value("Url", in: row)  // 1Password 7 spells it URL; columns match in any case
      let item = LoginItem(
        title: table.value("Title", in: row), username: table.value("Username", in: row),
        urls: url.isEmpty ? [] : [url], otp: otpColumn.map { table.value($0, in: row) } ?? "",
        note: table.value("Notes", in: row), favorite: table.value("Favorite", in: row).lowercased() == "true",
        groups: Self.tags(table.value("Tags", in: row)))
      return (item: item, origin: Origin(file: input.name, place: .line(row.line)))
    }
    return LoginItem.read(items, file: input.name)
  }

  /// 1Password 8's layout: the header unquoted, every data cell quoted, tags comma-separated.
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var text = CSV.record(Self.header) + "\n"
    for account in accounts {
      let item = LoginItem(account: account, urlSlots: 1)
      let cells = [
        item.title, item.urls.first ?? "", item.username, "", item.otp, item.favorite ? "true" : "false", "false",
        item.groups.joined(separator: ","), item.note,
      ]
      text += CSV.record(cells, quoteAll: true) + "\n"
    }
    return WriteResult(bytes: Array(text.utf8))
  }

  static func tags(_ cell: String) -> [String] {
    cell.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
  }
}
