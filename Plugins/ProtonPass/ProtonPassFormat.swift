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
public struct ProtonPassFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "proton-pass",
    displayName: "Proton Pass export (data.json)",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: false,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp, .steam], algorithms: [.sha1, .sha256, .sha512], digits: 1...10, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .note, .favorite, .groups, .extraParameters]),
    summary: "Proton Pass's unencrypted export (the zip's Proton Pass/data.json): each login's TOTP and TOTP fields.",
    findingCodes: ProtonPassCode.codes)

  /// The armour of Proton Pass's PGP-encrypted export (the whole export, or `data.pgp` in its zip).
  static let pgpArmour = "-----BEGIN PGP MESSAGE-----"

  public func sniff(_ input: InputFile) -> SniffConfidence {
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
    guard input.head(64)?.hasPrefix(Self.pgpArmour) == true else { return try readJSON(input.bytes, file: input.name) }
    // Encrypted: JSON (data.pgp), or the whole export's zip (older versions).
    let plain = try Self.decrypt(input, context: context)
    if plain.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
      return try readJSON(plain, file: input.name)
    }
    let data = try ZipArchive.members(
      of: InputFile(name: input.name, bytes: plain), wanted: { $0.hasSuffix("data.json") }, firstOnly: true, context: context
    ) { _ in
      OTPError.corrupted(file: input.name, place: nil, reason: "the decrypted export is neither JSON nor a zip holding data.json")
    }
    return try readJSON(data[0].bytes, file: input.name)
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

  func readJSON(_ bytes: [UInt8], file: String) throws -> ReadResult {
    let input = InputFile(name: file, bytes: bytes)
    let export: Export
    do {
      export = try JSONTapeDecoder().decode(Export.self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a Proton Pass export (an object of vaults)")
    }
    if export.encrypted == true, export.vaults.isEmpty {
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

/// The findings of the Proton Pass reader (docs/audit.md lists their meanings).
enum ProtonPassCode: String, FindingCode {
  case badItem = "PROTON_PASS_BAD_ITEM"
  case trashed = "PROTON_PASS_TRASHED_SKIPPED"
}
