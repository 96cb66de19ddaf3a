import LoginItems
import OTPContainers
import OTPCore

/// KeePassXC's CSV export (formats.md §10.5): `"Group","Title","Username","Password","URL","Notes",
/// "TOTP","Icon","Last Modified","Created"`, every cell quoted, LF line ends. `TOTP` is the entry's
/// otpauth URI; `Group` is the group's path from the root group, whose name comes first.
public struct KeePassXCCSVFormat: FormatPlugin {
  public init() {}

  /// KeePassXC reads `secret`, `digits`, `period`, `algorithm` and `encoder=steam` from the URI
  /// and ignores its type, so HOTP cannot go there; it bounds digits to 1–10 and the period to
  /// 1–86 400 s (keepassxc src/core/Totp.cpp).
  public let descriptor = FormatDescriptor(
    id: "keepassxc-csv",
    displayName: "KeePassXC CSV",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp, .steam],
      algorithms: [.sha1, .sha256, .sha512],
      digits: 1...10,
      periods: .range(1...86_400),
      fields: [.issuer, .name, .labelIssuer, .note, .groups, .icon, .extraParameters],
      text: .spreadsheetCells),
    summary: "KeePassXC CSV export with its TOTP column; TOTP and Steam.",
    findingCodes: KeePassXCCSVCode.codes)

  static let header = ["Group", "Title", "Username", "Password", "URL", "Notes", "TOTP", "Icon", "Last Modified", "Created"]
  /// The root group's name in a new KeePassXC database; written before every group path.
  static let rootGroup = "Root"

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine() else { return .no }
    if firstLine.hasPrefix(CSV.record(Self.header, quoteAll: true)) { return .certain }
    if firstLine.hasPrefix("\"Group\",\"Title\""), firstLine.contains("\"TOTP\"") { return .likely }
    return .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("Title"), table.hasColumn("TOTP") else {
      throw OTPError.corrupted(file: input.name, place: "line 1", reason: "no Title and TOTP columns: not a KeePassXC CSV export")
    }
    let items = table.rows.lazy.map { row in
      let url = table.value("URL", in: row)
      let item = LoginItem(
        title: table.value("Title", in: row), username: table.value("Username", in: row), urls: url.isEmpty ? [] : [url],
        otp: table.value("TOTP", in: row), note: table.value("Notes", in: row),
        groups: Self.groups(fromPath: table.value("Group", in: row)))
      return (item: item, origin: Origin(file: input.name, place: .line(row.line)))
    }
    return LoginItem.read(items, file: input.name)
  }

  /// "Root/Work/2FA" is the group "Work/2FA": the root group's name (the database's) is dropped.
  static func groups(fromPath path: String) -> [String] {
    guard let slash = path.firstIndex(of: "/") else { return [] }
    let below = String(path[path.index(after: slash)...])
    return below.isEmpty ? [] : [below]
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var findings: [Finding] = []
    var text = CSV.record(Self.header, quoteAll: true) + "\n"
    for account in accounts {
      let item = LoginItem(account: account, urlSlots: 1)
      if let finding = LoginItem.oneGroup(account, code: KeePassXCCSVCode.oneGroup, entry: "a KeePassXC entry") {
        findings.append(finding)
      }
      let group = item.groups.first.map { Self.rootGroup + "/" + $0 } ?? Self.rootGroup
      let cells = [group, item.title, item.username, "", item.urls.first ?? "", item.note, item.otp, "0", "", ""]
      text += CSV.record(cells, quoteAll: true) + "\n"
    }
    return WriteResult(bytes: Array(text.utf8), findings: findings)
  }
}

/// The findings the KeePassXC CSV writer reports (docs/audit.md lists their meanings).
enum KeePassXCCSVCode: String, FindingCode {
  case oneGroup = "KEEPASSXC_ONE_GROUP"
}
