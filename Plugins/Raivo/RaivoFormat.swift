import OTPContainers
import OTPCore

/// Raivo OTP's export (formats.md §8): `raivo-otp-export.zip`, a WinZip-AES encrypted zip
/// (password = the user's Raivo master password) holding `raivo-otp-export.json`, read through
/// libarchive. The bare JSON (what Bitwarden Authenticator, 2FAS and Ente import) is read too.
///
/// Writing: with a new password, a zip like Raivo's own (the JSON stored, WinZip AES-256; Raivo's
/// HTML copy with QR images is not made); without one, the bare JSON.
public struct RaivoFormat: FormatPlugin {
  public init() {}

  static let jsonMember = "raivo-otp-export.json"

  public let descriptor = FormatDescriptor(
    id: "raivo",
    displayName: "Raivo OTP export",
    fileExtensions: ["zip", "json"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp, .hotp],
      algorithms: [.sha1, .sha256, .sha512],
      digits: 6...8,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .counter, .favorite, .icon]),
    summary: "Raivo OTP's password-protected zip export, or the JSON inside it.",
    findingCodes: RaivoCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if let member = ZipArchive.firstMemberName(input.bytes) {
      return member.hasPrefix("raivo-otp-export") ? .certain : .no
    }
    // An array of `{"kind", "timer", "iconType", …}`.
    guard let outline = input.jsonOutline, outline.root == .array else { return .no }
    return ["iconType", "timer", "kind"].allSatisfy(outline.has) ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard ZipArchive.firstMemberName(input.bytes) != nil else {
      return try RaivoEntries.read(input.bytes, file: input.name)
    }
    let isJSON: (String) -> Bool = { $0.split(separator: "/").last.map(String.init) == Self.jsonMember }
    let json = try ZipArchive.members(of: input, wanted: isJSON, firstOnly: true, context: context) { failure in
      failure == .memberMissing
        ? .corrupted(file: input.name, place: nil, reason: "the zip holds no \(Self.jsonMember)")
        : .wrongPassword(file: input.name)
    }[0].bytes
    return try RaivoEntries.read(json, file: "\(input.name):\(Self.jsonMember)")
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let json = try RaivoEntries.write(accounts)
    // No new password, or an empty one, means the bare JSON.
    guard let password = try context.newPassword.password(for: context.outputName), !password.isEmpty else {
      return WriteResult(bytes: json)
    }
    return WriteResult(bytes: try ZipArchive.write(member: Self.jsonMember, bytes: json, password: password))
  }
}
