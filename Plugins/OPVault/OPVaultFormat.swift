import Foundation
import LoginItems
import OTPCore
import OTPCrypto
import OTPJSON

/// A 1Password OPVault (the folder 1Password 4–7 kept vaults in, `NAME.opvault/default/`), read
/// from its `profile.js` with the `band_*.js` and `folders.js` beside it. One-time passwords are
/// the item fields named `TOTP_…` (an otpauth URI or a bare base32 secret); trashed items and
/// tombstones are not read.
public struct OPVaultFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "opvault",
    displayName: "1Password OPVault",
    fileExtensions: ["js"],
    canRead: true,
    canWrite: false,
    encryption: .required,
    capabilities: LoginItem.readCapabilities(fields: [.issuer, .name, .note, .groups, .extraParameters]),
    summary: "1Password's OPVault folder (1Password 4–7), read from its default/profile.js with the band files beside it.",
    findingCodes: OPVaultCode.codes,
    readFromFolder: "default/profile.js")

  static let profilePrefix = Array("var profile=".utf8)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard input.bytes.starts(with: Self.profilePrefix), let head = input.head(4096) else { return .no }
    return head.contains("\"masterKey\"") || head.contains("\"overviewKey\"") ? .certain : .likely
  }

  struct Profile: Decodable {
    var salt: String
    var iterations: Int
    var masterKey: String
    var overviewKey: String
  }

  /// A flag 1Password writes as `true` or, in some vaults, as `1`.
  struct Flag: Decodable {
    var isSet: Bool
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      isSet = (try? container.decode(Bool.self)) ?? ((try? container.decode(Int.self)) ?? 0 != 0)
    }
  }

  struct Item: Decodable {
    var uuid: String?
    var category: String?
    var folder: String?
    var trashed: Flag?
    var k: String?
    var d: String?
    var o: String?
  }

  struct Details: Decodable {
    struct Field: Decodable {
      var designation: String?
      var value: LenientString?
    }
    struct Section: Decodable {
      struct SectionField: Decodable {
        var n: String?
        var v: LenientString?
      }
      var fields: [SectionField]?
    }
    var fields: [Field]?
    var notesPlain: String?
    var sections: [Section]?
  }

  struct Overview: Decodable {
    var title: String?
    var url: String?
  }

  struct Folder: Decodable {
    var uuid: String?
    var overview: String?
    var trashed: Flag?
  }

  /// A field value: text, a number, or something else (an address is an object), kept as nil.
  struct LenientString: Decodable {
    var text: String?
    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        self.text = text
      } else if let number = try? container.decode(Int.self) {
        self.text = String(number)
      }
    }
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let file = input.name
    let profile = try Self.decode(
      Profile.self, from: Self.unwrap(input.bytes, prefix: "var profile=", suffix: ";"), file: file, place: "profile")
    guard let salt = Data(base64Encoded: profile.salt), let masterBlob = Data(base64Encoded: profile.masterKey),
      let overviewBlob = Data(base64Encoded: profile.overviewKey)
    else { throw OTPError.corrupted(file: file, place: "profile", reason: "the salt or a key is not base64") }
    guard profile.iterations >= 1 else {
      throw OTPError.corrupted(file: file, place: "profile", reason: "the key derivation's iterations are \(profile.iterations)")
    }
    try context.limits.checkPBKDF2(iterations: profile.iterations, file: file, place: "profile iterations")
    let bands = try Self.bands(beside: file, limits: context.limits)
    guard let password = try context.password.password(for: file) else { throw OTPError.passwordRequired(file: file) }
    let derived = OPVaultKeys(
      pair: try KeyDerivation.pbkdf2(
        password: Array(password.utf8), salt: Array(salt), hash: .sha512, rounds: profile.iterations, length: 64))
    let master: OPVaultKeys
    let overview: OPVaultKeys
    do {
      master = try derived.openKeys(opdata: Array(masterBlob))
    } catch .macMismatch {
      throw OTPError.wrongPassword(file: file)
    } catch .malformed(let reason) {
      throw OTPError.corrupted(file: file, place: "profile masterKey", reason: reason)
    }
    do {
      overview = try derived.openKeys(opdata: Array(overviewBlob))
    } catch {
      // The password opened the master key: a failing overview key is damage.
      throw OTPError.corrupted(
        file: file, place: "profile overviewKey", reason: "the overview key does not open: the profile is damaged")
    }
    let folders = Self.folderTitles(beside: file, overview: overview, limits: context.limits)

    var result = ReadResult(accounts: [], findings: [LoginItem.passwordsNotRead(file: file)])
    var withoutOTP = 0, trashed = 0, number = 0
    for (band, bytes) in bands {
      let items = try Self.decode(
        [String: Lenient<Item>].self, from: Self.unwrap(bytes, prefix: "ld(", suffix: ");"), file: file, place: band)
      for (uuid, element) in items.sorted(by: { $0.key < $1.key }) {
        number += 1
        let origin = Origin(file: file, place: .entry(number))
        let which = "\(band), item \(uuid.prefix(32).debugDescription)"
        guard case .success(let item) = element.result else {
          result.findings.append(
            Finding(
              .error, code: OPVaultCode.badItem, "\(which) is not in an OPVault item's shape; the item was skipped", at: origin,
              entrySkipped: true))
          continue
        }
        if item.trashed?.isSet == true || item.category == "099" {
          trashed += 1
          continue
        }
        do {
          let opened = try Self.open(item, master: master, overview: overview)
          if opened.overviewDamaged {
            result.findings.append(
              Finding(
                .warning, code: OPVaultCode.badOverview,
                "\(which): the overview (title and website) does not open; the item was read without them", at: origin))
          }
          let otps = (opened.details.sections ?? []).flatMap { $0.fields ?? [] }.filter { ($0.n ?? "").hasPrefix("TOTP_") }
            .compactMap { $0.v?.text }.filter { !$0.trimmingWhitespace().isEmpty }
          guard !otps.isEmpty else {
            withoutOTP += 1
            continue
          }
          let username = (opened.details.fields ?? []).first { $0.designation == "username" }?.value?.text ?? ""
          for otp in otps {
            let url = opened.overview.url ?? ""
            LoginItem(
              title: opened.overview.title ?? "", username: username, urls: url.isEmpty ? [] : [url], otp: otp,
              note: opened.details.notesPlain ?? "", groups: item.folder.flatMap { folders[$0] }.map { [$0] } ?? []
            ).read(into: &result, at: origin)
          }
        } catch {
          let why =
            switch error as? OPVaultKeys.Failure {
            case .macMismatch: "its MAC does not match: it is damaged"
            case .malformed(let reason): reason
            case nil: "its details are not the JSON of an item"
            }
          result.findings.append(
            Finding(
              .error, code: OPVaultCode.badItem, "\(which) does not open (\(why)); the item was skipped", at: origin,
              entrySkipped: true))
        }
      }
    }
    if let finding = LoginItem.itemsWithoutOTP(withoutOTP, file: file) { result.findings.append(finding) }
    if let finding = LoginItem.inTrash(trashed, file: file, code: OPVaultCode.trashed, app: "1Password") {
      result.findings.append(finding)
    }
    return result
  }

  struct Opened {
    var details: Details
    var overview: Overview
    var overviewDamaged = false
  }

  static func open(_ item: Item, master: OPVaultKeys, overview: OPVaultKeys) throws -> Opened {
    guard let k = item.k.flatMap({ Data(base64Encoded: $0) }), let d = item.d.flatMap({ Data(base64Encoded: $0) }) else {
      throw OPVaultKeys.Failure.malformed("no item key or details")
    }
    let keys = try master.openItemKeys(Array(k))
    let details = try JSONTapeDecoder().decode(Details.self, from: try keys.open(opdata: Array(d)))
    guard let o = item.o.flatMap({ Data(base64Encoded: $0) }) else { return Opened(details: details, overview: Overview()) }
    guard let summary = try? JSONTapeDecoder().decode(Overview.self, from: try overview.open(opdata: Array(o))) else {
      return Opened(details: details, overview: Overview(), overviewDamaged: true)
    }
    return Opened(details: details, overview: summary)
  }

  /// The band files beside the profile (band_0.js … band_F.js), in order.
  static func bands(beside file: String, limits: Limits) throws -> [(name: String, bytes: [UInt8])] {
    let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
    let found = try "0123456789ABCDEF".compactMap { band -> (String, [UInt8])? in
      let name = "band_\(band).js"
      let path = folder + "/" + name
      guard FileManager.default.fileExists(atPath: path) else { return nil }
      // There but not read (too large, not a regular file): its items would be lost silently.
      guard let bytes = SideFile.read(path, maximumSize: limits.inputBytes) else {
        throw OTPError.cannotOpen(
          file: path, reason: "the band file beside \(file) is not a regular file within the input size limit")
      }
      return (name, bytes)
    }
    guard !found.isEmpty else {
      throw OTPError.corrupted(
        file: file, place: nil,
        reason:
          "no band_*.js file beside it: give the profile.js inside the vault's default folder, with the folder as 1Password left it"
      )
    }
    return found
  }

  /// Folder titles by uuid, from folders.js (a vault without one has no folders).
  static func folderTitles(beside file: String, overview: OPVaultKeys, limits: Limits) -> [String: String] {
    let path = URL(fileURLWithPath: file).deletingLastPathComponent().path + "/folders.js"
    guard let bytes = SideFile.read(path, maximumSize: limits.inputBytes),
      let folders = try? JSONTapeDecoder().decode(
        [String: Folder].self, from: unwrap(bytes, prefix: "loadFolders(", suffix: ");"))
    else { return [:] }
    var titles: [String: String] = [:]
    for (uuid, folder) in folders where folder.trashed?.isSet != true {
      guard let blob = folder.overview.flatMap({ Data(base64Encoded: $0) }), let plain = try? overview.open(opdata: Array(blob)),
        let title = (try? JSONTapeDecoder().decode(Overview.self, from: plain))?.title
      else { continue }
      titles[folder.uuid ?? uuid] = title
    }
    return titles
  }

  /// The JSON inside a JavaScript wrapper (`var profile={…};`, `ld({…});`).
  static func unwrap(_ bytes: [UInt8], prefix: String, suffix: String) -> [UInt8] {
    var slice = bytes[...]
    while let last = slice.last, last == 0x0A || last == 0x0D || last == 0x20 { slice = slice.dropLast() }
    if slice.starts(with: Array(prefix.utf8)) { slice = slice.dropFirst(prefix.utf8.count) }
    if slice.reversed().starts(with: Array(suffix.utf8).reversed()) { slice = slice.dropLast(suffix.utf8.count) }
    return Array(slice)
  }

  static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], file: String, place: String) throws -> Value {
    do {
      return try JSONTapeDecoder().decode(type, from: bytes)
    } catch {
      throw OTPError.corrupted(file: file, place: place, reason: "not the JSON of an OPVault \(place)")
    }
  }
}

/// The findings of reading an OPVault (docs/audit.md lists their meanings).
enum OPVaultCode: String, FindingCode {
  case badItem = "OPVAULT_BAD_ITEM"
  case trashed = "OPVAULT_TRASHED_SKIPPED"
  case badOverview = "OPVAULT_BAD_OVERVIEW"
}
