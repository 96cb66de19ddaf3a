import Foundation
import LoginItems
import OTPContainers
import OTPCore
import OTPCrypto
import OTPJSON

/// Proton Pass's export: `Proton Pass/data.json` inside the zip Proton Pass writes (the archive
/// reader opens the zip), `{"version", "userId", "encrypted", "vaults": {shareId: {"name",
/// "items": [...]}}}`. A login item's `data.content.totpUri` is its one-time password (an otpauth
/// URI, sometimes a bare secret), and each of `data.extraFields` of type "totp" another
/// (`data.totpUri`); `data.metadata` gives the name and note, `content.itemUsername`,
/// `itemEmail` (or, before 1.18, `username`) the user, `content.urls` the websites, the vault's
/// name the group. Trashed items (`state` 2) are not read. The PGP-encrypted export (the whole
/// zip armoured, or `Proton Pass/data.pgp` inside it) is decrypted with the password through RNP.
///
/// Written as Proton Pass imports its own export (its importer opens `Proton Pass/data.pgp`, asking
/// for the passphrase, or else `Proton Pass/data.json` in a zip, and makes a new vault of each
/// vault): one login item an account, its otpauth URI in `totpUri` (Proton Pass makes codes only
/// from a whole URI), one vault a group.
public struct ProtonPassFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "proton-pass",
    displayName: "Proton Pass export",
    fileExtensions: ["zip", "json", "pgp"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    // Proton Pass makes TOTP codes from the URI (OTPAuth.js: SHA-1/256/512); Steam and HOTP it does not.
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1, .sha256, .sha512], digits: 1...10, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .note, .favorite, .groups, .extraParameters], text: .noControlCharacters),
    summary: "Proton Pass's export and import (the zip's Proton Pass/data.json, or data.pgp with a password).",
    findingCodes: ProtonPassCode.codes)

  /// The armour of Proton Pass's PGP-encrypted export (the whole export, or `data.pgp` in its zip).
  static let pgpArmour = "-----BEGIN PGP MESSAGE-----"

  /// The members of the zip Proton Pass exports and imports.
  static let jsonMember = "Proton Pass/data.json"
  static let pgpMember = "Proton Pass/data.pgp"

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if ZipArchive.firstMemberName(input.bytes)?.hasPrefix("Proton Pass/") == true { return .certain }
    if input.head(64)?.hasPrefix(Self.pgpArmour) == true {
      return input.name.hasSuffix("data.pgp") || input.name.lowercased().contains("proton") ? .certain : .possible
    }
    guard let outline = input.jsonOutline, outline.root == .object, outline.members["vaults"]?.kind == .object else { return .no }
    return outline.has("userId") || outline.has("encrypted") ? .certain : .likely
  }

  struct Export: Decodable {
    struct Vault: Decodable {
      var name: String?
      var items: [Lenient<Item>]?
    }
    var version: String?
    var encrypted: Bool?
    var vaults: [String: Vault]
  }

  struct Item: Decodable {
    struct Data: Decodable {
      struct Metadata: Decodable {
        var name: String?
        var note: String?
      }
      struct Content: Decodable {
        var itemUsername: String?
        var itemEmail: String?
        var username: String?
        var urls: [String]?
        var totpUri: String?
      }
      struct ExtraField: Decodable {
        struct FieldData: Decodable {
          var totpUri: String?
        }
        var type: String?
        var data: FieldData?
      }
      var type: String?
      var metadata: Metadata?
      var content: Content?
      var extraFields: [ExtraField]?
    }
    var state: Int?
    var pinned: Bool?
    var data: Data?
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    if ZipArchive.firstMemberName(input.bytes) != nil { return try readZip(input, context: context) }
    guard input.head(64)?.hasPrefix(Self.pgpArmour) == true else { return try readJSON(input.bytes, file: input.name) }
    // Encrypted: JSON (data.pgp), or the whole export's zip (older versions).
    let plain = try Self.decrypt(input, context: context)
    if plain.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
      return try readJSON(plain, file: input.name, decrypted: true)
    }
    let data = try ZipArchive.members(
      of: InputFile(name: input.name, bytes: plain), wanted: { $0.hasSuffix("data.json") }, firstOnly: true, context: context
    ) { _ in
      OTPError.corrupted(file: input.name, place: nil, reason: "the decrypted export is neither JSON nor a zip holding data.json")
    }
    return try readJSON(data[0].bytes, file: input.name, decrypted: true)
  }

  /// The zip Proton Pass writes: its data.pgp when there is one (as Proton Pass's importer does), else data.json.
  func readZip(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let members = try ZipArchive.members(
      of: input, wanted: { $0 == Self.jsonMember || $0 == Self.pgpMember }, context: context
    ) { _ in
      OTPError.corrupted(file: input.name, place: nil, reason: "a zip without \(Self.jsonMember): not a Proton Pass export")
    }
    if let encrypted = members.first(where: { $0.name == Self.pgpMember }) {
      return try read(InputFile(name: input.name, bytes: encrypted.bytes), context: context)
    }
    guard let plain = members.first else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "a zip without \(Self.jsonMember): not a Proton Pass export")
    }
    return try readJSON(plain.bytes, file: input.name)
  }

  static func decrypt(_ input: InputFile, context: ReadContext) throws -> [UInt8] {
    guard let password = try context.password.password(for: input.name) else { throw OTPError.passwordRequired(file: input.name) }
    let limit = context.budgetedLimits.decompressedBytes
    do {
      let plain = try OpenPGP.decrypt(input.bytes, password: password, limit: limit)
      context.budget?.spend(decompressedBytes: plain.count)
      return plain
    } catch .wrongPassword {
      throw OTPError.wrongPassword(file: input.name)
    } catch .tooLarge {
      throw Limits.refusal(
        file: input.name, place: nil, parameter: "the decrypted export", value: "larger than \(limit >> 20) MiB",
        limit: "\(limit >> 20) MiB")
    } catch .malformed(let reason) {
      throw OTPError.corrupted(file: input.name, place: nil, reason: reason)
    }
  }

  func readJSON(_ bytes: [UInt8], file: String, decrypted: Bool = false) throws -> ReadResult {
    let input = InputFile(name: file, bytes: bytes)
    let export: Export
    do {
      export = try JSONTapeDecoder().decode(Export.self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a Proton Pass export (an object of vaults)")
    }
    // A plain data.json that says it is encrypted is the inside of an encrypted export, taken out.
    if export.encrypted == true, export.vaults.isEmpty, !decrypted {
      throw OTPError.corrupted(
        file: file, place: nil, reason: "it says it is encrypted but holds no vault (the encrypted export is a .pgp file)")
    }
    // Items across vaults in a stable order, numbered as read; a login with several TOTP fields
    // gives an item each.
    let elements = export.vaults.sorted { $0.key < $1.key }.flatMap { _, vault in
      (vault.items ?? []).map { $0.result.map { (item: $0, vault: vault.name) } }
    }
    var trashed = 0
    var result = LoginItem.read(elements, file: input.name, badItem: ProtonPassCode.badItem) { item, vaultName in
      guard item.state != 2 else {
        trashed += 1
        return nil
      }
      // Any item may carry TOTP fields (custom items, identities); a login has its own TOTP too.
      guard let data = item.data else { return [] }
      let content = data.content
      let user = [content?.itemUsername, content?.itemEmail, content?.username].compactMap { $0 }.first { !$0.isEmpty } ?? ""
      let vault = vaultName.map { [$0] } ?? []
      func login(otp: String) -> LoginItem {
        LoginItem(
          title: data.metadata?.name ?? "", username: user, urls: content?.urls ?? [], otp: otp,
          note: data.metadata?.note ?? "", favorite: item.pinned ?? false, groups: vault)
      }
      let fields = (data.extraFields ?? []).filter { $0.type == "totp" }.compactMap { $0.data?.totpUri }
        .filter { !$0.trimmingWhitespace().isEmpty }
      let own = content?.totpUri ?? ""
      let all = own.trimmingWhitespace().isEmpty ? fields : [own] + fields
      if all.isEmpty { return data.type == nil || data.type == "login" ? [login(otp: "")] : [] }
      return all.map(login)
    }
    if let finding = LoginItem.inTrash(trashed, file: input.name, code: ProtonPassCode.trashed, app: "Proton Pass") {
      result.findings.append(finding)
    }
    return result
  }
}

