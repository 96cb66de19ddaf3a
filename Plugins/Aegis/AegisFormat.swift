import Foundation
import OTPCore
import OTPJSON

/// An Aegis Authenticator vault export (formats.md §5), plain or encrypted with a password.
/// Reads vault version 1 with database versions 1 to 3; writes database version 3, encrypted with
/// one password slot when a new password is given.
public struct AegisFormat: EntryWriting {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "aegis",
    displayName: "Aegis vault",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: Set(OTPKind.allCases),
      algorithms: [.sha1, .sha256, .sha512],
      digits: 1...10,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .counter, .pin, .note, .favorite, .groups, .icon]),
    summary: "Aegis Authenticator's vault export, plain or encrypted with a password (scrypt, AES-256-GCM).",
    findingCodes: AegisCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    // `{"version", "header": {"slots", "params"}, "db"}`, in any order (sorted files put `db` first).
    guard let outline = input.jsonOutline, outline.root == .object else { return .no }
    return outline.names(in: "header").contains("slots") && outline.has("db") ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let vault = try decode(AegisVault.self, from: input.bytes, file: input.name, place: nil)
    switch vault.db {
    case .plain(let database):
      guard vault.header.slots == nil, vault.header.params == nil else {
        throw OTPError.corrupted(
          file: input.name, place: "header", reason: "the header has key slots but the database is not encrypted")
      }
      return AegisEntries.read(database, file: input.name)
    case .encrypted(let base64):
      guard let password = try context.password.password(for: input.name) else {
        throw OTPError.passwordRequired(file: input.name)
      }
      let masterKey = try AegisCrypto.unlock(vault.header, password: password, limits: context.limits, file: input.name)
      let content = try AegisCrypto.openDatabase(
        base64, params: vault.header.params, masterKey: masterKey, file: input.name)
      let database = try decode(AegisDatabase.self, from: content, file: input.name, place: "decrypted db")
      var result = AegisEntries.read(database, file: input.name)
      // Password slots cheaper than Aegis's own scrypt (N=2^15, r=8, p=1), for the audit.
      for slot in vault.header.slots ?? [] where slot.type == AegisSlot.passwordType {
        let n = slot.n ?? 0, r = slot.r ?? 0, p = slot.p ?? 0
        if n < AegisCrypto.scryptN || r < AegisCrypto.scryptR || p < AegisCrypto.scryptP {
          result.findings.append(
            Finding(
              .warning, code: CoreCode.kdfWeakerThanDefault,
              "a password slot is stretched with scrypt N=\(n), r=\(r), p=\(p), cheaper than Aegis's N=32768, r=8, p=1: easier to guess offline",
              at: Origin(file: input.name, place: .whole),
              remedy: "Set the vault's password again in a current Aegis to re-create the slot."))
        }
      }
      return result
    }
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    if let password = try context.newPassword.password(for: context.outputName) {
      var findings: [Finding] = []
      let database = AegisEntries.database(for: accounts, findings: &findings)
      // Encrypted, the database's layout is seen by no one: compact and in field order is fastest.
      let sealed = try AegisCrypto.seal(database: try JSONStreamEncoder().encode(database), password: password)
      let vault = AegisWrittenVault(db: sealed.db, header: sealed.header)
      return WriteResult(bytes: try Self.encoder().encode(vault), findings: findings)
    }
    guard !accounts.isEmpty else {
      let database = AegisWrittenDatabase(entries: [AegisWrittenEntry](), groups: [])
      return WriteResult(bytes: try Self.encoder().encode(AegisWrittenVault(db: database, header: Self.plainHeader)))
    }
    return try Entries(accounts).document(accounts[...])
  }

  /// Plain only: an encrypted database is sealed whole.
  public func writesInParts(context: WriteContext) throws -> Bool {
    try context.newPassword.password(for: context.outputName) == nil
  }

  public func entryWriter(for accounts: some Sequence<Account>, context: WriteContext) throws -> any EntryWriter {
    try Entries(accounts)
  }

  static let plainHeader = AegisHeader(slots: nil, params: nil)

  /// A plain vault's entries, each with a new UUID, between the rest of the vault; the groups of
  /// all the accounts are listed at the end.
  struct Entries: EntryWriter {
    let groupIDs: [String: String]
    let frame: JSONFrame
    var head: [UInt8] { frame.head }
    var separator: [UInt8] { frame.separator }
    var tail: [UInt8] { frame.tail }

    init(_ accounts: some Sequence<Account>) throws {
      let (groups, ids) = AegisEntries.groups(for: accounts)
      groupIDs = ids
      let database = AegisWrittenDatabase(entries: JSONElementsPlaceholder(), groups: groups)
      frame = try AegisFormat.encoder().frame(of: AegisWrittenVault(db: database, header: AegisFormat.plainHeader))
    }

    func writeEntries(_ accounts: ArraySlice<Account>, to bytes: inout [UInt8], findings: inout [Finding]) throws {
      let encoder = AegisFormat.encoder()
      for index in accounts.indices {
        if index > accounts.startIndex { bytes += frame.separator }
        let entry = AegisEntries.entry(for: accounts[index], groupIDs: groupIDs, findings: &findings)
        try encoder.encode(entry, appendingTo: &bytes, indent: frame.indent)
      }
    }
  }

  /// Readable: indented, with keys sorted so that the same accounts give the same text (the bytes
  /// `JSONEncoder` with `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes` writes).
  static func encoder() -> JSONStreamEncoder {
    JSONStreamEncoder(prettyPrinted: true, sortedKeys: true)
  }

  /// Decodes the vault or its database, telling an unknown version from damage.
  func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], file: String, place: String?) throws -> Value {
    do {
      return try JSONTapeDecoder().decode(type, from: bytes)
    } catch AegisVersionFailure.vault(let version) {
      throw OTPError.unsupportedVersion(file: file, version: String(version), supported: "vault version 1")
    } catch AegisVersionFailure.database(let version) {
      throw OTPError.unsupportedVersion(file: file, version: "db \(version)", supported: "db versions 1 to 3")
    } catch let error as DecodingError {
      throw OTPError.corrupted(file: file, place: place, reason: "not an Aegis vault: \(error.summary())")
    }
  }
}
