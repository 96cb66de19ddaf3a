import Foundation
import LoginItems
import OTPContainers
import OTPCore
import OTPJSON

/// 1Password Unencrypted Export (formats.md §3.3): a ZIP with `export.attributes` and
/// `export.data` (JSON: accounts → vaults → items). One-time passwords are the fields of
/// `details.sections[].fields[]` whose value is `{"totp": …}`, an otpauth URI or a bare secret.
/// Read only: 1Password's importer wants many undocumented item and field properties
/// (formats.md §3.3), and whether it accepts a file otpbridge makes cannot be checked here.
public struct OnePUXFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "1pux",
    displayName: "1Password 1PUX",
    fileExtensions: ["1pux"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp],
      algorithms: [.sha1, .sha256, .sha512],
      digits: 6...8,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .note, .favorite, .groups, .icon, .extraParameters]),
    summary: "1Password 8 unencrypted export (.1pux); read only.",
    findingCodes: OnePUXCode.codes)

  static let supportedVersions = 1...3

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard input.bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return .no }
    if input.fileExtension == "1pux" { return .certain }
    // The central directory at the end names the members in plain text.
    let tail = input.bytes.suffix(65_536)
    let name = Array("export.data".utf8)
    let found = tail.indices.contains { index in tail[index...].starts(with: name) }
    return found ? .likely : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let members: [String: [UInt8]]
    do {
      let wanted: Set = ["export.attributes", "export.data"]
      members = Dictionary(
        try ZipArchive.members(input.bytes, wanted: wanted.contains, limits: context.limits).map { ($0.name, $0.bytes) },
        uniquingKeysWith: { _, last in last })
    } catch {
      // A 1PUX is never encrypted as a zip, so a password failure is damage too.
      throw error.otpError(file: input.name, limits: context.limits) { _ in
        OTPError.corrupted(file: input.name, place: nil, reason: "not a readable ZIP archive: an encrypted member")
      }
    }
    if let attributes = members["export.attributes"] {
      let version = (try? JSONTapeDecoder().decode(Attributes.self, from: attributes))?.version
      if let version, !Self.supportedVersions.contains(version) {
        throw OTPError.unsupportedVersion(file: input.name, version: String(version), supported: "1PUX versions 1 to 3")
      }
    }
    guard let data = members["export.data"] else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the archive has no export.data: not a 1Password export")
    }
    let export: ExportData
    do {
      export = try JSONTapeDecoder().decode(ExportData.self, from: data)
    } catch {
      throw OTPError.corrupted(file: input.name, place: "export.data", reason: "not JSON in the shape of a 1Password export")
    }
    return Self.accounts(of: export, file: input.name)
  }

  static func accounts(of export: ExportData, file: String) -> ReadResult {
    var result = ReadResult(accounts: [], findings: [LoginItem.passwordsNotRead(file: file)])
    var withoutOTP = 0
    var index = 0
    for vault in (export.accounts ?? []).flatMap({ $0.vaults ?? [] }) {
      for entry in vault.items ?? [] {
        index += 1
        let origin = Origin(file: file, place: .entry(index))
        let totps = (entry.details?.sections ?? []).flatMap { $0.fields ?? [] }.compactMap { $0.value?.totp }
          .filter { !$0.trimmingWhitespace().isEmpty }
        guard !totps.isEmpty else {
          withoutOTP += 1
          continue
        }
        let overview = entry.overview
        var urls = (overview?.urls ?? []).compactMap(\.url).filter { !$0.isEmpty }
        if urls.isEmpty, let url = overview?.url, !url.isEmpty { urls = [url] }
        let username = entry.details?.loginFields?.first { $0.designation == "username" }?.value?.text ?? ""
        if totps.count > 1 {
          result.findings.append(
            Finding(
              .info, code: OnePUXCode.severalOTPs,
              "the item has \(totps.count) one-time passwords; each became an account with the item's title", at: origin))
        }
        // Each one-time password of an item is an account; 1Password shows the first.
        for totp in totps {
          let item = LoginItem(
            title: overview?.title ?? "", username: username, urls: urls, otp: totp,
            note: entry.details?.notesPlain?.text ?? "", favorite: (entry.favIndex ?? 0) > 0, groups: overview?.tags ?? [])
          item.read(into: &result, at: origin)
        }
      }
    }
    if let finding = LoginItem.itemsWithoutOTP(withoutOTP, file: file) { result.findings.append(finding) }
    return result
  }

  // The parts of formats.md §3.3 that otpbridge reads; everything else in the file is ignored.

  struct Attributes: Decodable {
    var version: Int?
  }

  struct ExportData: Decodable {
    var accounts: [PUXAccount]?
  }

  struct PUXAccount: Decodable {
    var vaults: [Vault]?
  }

  struct Vault: Decodable {
    var items: [Item]?
  }

  struct Item: Decodable {
    var favIndex: Int?
    var overview: Overview?
    var details: Details?
  }

  struct Overview: Decodable {
    var title: String?
    var url: String?
    var urls: [URLEntry]?
    var tags: [String]?
  }

  struct URLEntry: Decodable {
    var url: String?
  }

  struct Details: Decodable {
    var loginFields: [LoginField]?
    var notesPlain: Text?
    var sections: [Section]?
  }

  struct LoginField: Decodable {
    var designation: String?
    var value: Text?
  }

  struct Section: Decodable {
    var fields: [Field]?
  }

  struct Field: Decodable {
    var value: FieldValue?
  }

  /// A field's value is an object with one key naming its kind (`string`, `totp`, `date`, …).
  struct FieldValue: Decodable {
    var totp: String?

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: Key.self)
      totp = try? container.decodeIfPresent(String.self, forKey: .totp)
    }

    enum Key: String, CodingKey { case totp }
  }

  /// Text where 1Password may also put another JSON type; anything but a string reads as nil.
  struct Text: Decodable {
    var text: String?

    init(from decoder: any Decoder) throws {
      text = try? decoder.singleValueContainer().decode(String.self)
    }
  }
}

/// The findings the 1PUX reader reports (docs/audit.md lists their meanings).
enum OnePUXCode: String, FindingCode {
  case severalOTPs = "ONEPUX_SEVERAL_OTPS"
}
