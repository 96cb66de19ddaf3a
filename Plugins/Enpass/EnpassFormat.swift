import LoginItems
import OTPCore
import OTPJSON

/// Enpass's JSON export: `{"folders": [...], "items": [...]}`, each item with `title`, `note`,
/// `favorite`, `trashed`, `folders` (folder uuids) and `fields`, one of which may have `type`
/// "totp" (labelled "One-time code" or "TOTP"): a bare base32 secret, often in lower case with
/// spaces, or an otpauth URI (the layout Bitwarden's and Proton Pass's importers read). The
/// first `username` (or `email`) field is the name and the first `url` field the website. Read
/// only: whether Enpass's import takes a one-time password back is not documented.
public struct EnpassFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "enpass",
    displayName: "Enpass JSON export",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: LoginItem.readCapabilities(fields: [.issuer, .name, .labelIssuer, .note, .favorite, .groups, .extraParameters]),
    summary: "Enpass's JSON export: each item's field of type totp.",
    findingCodes: EnpassCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let outline = input.jsonOutline, outline.root == .object, outline.members["items"]?.kind == .array else { return .no }
    let names = outline.names(in: "items")
    // Bitwarden's items have neither `template_type` nor `category` (and their first item may
    // have no `fields`, as a note does in Enpass too).
    return names.contains("template_type") || (names.contains("category") && outline.has("folders")) ? .certain : .no
  }

  struct Export: Decodable {
    struct Folder: Decodable {
      var uuid: String?
      var title: String?
      var parentUUID: String?

      enum CodingKeys: String, CodingKey {
        case uuid, title
        case parentUUID = "parent_uuid"
      }
    }
    var folders: [Lenient<Folder>]?
    var items: [Lenient<Item>]
  }

  struct Item: Decodable {
    struct Field: Decodable {
      var type: String?
      var value: String?
      var deleted: Int?
    }
    var title: String?
    var note: String?
    var favorite: Int?
    var trashed: Int?
    var folders: [String]?
    var fields: [Field]?
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let export: Export
    do {
      export = try JSONTapeDecoder().decode(Export.self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not an Enpass JSON export (an object with an items list)")
    }
    let folderPaths = Self.folderPaths(export.folders ?? [])
    var trashed = 0
    var result = LoginItem.read(export.items.map(\.result), file: input.name, badItem: EnpassCode.badItem) { item in
      if item.trashed == 1 {
        trashed += 1
        return nil
      }
      let fields = (item.fields ?? []).filter { $0.deleted != 1 }
      func first(_ types: Set<String>) -> String {
        fields.first { types.contains($0.type ?? "") && !($0.value ?? "").trimmingWhitespace().isEmpty }?.value ?? ""
      }
      let url = first(["url"])
      // An item with several one-time-code fields gives an account each.
      let codes = fields.filter { $0.type == "totp" }.compactMap(\.value).map(Self.normalised).filter { !$0.isEmpty }
      let login = LoginItem(
        title: item.title ?? "", username: first(["username", "email"]), urls: url.isEmpty ? [] : [url], note: item.note ?? "",
        favorite: item.favorite == 1, groups: (item.folders ?? []).compactMap { folderPaths[$0] }.prefix(1).map { $0 })
      return codes.isEmpty
        ? [login]
        : codes.map { code in
          var withCode = login
          withCode.otp = code
          return withCode
        }
    }
    if let finding = LoginItem.inTrash(trashed, file: input.name, code: EnpassCode.trashed, app: "Enpass") {
      result.findings.append(finding)
    }
    return result
  }

  /// Each folder's path from the top ("Work/Sub"), following `parent_uuid` (at most 32 levels, so
  /// that a loop of parents ends).
  static func folderPaths(_ folders: [Lenient<Export.Folder>]) -> [String: String] {
    var byUUID: [String: Export.Folder] = [:]
    for case .success(let folder) in folders.map(\.result) {
      if let uuid = folder.uuid { byUUID[uuid] = folder }
    }
    var paths: [String: String] = [:]
    for (uuid, folder) in byUUID {
      var names = [folder.title ?? ""]
      var parent = folder.parentUUID
      while let next = parent, !next.isEmpty, let above = byUUID[next], names.count < 32 {
        names.insert(above.title ?? "", at: 0)
        parent = above.parentUUID
      }
      let path = names.filter { !$0.isEmpty }.joined(separator: "/")
      if !path.isEmpty { paths[uuid] = path }
    }
    return paths
  }

  /// Enpass keeps a secret as typed: "qg4r pwyf 4t23" in lower case with spaces.
  static func normalised(_ text: String) -> String {
    let trimmed = text.trimmingWhitespace()
    guard !trimmed.contains("://") else { return trimmed }
    return trimmed.filter { !$0.isWhitespace }.uppercased()
  }
}

/// The findings of the Enpass reader (docs/audit.md lists their meanings).
enum EnpassCode: String, FindingCode {
  case badItem = "ENPASS_BAD_ITEM"
  case trashed = "ENPASS_TRASHED_SKIPPED"
}
