import LoginItems
import OTPContainers
import OTPCore

/// The LastPass password manager's CSV export: `url,username,password,totp,extra,name,grouping,fav`
/// (the layout Bitwarden's and Proton Pass's importers read; older exports have no `totp`).
/// `totp` is the login's bare base32 secret; `grouping` its folder path with backslashes; `fav` 1
/// for a favourite; a row whose url is `http://sn` is a secure note. Read only: LastPass's own CSV
/// import documents no TOTP column. (LastPass Authenticator's JSON export is `lastpass`.)
public struct LastPassCSVFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "lastpass-csv",
    displayName: "LastPass CSV export",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: LoginItem.readCapabilities(fields: [.issuer, .name, .note, .favorite, .groups, .extraParameters]),
    summary: "The LastPass password manager's CSV export, with its totp column.")

  static let header = "url,username,password,totp,extra,name,grouping,fav"
  static let headerWithoutTOTP = "url,username,password,extra,name,grouping,fav"
  static let secureNoteURL = "http://sn"

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine()?.lowercased() else { return .no }
    if firstLine.hasPrefix(Self.header) { return .certain }
    return firstLine.hasPrefix(Self.headerWithoutTOTP) ? .likely : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("name"), table.hasColumn("url"), table.hasColumn("grouping") else {
      throw OTPError.corrupted(
        file: input.name, place: "line 1", reason: "no url, name and grouping columns: not a LastPass CSV export")
    }
    let items = table.rows.lazy.map { row in
      let url = table.value("url", in: row)
      let isNote = url == Self.secureNoteURL
      // "(none)" is LastPass's name for no folder.
      let rawGrouping = table.value("grouping", in: row)
      let grouping = rawGrouping == "(none)" ? "" : rawGrouping.split(separator: "\\").joined(separator: "/")
      let item = LoginItem(
        title: table.value("name", in: row), username: table.value("username", in: row),
        urls: url.isEmpty || isNote ? [] : [url], otp: isNote ? "" : table.value("totp", in: row),
        note: isNote ? "" : table.value("extra", in: row), favorite: table.value("fav", in: row) == "1",
        groups: grouping.isEmpty ? [] : [grouping])
      return (item: item, origin: Origin(file: input.name, place: .line(row.line)))
    }
    return LoginItem.read(items, file: input.name)
  }
}
