import Foundation
import OTPContainers
import OTPCore
import OTPJSON

/// WinAuth's export (WinAuth 3, Windows): `winauth-YYYY-MM-DD.txt`, one otpauth URI a line with
/// CRLF line ends, or the same text in a zip encrypted with the export password (ZipCrypto,
/// SharpZipLib). Read and written. docs/formats/winauth.md.
///
/// WinAuth's URIs are otpauth ones with its own rules, read here and not by the otpauth reader:
/// - The label prefix says the kind: `Steam:` is a Steam account, whose `data=` holds the
///   authenticator's JSON (a maFile less its session) and `deviceid=` its device;
///   `BattleNet:` a Battle.net one (8 digits) with its `serial=`; `Trion:` a Glyph one, whose
///   codes WinAuth computes its own way, so it is named and skipped.
/// - `icon=` is the picture WinAuth shows: kept as an extra parameter of that name.
public struct WinAuthFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "winauth",
    displayName: "WinAuth export",
    fileExtensions: ["txt", "zip"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp, .hotp, .steam], algorithms: [.sha1, .sha256, .sha512], digits: 5...8, periods: .range(1...86_400),
      fields: [.issuer, .name, .counter, .extraParameters], extraParameterNames: ["icon", "serial"],
      kindForms: [
        .steam: KindForm(
          shape: "Steam: line", fields: [.issuer, .name, .note, .extraParameters],
          extraParameterNames: Set(SteamGuardData.extraNames + ["icon"]), fixedIssuer: "Steam",
          notePrefix: Account.steamRevocationNotePrefix)
      ], digitsByKind: [.totp: 6...8, .hotp: 6...8, .steam: 5...5]),
    summary: "WinAuth's export: otpauth lines with its Steam and Battle.net data, as text or a password-protected zip.",
    findingCodes: WinAuthCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if let member = ZipArchive.firstMemberName(input.bytes) {
      return member.lowercased().hasPrefix("winauth") && member.lowercased().hasSuffix(".txt") ? .certain : .no
    }
    // An empty zip (its end record only) named as WinAuth's: read to say it holds nothing.
    if input.bytes.starts(with: ZipArchive.emptyArchive), PathText.name(of: input.name).lowercased().hasPrefix("winauth") {
      return .likely
    }
    // Text: certain where a line holds what only WinAuth writes (the otpauth reader would skip
    // such a line), or under otpbridge's header; any other file of WinAuth's is read by the
    // otpauth reader, which differs only on Battle.net serials and Glyph lines.
    if input.bytes.starts(with: Array(WinAuthLines.header.utf8)) { return .certain }
    guard
      input.firstLine(skippingLinesStartingWith: UInt8(ascii: "#"), limit: 16)?.lowercased().hasPrefix("otpauth://")
        == true
    else { return .no }
    let head = input.bytes.prefix(256 * 1024)
    for marker in Self.markers where head.firstRange(of: marker) != nil { return .certain }
    return .no
  }

  /// Text only WinAuth writes in a URI: a Steam line's data. (A `BattleNet:` or `Trion:` label
  /// alone is found in ordinary otpauth lists too.)
  static let markers = ["&deviceid=", "&data=%7b", "&data=%7B"].map { Array($0.utf8) }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    if input.bytes.starts(with: ZipArchive.emptyArchive) {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the zip is empty: it holds no WinAuth export (.txt)")
    }
    guard ZipArchive.firstMemberName(input.bytes) != nil else {
      return try WinAuthLines.read(input.bytes, file: input.name)
    }
    // WinAuth reads every .txt member of its zip, in order.
    let isText: (String) -> Bool = { $0.lowercased().hasSuffix(".txt") }
    let members = try ZipArchive.members(of: input, wanted: isText, context: context) { _ in .wrongPassword(file: input.name) }
    guard !members.isEmpty else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the zip holds no WinAuth export (.txt)")
    }
    var result = ReadResult(accounts: [])
    for member in members {
      result.append(try WinAuthLines.read(member.bytes, file: "\(input.name):\(member.name)"))
    }
    return result
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let text = WinAuthLines.document(accounts)
    // No new password, or an empty one, means the text; with one, a zip as WinAuth makes it.
    guard let password = try context.newPassword.password(for: context.outputName), !password.isEmpty else {
      return WriteResult(bytes: text)
    }
    let member = "winauth-\(Self.dayFormat.string(from: Date())).txt"
    return WriteResult(
      bytes: try ZipArchive.write(member: member, bytes: text, password: password, encryption: .zipCrypto))
  }

  static let dayFormat: DateFormatter = {
    let format = DateFormatter()
    format.locale = Locale(identifier: "en_US_POSIX")
    format.dateFormat = "yyyy-MM-dd"
    return format
  }()
}

/// The findings the WinAuth reader reports (docs/audit.md).
enum WinAuthCode: String, FindingCode {
  case badLine = "WINAUTH_BAD_LINE"
  case badSteamData = "WINAUTH_BAD_STEAM_DATA"
  case steamSecretsDiffer = "WINAUTH_STEAM_SECRETS_DIFFER"
  case trion = "WINAUTH_TRION"
}
