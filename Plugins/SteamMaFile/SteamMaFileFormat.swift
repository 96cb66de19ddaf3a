import Foundation
import OTPCore
import OTPJSON

/// Steam Desktop Authenticator's `.maFile` (SteamAuth's SteamGuardAccount, which steamguard-cli
/// imports too), the Steam app's own account file (`{"accounts": {id: {…}}}`), and SDA's
/// encrypted maFiles with the `manifest.json` beside them. Written as SDA's maFiles folder
/// (MaFileWriter), plain.
///
/// Steam stays Steam: what a maFile becomes is OTPJSON's `SteamGuardData`, shared with WinAuth's
/// Steam lines.
public struct SteamMaFileFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "steam-mafile",
    displayName: "Steam Desktop Authenticator maFile",
    fileExtensions: ["maFile", "json"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.steam], algorithms: [.sha1], digits: 5...5, periods: .only([30]),
      fields: [.issuer, .name, .note, .extraParameters],
      kindForms: [
        .steam: KindForm(
          shape: "maFile", fields: [.issuer, .name, .note, .extraParameters],
          extraParameterNames: Set(SteamGuardData.extraNames), fixedIssuer: "Steam",
          notePrefix: Account.steamRevocationNotePrefix)
      ]),
    summary:
      "Steam Desktop Authenticator's .maFile (also steamguard-cli's), the Steam app's account file, and SDA's encrypted maFiles with their manifest.json.",
    findingCodes: SteamMaFileCode.codes, writesFolder: true, writtenEncryption: EncryptionSupport.none)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if let outline = input.jsonOutline, outline.root == .object {
      if outline.has("shared_secret"), outline.has("account_name") { return .certain }
      // The Steam app's file: accounts by an id, each a maFile.
      guard outline.members["accounts"]?.kind == .object else { return .no }
      return input.bytes.prefix(64 * 1024).firstRange(of: Array(#""shared_secret""#.utf8)) != nil ? .certain : .no
    }
    // SDA's encrypted maFile is bare base64, told apart only by its name.
    return input.fileExtension.lowercased() == "mafile" ? .likely : .no
  }

  /// SDA's maFiles folder: its manifest.json and one maFile per account (MaFileWriter).
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    WriteResult(files: try MaFileWriter.files(for: accounts))
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    var bytes = input.bytes
    if bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) != UInt8(ascii: "{") {
      bytes = try SDAEncryption.open(input, password: context.password, maximumSize: context.limits.inputBytes)
    }
    let objects: [SteamGuardData]
    do {
      if let wrapper = try? JSONTapeDecoder().decode(AppFile.self, from: bytes), let accounts = wrapper.accounts {
        // The Steam app's own file: its accounts by an id of its own, in the order of the ids.
        objects = accounts.sorted { $0.key < $1.key }.map(\.value)
      } else {
        let object = try JSONTapeDecoder().decode(SteamGuardData.self, from: bytes)
        guard object.shared_secret != nil else { throw NotAMaFile() }
        objects = [object]
      }
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a Steam maFile (a JSON object with shared_secret)")
    }
    var result = ReadResult(accounts: [])
    for (index, object) in objects.enumerated() {
      let origin = Origin(file: input.name, place: objects.count == 1 ? .whole : .entry(index + 1))
      result.readEntry(at: origin, noun: "account", label: object.account_name?.text) { _ throws(EntryProblem) in
        try object.account(origin: origin, badSecret: SteamMaFileCode.badSecret)
      }
    }
    return result
  }
}

struct NotAMaFile: Error {}

/// The findings the maFile reader and writer report (docs/audit.md).
enum SteamMaFileCode: String, FindingCode {
  case badSecret = "STEAM_BAD_SECRET"
}

/// The Steam app's account file: `{"accounts": {id: maFile, …}}`.
struct AppFile: Decodable {
  var accounts: [String: SteamGuardData]?
}