extension ProtonPassFormat {
  /// The export as Proton Pass's importer reads it: every member its reader or its item encoder
  /// looks up is present (an empty text rather than none).
  struct Written: Encodable {
    struct Vault: Encodable {
      var name: String
      var description = ""
      var display = ["color": 0, "icon": 0]
      var items: [Item]
    }
    struct Item: Encodable {
      struct Content: Encodable {
        var itemEmail: String
        var itemUsername: String
        var password = ""
        var urls: [String]
        var totpUri: String
        var passkeys: [String] = []
      }
      struct Data: Encodable {
        var type = "login"
        var metadata: [String: String]
        var content: Content
        var extraFields: [String] = []
      }
      var itemId: String
      var shareId: String
      var data: Data
      var state = 1
      var aliasEmail: String? = nil
      var contentFormatVersion = 1
      var createTime: Int
      var modifyTime: Int
      var pinned: Bool
      var shareCount = 0
      var files: [String] = []

      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(itemId, forKey: .itemId)
        try container.encode(shareId, forKey: .shareId)
        try container.encode(data, forKey: .data)
        try container.encode(state, forKey: .state)
        try container.encode(aliasEmail, forKey: .aliasEmail)  // null, as Proton Pass writes it
        try container.encode(contentFormatVersion, forKey: .contentFormatVersion)
        try container.encode(createTime, forKey: .createTime)
        try container.encode(modifyTime, forKey: .modifyTime)
        try container.encode(pinned, forKey: .pinned)
        try container.encode(shareCount, forKey: .shareCount)
        try container.encode(files, forKey: .files)
      }
      enum CodingKeys: String, CodingKey {
        case itemId, shareId, data, state, aliasEmail, contentFormatVersion, createTime, modifyTime, pinned, shareCount, files
      }
    }
    /// Proton Pass moves a 1.17 export's `username` to `itemEmail`; 1.18 on keep both as written.
    var version = "1.20.0"
    var userId = ""
    var encrypted: Bool
    var vaults: [String: Vault]
  }

  /// The vault of accounts without a group.
  static let defaultVault = "Imported"

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var findings: [Finding] = []
    let now = Int(Date().timeIntervalSince1970)
    var vaults: [String: Written.Vault] = [:]
    var keys: [String: String] = [:]  // vault name → share id, in order of first use
    for (index, account) in accounts.enumerated() {
      let item = LoginItem(account: account, urlSlots: .max)
      if let finding = LoginItem.oneGroup(account, code: ProtonPassCode.oneGroup, entry: "a Proton Pass item") {
        findings.append(finding)
      }
      let vaultName = item.groups.first ?? Self.defaultVault
      let key = keys[vaultName] ?? String(format: "vault-%06d", keys.count + 1)
      keys[vaultName] = key
      // Proton Pass keeps an email apart from a username since 1.18.
      let isEmail = item.username.contains("@") && !item.username.contains(where: \.isWhitespace)
      let written = Written.Item(
        itemId: "item-\(index + 1)", shareId: key,
        data: .init(
          metadata: ["name": item.title, "note": item.note, "itemUuid": String(format: "%08x", index + 1)],
          content: .init(
            itemEmail: isEmail ? item.username : "", itemUsername: isEmail ? "" : item.username, urls: item.urls,
            totpUri: item.otp)),
        createTime: now, modifyTime: now, pinned: item.favorite)
      vaults[key, default: Written.Vault(name: vaultName, items: [])].items.append(written)
    }
    let password = try context.newPassword.password(for: context.outputName)
    let json = try JSONStreamEncoder(prettyPrinted: true, sortedKeys: true).encode(
      Written(encrypted: password != nil, vaults: vaults))
    let member: (name: String, bytes: [UInt8])
    if let password {
      guard !password.isEmpty else { throw OTPError.invalidArgument("an empty password cannot encrypt a Proton Pass export") }
      do {
        member = (Self.pgpMember, try OpenPGP.encrypt(json, password: password))
      } catch {
        throw OTPError.writeFailed(path: context.outputName, reason: "\(error)")
      }
    } else {
      member = (Self.jsonMember, json)
    }
    let zip = try ZipArchive.write(members: [member], password: "", encryption: .none)
    return WriteResult(bytes: zip, findings: findings)
  }
}

/// The findings of the Proton Pass reader and writer (docs/audit.md lists their meanings).
enum ProtonPassCode: String, FindingCode {
  case badItem = "PROTON_PASS_BAD_ITEM"
  case trashed = "PROTON_PASS_TRASHED_SKIPPED"
  case oneGroup = "PROTON_PASS_ONE_GROUP"
}
