import LoginItems
import OTPCore
import OTPJSON

/// Keeper's JSON export (the web vault's and Keeper Commander's): `{"shared_folders": [...],
/// "records": [...]}`, each record with `title`, `login`, `login_url`, `notes`, `folders` and
/// `custom_fields`, where the one-time password is an otpauth URI under `$oneTimeCode` (the web
/// vault writes `$oneTimeCode::1`; older exports `TFC:Keeper`), as Keeper's JSON import documents
/// and Bitwarden's and Proton Pass's importers read. Folder paths use backslashes. Read only
/// (Keeper imports this JSON, but otpbridge does not write it yet).
public struct KeeperFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "keeper",
    displayName: "Keeper JSON export",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp, .steam], algorithms: [.sha1, .sha256, .sha512], digits: 1...10, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .note, .groups, .extraParameters]),
    summary: "Keeper's JSON export: each record's $oneTimeCode.",
    findingCodes: KeeperCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let outline = input.jsonOutline, outline.root == .object, outline.members["records"]?.kind == .array else { return .no }
    let names = outline.names(in: "records")
    guard names.contains("title") else { return .no }
    if outline.has("shared_folders") || names.contains("custom_fields") || names.contains("login_url") { return .certain }
    return .likely
  }

  struct Export: Decodable {
    var records: [Lenient<Record>]
  }

  /// A custom field's value: text, or a list of texts (several one-time codes), or anything else.
  struct Value: Decodable {
    var texts: [String]
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        texts = [text]
      } else if let list = try? container.decode([String].self) {
        texts = list
      } else {
        texts = []
      }
    }
  }

  struct Record: Decodable {
    struct Folder: Decodable {
      var folder: String?
      var sharedFolder: String?

      enum CodingKeys: String, CodingKey {
        case folder
        case sharedFolder = "shared_folder"
      }
    }
    var title: String?
    var login: String?
    var loginURL: String?
    var notes: String?
    var folders: [Folder]?
    var customFields: [String: Value]?

    enum CodingKeys: String, CodingKey {
      case title, login, notes, folders
      case loginURL = "login_url"
      case customFields = "custom_fields"
    }
  }

  /// Whether a custom field's key names the one-time password.
  static func isOneTimeCode(_ key: String) -> Bool {
    key.hasPrefix("$oneTimeCode") || key == "TFC:Keeper"
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let export: Export
    do {
      export = try JSONTapeDecoder().decode(Export.self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a Keeper JSON export (an object with a records list)")
    }
    // A record with several one-time codes gives an item each, all numbered as the record.
    return LoginItem.read(export.records.map(\.result), file: input.name, badItem: KeeperCode.badRecord) { record in
      let codes = (record.customFields ?? [:]).filter { Self.isOneTimeCode($0.key) }.sorted { $0.key < $1.key }
        .flatMap(\.value.texts).filter { !$0.trimmingWhitespace().isEmpty }
      let folder = record.folders?.first.flatMap { $0.folder ?? $0.sharedFolder }?.split(separator: "\\").joined(separator: "/")
      let url = record.loginURL ?? ""
      func login(otp: String) -> LoginItem {
        LoginItem(
          title: record.title ?? "", username: record.login ?? "", urls: url.isEmpty ? [] : [url], otp: otp,
          note: record.notes ?? "", groups: folder.map { [$0] } ?? [])
      }
      return codes.isEmpty ? [login(otp: "")] : codes.map(login)
    }
  }
}

/// The findings of the Keeper reader (docs/audit.md lists their meanings).
enum KeeperCode: String, FindingCode {
  case badRecord = "KEEPER_BAD_RECORD"
}
