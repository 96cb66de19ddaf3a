import LoginItems
import OTPContainers
import OTPCore

/// Keeper's CSV export, which has no header row (the layout Bitwarden's and Proton Pass's
/// importers and Keeper Commander read): Folder, Title, Login, Password, Website Address, Notes,
/// Shared Folder, then custom fields as name and value pairs. The one-time password is an otpauth
/// URI under `TFC:Keeper` (the web vault) or `$oneTimeCode` / `$oneTimeCode:LABEL` (Commander,
/// which also writes `$record_uid` and `$type` pairs). Folder paths use backslashes, as in the JSON
/// export; a shared folder may end in `#edit` or `#reshare`. Read only: Keeper's JSON import
/// (`keeper`) is where otpbridge writes.
public struct KeeperCSVFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "keeper-csv",
    displayName: "Keeper CSV export",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: KeeperFormat().descriptor.capabilities,
    summary: "Keeper's CSV export (no header row): each record's TFC:Keeper or $oneTimeCode field.")

  /// The names of a custom field that holds a one-time password.
  static func isOneTimeCode(_ name: String) -> Bool {
    name == "TFC:Keeper" || name == "$oneTimeCode" || name.hasPrefix("$oneTimeCode:")
  }

  /// No header to tell it by: a cell naming Keeper's one-time code, or Commander's record ids, in
  /// the first 64 KiB, on a line of at least 7 cells.
  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let head = input.head(1 << 16) else { return .no }
    let marks = ["\"TFC:Keeper\",", ",TFC:Keeper,", ",$oneTimeCode", "\"$oneTimeCode", ",$record_uid,"]
    guard marks.contains(where: head.contains) else { return .no }
    let firstLine = head.prefix { $0 != "\n" && $0 != "\r" }
    return firstLine.filter { $0 == "," }.count >= 6 ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let rows = try CSV.rows(of: input)
    let items = rows.lazy.flatMap { row -> [(item: LoginItem, origin: Origin)] in
      func cell(_ index: Int) -> String { index < row.cells.count ? row.cells[index] : "" }
      // Commander marks a shared folder's permissions after a #.
      let shared = String(cell(6).split(separator: "#", omittingEmptySubsequences: false).first ?? "")
      let folder = KeeperFormat.path(.init(folder: cell(0).isEmpty ? nil : cell(0), sharedFolder: shared.isEmpty ? nil : shared))
      let url = cell(4)
      let codes = stride(from: 7, to: row.cells.count - 1, by: 2).filter { Self.isOneTimeCode(row.cells[$0]) }
        .map { row.cells[$0 + 1] }.filter { !$0.trimmingWhitespace().isEmpty }
      let origin = Origin(file: input.name, place: .line(row.line))
      func login(_ otp: String) -> (item: LoginItem, origin: Origin) {
        let item = LoginItem(
          title: cell(1), username: cell(2), urls: url.isEmpty ? [] : [url], otp: otp, note: cell(5),
          groups: folder.map { [$0] } ?? [])
        return (item, origin)
      }
      return codes.isEmpty ? [login("")] : codes.map(login)
    }
    return LoginItem.read(items, file: input.name)
  }
}
