import Foundation
import OTPCore
import OTPJSON

/// An andOTP backup (formats.md §7): the plain JSON array, or the encrypted `.json.aes` around it.
/// The pre-0.6 encrypted format (key = SHA-256 of the password) is read, never written.
public struct AndOTPFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "andotp",
    displayName: "andOTP backup",
    fileExtensions: ["json", "aes"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp, .hotp, .steam, .motp],
      algorithms: [.sha1, .sha256, .sha512],
      // andOTP computes 10^digits in a 32-bit int, so 10 digits overflow.
      digits: 1...9,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .counter, .groups]),
    summary: "andOTP's backup: plain JSON, or encrypted with a password (PBKDF2, AES-256-GCM).",
    findingCodes: AndOTPCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if let outline = input.jsonOutline {
      // An array of `{"secret", "label", "type", …}`.
      guard outline.root == .array else { return .no }
      return ["secret", "label", "type"].allSatisfy(outline.has) ? .certain : .no
    }
    // The encrypted file has no magic bytes (§7.2): only its name and a plausible header hint at it.
    if input.fileExtension == "aes" { return .likely }
    if let iterations = AndOTPCrypto.iterations(in: input.bytes), AndOTPCrypto.writtenIterations.contains(iterations) {
      return .possible
    }
    return .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let plaintext: [UInt8]
    if isJSONArray(input.bytes) {
      plaintext = input.bytes
    } else if isJSONObject(input.bytes) {
      // An encrypted backup is random bytes; JSON that is not a list is another app's file.
      throw OTPError.corrupted(file: input.name, place: nil, reason: "a JSON object, not andOTP's list of entries")
    } else {
      guard input.bytes.count >= AndOTPCrypto.minimumOldLength else {
        throw OTPError.corrupted(
          file: input.name, place: nil, reason: "neither andOTP JSON nor long enough to be an encrypted andOTP backup")
      }
      guard let password = try context.password.password(for: input.name) else {
        throw OTPError.passwordRequired(file: input.name)
      }
      let opened: [UInt8]?
      do {
        opened = try AndOTPCrypto.open(input.bytes, password: password)
      } catch {
        throw OTPError.corrupted(file: input.name, place: nil, reason: "the key cannot be derived: \(error)")
      }
      // GCM cannot tell a wrong password from damage, and andOTP stores nothing else to check.
      guard let opened else { throw OTPError.wrongPassword(file: input.name) }
      plaintext = opened
    }
    do {
      let entries = try JSONTapeDecoder().decode([Lenient<AndOTPEntry>].self, from: plaintext)
      return AndOTPEntries.read(entries, file: input.name)
    } catch let error as DecodingError {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not an andOTP backup: \(error.summary())")
    }
  }

  /// Whether the bytes start like a JSON array (after a byte-order mark and white space).
  func isJSONArray(_ bytes: [UInt8]) -> Bool {
    firstSignificantByte(bytes) == UInt8(ascii: "[")
  }

  /// Whether the bytes are a JSON object (an encrypted backup may start with `{` by chance, but
  /// does not parse).
  func isJSONObject(_ bytes: [UInt8]) -> Bool {
    firstSignificantByte(bytes) == UInt8(ascii: "{") && (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
  }

  func firstSignificantByte(_ bytes: [UInt8]) -> UInt8? {
    var slice = bytes[...]
    if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
    return slice.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let entries = try AndOTPEntries.entries(for: accounts)
    let password = try context.newPassword.password(for: context.outputName)
    guard let password else {
      // Keys sorted where people read the file.
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      return WriteResult(bytes: Array(try encoder.encode(entries)))
    }
    // Encrypted, no one sees the layout: compact and in field order is fastest.
    return WriteResult(bytes: try AndOTPCrypto.seal(try JSONStreamEncoder().encode(entries), password: password))
  }
}
