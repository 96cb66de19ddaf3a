import Foundation
import LoginItems
import OTPCore
import OTPJSON

/// Keeper's JSON export (the web vault's and Keeper Commander's): `{"shared_folders": [...],
/// "records": [...]}`, each record with `title`, `login`, `login_url`, `notes`, `folders` and
/// `custom_fields`, where the one-time password is an otpauth URI under `$oneTimeCode` (the web
/// vault writes `$oneTimeCode::1`; older exports `TFC:Keeper`), as Keeper's JSON import documents
/// and Bitwarden's and Proton Pass's importers read. Folder paths use backslashes. Written as
/// Keeper's import takes it: one login record per account, its otpauth URI under `$oneTimeCode`.
public struct KeeperFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "keeper",
    displayName: "Keeper JSON export",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    // Keeper makes TOTP codes from the URI (SHA-1/256/512); Steam, HOTP, mOTP and Yandex it does not.
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1, .sha256, .sha512], digits: 6...8, periods: .range(1...86_400),
      fields: [.issuer, .name, .labelIssuer, .note, .groups, .extraParameters], text: .noControlCharacters),
    summary: "Keeper's JSON export and import: each record's $oneTimeCode.",
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

  struct WrittenExport: Encodable {
    struct Record: Encodable {
      struct Folder: Encodable { var folder: String }
      var title: String
      var login: String
      var password = ""
      var loginURL: String
      var notes: String
      var type = "login"
      var folders: [Folder]?
      var customFields: [String: String]

      enum CodingKeys: String, CodingKey {
        case title, login, password, notes, folders
        case loginURL = "login_url"
        case type = "$type"
        case customFields = "custom_fields"
      }
    }
    var sharedFolders: [String] = []
    var records: [Record]

    enum CodingKeys: String, CodingKey {
      case sharedFolders = "shared_folders"
      case records
    }
  }

  /// One login record an account, as Keeper's JSON import documents it; a group's `/` becomes
  /// Keeper's folder separator `\`, and an account in several groups goes to the first.
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var findings: [Finding] = []
    let records = accounts.map { account in
      let item = LoginItem(account: account, urlSlots: 1)
      if let finding = LoginItem.oneGroup(account, code: KeeperCode.oneGroup, entry: "a Keeper record") {
        findings.append(finding)
      }
      return WrittenExport.Record(
        title: item.title, login: item.username, loginURL: item.urls.first ?? "", notes: item.note,
        folders: item.groups.first.map { group in
          // Keeper's separator is `\`, and a backslash in a name is doubled.
          [
            .init(
              folder: group.split(separator: "/").map { $0.replacingOccurrences(of: "\\", with: "\\\\") }.joined(separator: "\\"))
          ]
        },
        customFields: ["$oneTimeCode": item.otp])
    }
    let bytes = try JSONStreamEncoder(prettyPrinted: true).encode(WrittenExport(records: records))
    return WriteResult(bytes: bytes, findings: findings)
  }

  /// A record's folder as a group path: the shared folder, then the folder inside it, each with
  /// Keeper's `\` between names and `\\` for a backslash in a name.
  static func path(_ folder: Record.Folder) -> String? {
    let names = [folder.sharedFolder, folder.folder].compactMap { $0 }.flatMap { text in
      text.replacingOccurrences(of: "\\\\", with: "\u{0}").split(separator: "\\").map {
        $0.replacingOccurrences(of: "\u{0}", with: "\\")
      }
    }.filter { !$0.isEmpty }
    return names.isEmpty ? nil : names.joined(separator: "/")
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
      let folder = record.folders?.first.flatMap(Self.path)
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
  case oneGroup = "KEEPER_ONE_GROUP"
}
