import LoginItems
import OTPContainers
import OTPCore

/// Dashlane's `credentials.csv` (alone, or inside the zip Dashlane's export makes, which the
/// archive reader opens): `username,username2,username3,title,password,note,url,category,` then
/// `otpSecret` (a bare base32 secret) or, in exports since late 2024, `otpUrl` (an otpauth URI;
/// the layouts Bitwarden's and Proton Pass's importers read). `category` becomes the group. Read
/// only: the column Dashlane's own import takes for a one-time password is not documented.
public struct DashlaneCSVFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "dashlane-csv",
    displayName: "Dashlane CSV export (credentials.csv)",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: LoginItem.readCapabilities(fields: [.issuer, .name, .labelIssuer, .note, .groups, .extraParameters]),
    summary: "Dashlane's credentials.csv, with its otpSecret or otpUrl column.")

  static let headerStart = "username,username2,username3,title,password,note,url,category,"

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine()?.lowercased(), firstLine.hasPrefix(Self.headerStart) else { return .no }
    return firstLine.contains("otpsecret") || firstLine.contains("otpurl") ? .certain : .likely
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("title"), table.hasColumn("username") else {
      throw OTPError.corrupted(
        file: input.name, place: "line 1", reason: "no title and username columns: not Dashlane's credentials.csv")
    }
    let items = table.rows.lazy.map { row in
      let url = table.value("url", in: row)
      let uri = table.value("otpUrl", in: row)
      let category = table.value("category", in: row)
      let item = LoginItem(
        title: table.value("title", in: row), username: table.value("username", in: row), urls: url.isEmpty ? [] : [url],
        otp: uri.trimmingWhitespace().isEmpty ? table.value("otpSecret", in: row) : uri, note: table.value("note", in: row),
        groups: category.isEmpty ? [] : [category])
      return (item: item, origin: Origin(file: input.name, place: .line(row.line)))
    }
    return LoginItem.read(items, file: input.name)
  }
}
