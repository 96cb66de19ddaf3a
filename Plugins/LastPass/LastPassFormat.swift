import Foundation
import OTPCore
import OTPJSON

/// LastPass Authenticator's "Export accounts" file: JSON with `accounts` and `folders`, version 3 on
/// Android and 1 on iOS. Read only: the app imports nothing but LastPass's own cloud backup.
///
/// Folder 0 ("Other accounts") and folder 1 ("Favorites") are the app's own and are not groups;
/// an account is a favourite by `isFavorite`. Any other folder becomes the account's one group.
public struct LastPassFormat: FormatPlugin {
  public init() {}

  /// The versions whose layout this reader knows (formats.md §10.4).
  static let knownVersions = 1...3

  public let descriptor = FormatDescriptor(
    id: "lastpass",
    displayName: "LastPass Authenticator export",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1, .sha256, .sha512], digits: 1...10, periods: .range(1...86_400),
      fields: [.issuer, .name, .favorite, .groups]),
    summary: "LastPass Authenticator's 'Export accounts' JSON (Android version 3, iOS version 1); TOTP only.",
    findingCodes: LastPassCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let outline = input.jsonOutline, outline.root == .object, outline.members["accounts"]?.kind == .array else {
      return .no
    }
    // The accounts carry LastPass's own member names; the device members stand beside them.
    let names = outline.names(in: "accounts")
    if names.contains("issuerName") && names.contains("timeStep") { return .certain }
    return outline.has("localDeviceId") && outline.has("deviceName") ? .likely : .no
  }

  /// A whole number the app writes as a number, read also from its digits as text; any other
  /// value is none, so that one odd member loses neither the file nor the account.
  struct Number: Decodable {
    var value: Int?
    init(from decoder: any Decoder) throws {
      let single = try decoder.singleValueContainer()
      value = (try? single.decode(Int.self)) ?? (try? single.decode(String.self)).flatMap { Int($0) }
    }
  }

  struct Export: Decodable {
    struct Folder: Decodable {
      var id: Number?
      var name: String?
    }
    var version: Number?
    var accounts: [Lenient<Entry>]
    var folders: [Lenient<Folder>]?
  }

  struct Entry: Decodable {
    struct FolderData: Decodable {
      var folderId: Number?
    }
    var issuerName: String?
    var originalIssuerName: String?
    var userName: String?
    var originalUserName: String?
    var secret: String?
    var algorithm: String?
    var digits: Number?
    var timeStep: Number?
    var isFavorite: Bool?
    var folderData: FolderData?
  }

  /// The app's own folders, which are not groups.
  static let builtInFolders: Set<Int> = [0, 1]

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let export: Export
    do {
      export = try JSONTapeDecoder().decode(Export.self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(
        file: input.name, place: nil, reason: "not a LastPass Authenticator export (a JSON object with an accounts list)")
    }
    if let version = export.version?.value, !Self.knownVersions.contains(version) {
      throw OTPError.unsupportedVersion(file: input.name, version: String(version), supported: "1 to 3")
    }
    var folderNames: [Int: String] = [:]
    for case .success(let folder) in (export.folders ?? []).map(\.result) {
      guard let id = folder.id?.value, !Self.builtInFolders.contains(id), let name = folder.name, !name.isEmpty else {
        continue
      }
      if folderNames[id] == nil { folderNames[id] = name }
    }
    // One odd account never loses the others.
    return ReadResult(entries: export.accounts, file: input.name, badEntry: LastPassCode.badEntry, noun: "account") {
      entry, origin, warnings in
      var account = try Self.account(entry, origin: origin, warnings: &warnings)
      if let id = entry.folderData?.folderId?.value, let name = folderNames[id] { account.groups = [name] }
      return account
    }
  }

  static func account(_ entry: Entry, origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem) -> Account {
    let decoded = try EntryProblem.base32Secret(entry.secret ?? "", badSecret: LastPassCode.badSecret, warnings: &warnings)
    let algorithmText = entry.algorithm ?? "SHA1"
    guard let algorithm = HashAlgorithm(lenient: algorithmText), algorithm != .md5 else {
      throw EntryProblem(LastPassCode.badAlgorithm, "unknown algorithm \(algorithmText.prefix(32).debugDescription)")
    }
    let digits = entry.digits?.value ?? 6
    let period = entry.timeStep?.value ?? 30
    try EntryProblem.checkParameters(
      kind: .totp, digits: digits, period: period, badDigits: LastPassCode.badDigits, badPeriod: LastPassCode.badPeriod)
    // The edited names are the ones the app shows; the original ones are what the QR code said.
    let issuer = entry.issuerName ?? entry.originalIssuerName ?? ""
    let name = entry.userName ?? entry.originalUserName ?? ""
    return Account(
      kind: .totp, issuer: issuer, name: name, secret: Secret(decoded), algorithm: algorithm, digits: digits,
      period: period, favorite: entry.isFavorite ?? false, origin: origin)
  }
}

/// The findings the LastPass reader reports (docs/audit.md).
enum LastPassCode: String, FindingCode {
  case badAlgorithm = "LASTPASS_BAD_ALGORITHM"
  case badDigits = "LASTPASS_BAD_DIGITS"
  case badEntry = "LASTPASS_BAD_ENTRY"
  case badPeriod = "LASTPASS_BAD_PERIOD"
  case badSecret = "LASTPASS_BAD_SECRET"
}
