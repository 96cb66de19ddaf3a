import LoginItems
import OTPCore
import OTPJSON

/// Proton Pass's export: `Proton Pass/data.json` inside the zip Proton Pass writes (the archive
/// reader opens the zip), `{"version", "userId", "encrypted", "vaults": {shareId: {"name",
/// "items": [...]}}}`. A login item's `data.content.totpUri` is its one-time password (an otpauth
/// URI, sometimes a bare secret), and each of `data.extraFields` of type "totp" another
/// (`data.totpUri`); `data.metadata` gives the name and note, `content.itemUsername`,
/// `itemEmail` (or, before 1.18, `username`) the user, `content.urls` the websites, the vault's
/// name the group. Trashed items (`state` 2) are not read. The PGP-encrypted export is not read
/// yet: export without encryption.
public struct ProtonPassFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "proton-pass",
    displayName: "Proton Pass export (data.json)",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: false,
    encryption: .none,
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
    if input.head(64)?.hasPrefix(Self.pgpArmour) == true { throw Self.encryptedExport(input.name) }
    let export: Export
    do {
      export = try JSONTapeDecoder().decode(Export.self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a Proton Pass export (an object of vaults)")
    }
    if export.encrypted == true, export.vaults.isEmpty { throw Self.encryptedExport(input.name) }
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
  static func encryptedExport(_ file: String) -> OTPError {
    OTPError.unsupportedVersion(
      file: file, version: "a PGP-encrypted Proton Pass export",
      supported: "the unencrypted export (in Proton Pass: Settings, Export, without encryption)")
  }
}

/// The findings of the Proton Pass reader (docs/audit.md lists their meanings).
enum ProtonPassCode: String, FindingCode {
  case badItem = "PROTON_PASS_BAD_ITEM"
  case trashed = "PROTON_PASS_TRASHED_SKIPPED"
}
