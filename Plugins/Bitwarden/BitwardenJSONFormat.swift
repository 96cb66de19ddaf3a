import Foundation
import LoginItems
import OTPCore
import OTPCrypto
import OTPJSON

/// Bitwarden's JSON export (formats.md §4.2–§4.4), plain or password-protected, read and written.
/// The account-restricted export (§4.3) is encrypted with the Bitwarden account's own key and is
/// refused with the way to export a readable file instead.
public struct BitwardenJSONFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "bitwarden-json",
    displayName: "Bitwarden JSON",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: BitwardenItems.capabilities,
    summary: "Bitwarden JSON export, plain or password-protected (PBKDF2 or Argon2id); TOTP and Steam.",
    findingCodes: BitwardenCode.codes)

  /// Bitwarden's default for password-protected exports (formats.md §4.4).
  static let writtenIterations = 600_000

  public func sniff(_ input: InputFile) -> SniffConfidence {
    // Password-protected: `encKeyValidation_DO_NOT_EDIT` beside `data`, which may come first and be
    // large; plain: `encrypted` and `items`, whose items have a `login` or at least a `type`.
    guard let outline = input.jsonOutline, outline.root == .object else { return .no }
    if outline.has("encKeyValidation_DO_NOT_EDIT") { return .certain }
    guard outline.members["items"]?.kind == .array else { return .no }
    if outline.has("encrypted") { return .certain }
    return outline.names(in: "items").isDisjoint(with: ["login", "type"]) ? .no : .likely
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    var export = try Self.decode(input.bytes, file: input.name)
    var weakKDF: Finding?
    if export.encrypted == true {
      guard export.passwordProtected == true else {
        throw OTPError.cannotOpen(
          file: input.name,
          reason:
            "this is an account-restricted Bitwarden export: it is encrypted with your Bitwarden account's key and only that account can open it. In Bitwarden, export again with File format \".json (Encrypted)\" and Export type \"Password protected\", or as plain \".json\", and read that file"
        )
      }
      let plaintext = try Self.decrypt(export, file: input.name, context: context)
      weakKDF = Self.weakKDF(export, file: input.name)
      export = try Self.decode(plaintext, file: input.name)
      guard export.encrypted != true else {
        throw OTPError.corrupted(file: input.name, place: "data", reason: "the decrypted data is itself encrypted")
      }
    }
    // Other apps' JSON decodes to an export with nothing in it; Bitwarden always writes "items".
    guard export.items != nil else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "no \"items\" list: not a Bitwarden export")
    }
    var result = Self.accounts(of: export, file: input.name)
    if let weakKDF { result.findings.append(weakKDF) }
    return result
  }

  /// A warning when the export's key derivation is cheaper than Bitwarden's current defaults
  /// (PBKDF2 600,000 iterations; Argon2id 3 passes, 64 MiB, 4 lanes), for the audit.
  static func weakKDF(_ export: ExportFile, file: String) -> Finding? {
    let iterations = export.kdfIterations ?? 0
    let weaker: String?
    switch export.kdfType {
    case 0 where iterations < writtenIterations:
      weaker = "PBKDF2 with \(iterations) iterations (Bitwarden now uses \(writtenIterations))"
    case 1 where iterations < 3 || (export.kdfMemory ?? 64) < 64 || (export.kdfParallelism ?? 4) < 4:
      weaker =
        "Argon2id with \(iterations) passes, \(export.kdfMemory ?? 64) MiB, \(export.kdfParallelism ?? 4) lanes (Bitwarden now uses 3, 64 MiB, 4)"
    default:
      weaker = nil
    }
    return weaker.map {
      Finding(
        .warning, code: CoreCode.kdfWeakerThanDefault, "the export's password is stretched with \($0): easier to guess offline",
        at: Origin(file: file, place: .whole), remedy: "Export again from a current Bitwarden, or keep this file somewhere safe.")
    }
  }

  static func accounts(of export: ExportFile, file: String) -> ReadResult {
    var groupNames: [String: String] = [:]
    for named in (export.folders ?? []) + (export.collections ?? []) {
      if let id = named.id, let name = named.name { groupNames[id] = name }
    }
    var result = ReadResult(accounts: [], findings: [LoginItem.passwordsNotRead(file: file)])
    var withoutOTP = 0
    for (index, entry) in (export.items ?? []).enumerated() {
      let groupIDs = [entry.folderId] + (entry.collectionIds ?? [])
      let item = LoginItem(
        title: entry.name ?? "", username: entry.login?.username ?? "",
        urls: (entry.login?.uris ?? []).compactMap(\.uri).filter { !$0.isEmpty }, otp: entry.login?.totp ?? "",
        note: entry.notes ?? "", favorite: entry.favorite ?? false,
        groups: groupIDs.compactMap { $0.flatMap { groupNames[$0] } })
      let origin = Origin(file: file, place: .entry(index + 1))
      if !BitwardenItems.read(item, origin: origin, into: &result) { withoutOTP += 1 }
    }
    if let finding = LoginItem.itemsWithoutOTP(withoutOTP, file: file) { result.findings.append(finding) }
    return result
  }

  /// The plain JSON inside a password-protected export. The MAC of the validation value is checked
  /// first: a mismatch there means the password is wrong; anything wrong after it is damage.
  static func decrypt(_ export: ExportFile, file: String, context: ReadContext) throws -> [UInt8] {
    guard let salt = export.salt, let validationText = export.encKeyValidation, let dataText = export.data,
      let iterations = export.kdfIterations
    else {
      throw OTPError.corrupted(
        file: file, place: nil, reason: "a password-protected export without its salt, KDF settings, validation value or data")
    }
    let kdf: BitwardenKeys.KDF
    switch export.kdfType {
    case 0:
      guard iterations >= 1 else {
        throw OTPError.corrupted(file: file, place: "kdfIterations", reason: "\(iterations) PBKDF2 iterations")
      }
      try context.limits.checkPBKDF2(iterations: iterations, file: file, place: "kdfIterations")
      kdf = .pbkdf2(iterations: iterations)
    case 1:
      let memory = export.kdfMemory ?? 64, parallelism = export.kdfParallelism ?? 4
      guard iterations >= 1, memory >= 1, (1...64).contains(parallelism) else {
        throw OTPError.corrupted(
          file: file, place: "kdfIterations",
          reason:
            "Argon2id settings no Bitwarden client makes (kdfIterations \(iterations), kdfMemory \(memory) MiB, kdfParallelism \(parallelism))"
        )
      }
      let (memoryKiB, overflow) = memory.multipliedReportingOverflow(by: 1024)
      try context.limits.checkArgon2(
        memoryKiB: overflow ? Int.max : memoryKiB, passes: iterations, file: file, memoryName: "kdfMemory",
        passesName: "kdfIterations")
      kdf = .argon2id(iterations: iterations, memoryMiB: memory, parallelism: parallelism)
    default:
      throw OTPError.unsupportedVersion(
        file: file, version: "kdfType \(export.kdfType.map(String.init) ?? "missing")",
        supported: "kdfType 0 (PBKDF2-SHA256) and 1 (Argon2id)")
    }
    let validation = try encString(validationText, file: file, place: "encKeyValidation_DO_NOT_EDIT")
    let data = try encString(dataText, file: file, place: "data")
    guard let password = try context.password.password(for: file) else { throw OTPError.passwordRequired(file: file) }
    let keys = try BitwardenKeys(password: password, salt: salt, kdf: kdf)
    guard keys.authenticates(validation) else { throw OTPError.wrongPassword(file: file) }
    guard keys.authenticates(data) else {
      throw OTPError.corrupted(file: file, place: "data", reason: "the data's MAC does not match, though the password is right")
    }
    do {
      return try keys.decrypt(data)
    } catch {
      throw OTPError.corrupted(file: file, place: "data", reason: "the data does not decrypt to padded text")
    }
  }

  static func encString(_ text: String, file: String, place: String) throws -> BitwardenKeys.EncString {
    do {
      return try BitwardenKeys.EncString(parsing: text)
    } catch .unsupportedType(let type) {
      throw OTPError.unsupportedVersion(
        file: file, version: "EncString type \(type)", supported: "type 2 (AES-256-CBC with HMAC-SHA256)")
    } catch {
      throw OTPError.corrupted(
        file: file, place: place, reason: "not an EncString \"2.iv|data|mac\" with a 16-byte IV and a 32-byte MAC")
    }
  }

  static func decode(_ bytes: [UInt8], file: String) throws -> ExportFile {
    do {
      return try JSONTapeDecoder().decode(ExportFile.self, from: bytes)
    } catch {
      throw OTPError.corrupted(file: file, place: nil, reason: "not JSON in the shape of a Bitwarden export")
    }
  }

  /// Plain JSON, or with a new password the password-protected form with PBKDF2-SHA256 at
  /// Bitwarden's default 600 000 iterations.
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var findings: [Finding] = []
    var folders: [Named] = []
    var folderIDs: [String: String] = [:]
    var items: [Item] = []
    for account in accounts {
      let (item, notes) = BitwardenItems.item(for: account, origin: account.origin)
      findings += notes
      var folderID: String?
      if let group = item.groups.first {
        if let known = folderIDs[group] {
          folderID = known
        } else {
          folderID = Cipher.randomUUID()
          folderIDs[group] = folderID
          folders.append(Named(id: folderID, name: group))
        }
      }
      let login = Login(
        uris: item.urls.isEmpty ? nil : item.urls.map { LoginURI(uri: $0) },
        username: item.username.isEmpty ? nil : item.username,
        totp: item.otp)
      items.append(
        Item(
          id: Cipher.randomUUID(), folderId: folderID, type: 1, reprompt: 0, name: item.title,
          notes: item.note.isEmpty ? nil : item.note, favorite: item.favorite, login: login))
    }
    let export = ExportFile(encrypted: false, folders: folders, items: items)
    guard let password = try context.newPassword.password(for: context.outputName), !password.isEmpty else {
      return WriteResult(bytes: try Self.encode(export), findings: findings)
    }
    // Encrypted, the export's layout is seen by no one: compact and in field order is fastest.
    let plain = try JSONStreamEncoder().encode(export)
    let salt = Data(Cipher.randomBytes(16)).base64EncodedString()
    let keys = try BitwardenKeys(password: password, salt: salt, kdf: .pbkdf2(iterations: Self.writtenIterations))
    let envelope = ExportFile(
      encrypted: true, passwordProtected: true, salt: salt, kdfType: 0, kdfIterations: Self.writtenIterations,
      encKeyValidation: try keys.encrypt(Array(Cipher.randomUUID().utf8)).text, data: try keys.encrypt(plain).text)
    return WriteResult(bytes: try Self.encode(envelope), findings: findings)
  }

  /// Readable: indented as Bitwarden writes it, with keys sorted so the same accounts give the same
  /// text (the bytes of `JSONEncoder` with `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes`).
  static func encode(_ export: ExportFile) throws -> [UInt8] {
    try JSONStreamEncoder(prettyPrinted: true, sortedKeys: true).encode(export)
  }

  // The JSON shapes of formats.md §4.2 and §4.4, as far as otpbridge reads and writes them.

  struct ExportFile: Codable {
    var encrypted: Bool?
    var passwordProtected: Bool?
    var salt: String?
    var kdfType: Int?
    var kdfIterations: Int?
    var kdfMemory: Int?
    var kdfParallelism: Int?
    var encKeyValidation: String?
    var data: String?
    var folders: [Named]?
    var collections: [Named]?
    var items: [Item]?

    // Each type's keys in name order, the order the sorted file shows them in: the encoder then
    // has nothing to reorder.
    enum CodingKeys: String, CodingKey {
      case collections, data
      case encKeyValidation = "encKeyValidation_DO_NOT_EDIT"
      case encrypted, folders, items, kdfIterations, kdfMemory, kdfParallelism, kdfType, passwordProtected, salt
    }
  }

  struct Named: Codable {
    var id: String?
    var name: String?
  }

  // Items are written with every key Bitwarden's own export writes, null where it writes null
  // (`organizationId`, `collectionIds`, an empty `folderId`, `notes`, `login.password`, …), as
  // other importers expect: pass-import refuses items without `folderId` (docs/formats/bitwarden-json.md).

  struct Item: Codable {
    var id: String?
    var organizationId: String?
    var folderId: String?
    var collectionIds: [String?]?
    var type: Int?
    var reprompt: Int?
    var name: String?
    var notes: String?
    var favorite: Bool?
    var login: Login?

    enum CodingKeys: String, CodingKey {
      case collectionIds, favorite, folderId, id, login, name, notes, organizationId, reprompt, type
    }

    func encode(to encoder: any Encoder) throws {
      var keys = encoder.container(keyedBy: CodingKeys.self)
      try keys.encode(collectionIds, forKey: .collectionIds)
      try keys.encode(favorite, forKey: .favorite)
      try keys.encode(folderId, forKey: .folderId)
      try keys.encode(id, forKey: .id)
      try keys.encode(login, forKey: .login)
      try keys.encode(name, forKey: .name)
      try keys.encode(notes, forKey: .notes)
      try keys.encode(organizationId, forKey: .organizationId)
      try keys.encode(reprompt, forKey: .reprompt)
      try keys.encode(type, forKey: .type)
    }
  }

  struct Login: Codable {
    var uris: [LoginURI]?
    var username: String?
    /// Never written: otpbridge holds no passwords, and Bitwarden writes null for none.
    var password: String?
    var totp: String?

    enum CodingKeys: String, CodingKey {
      case password, totp, uris, username
    }

    func encode(to encoder: any Encoder) throws {
      var keys = encoder.container(keyedBy: CodingKeys.self)
      try keys.encode(password, forKey: .password)
      try keys.encode(totp, forKey: .totp)
      try keys.encode(uris, forKey: .uris)
      try keys.encode(username, forKey: .username)
    }
  }

  struct LoginURI: Codable {
    /// How Bitwarden matches the address; null for its default, as its exports write it.
    var match: Int?
    var uri: String?

    func encode(to encoder: any Encoder) throws {
      var keys = encoder.container(keyedBy: CodingKeys.self)
      try keys.encode(match, forKey: .match)
      try keys.encode(uri, forKey: .uri)
    }
  }
}
