import Foundation
import OTPCore
import OTPCrypto
import OTPJSON

/// A 2FAS Authenticator backup (`.2fas`, formats.md §6), plain or with encrypted services. Reads
/// schemas 1 to 4 from Android and iOS; writes schema 4.
public struct TwoFASFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "2fas",
    displayName: "2FAS backup",
    fileExtensions: ["2fas", "json"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp, .hotp, .steam],
      algorithms: [.sha1, .sha256, .sha512],
      // 2FAS for iOS takes 5 to 8 digits and periods of 10, 30, 60 or 90 s only, and silently
      // replaces anything else (formats.md §6.2); a file for both apps keeps to that.
      digits: 5...8,
      periods: .only([10, 30, 60, 90]),
      fields: [.issuer, .name, .counter, .groups]),
    summary: "2FAS Authenticator's backup file, plain or encrypted with a password (PBKDF2, AES-256-GCM).",
    findingCodes: TwoFASCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    // `{"services" or "servicesEncrypted", "groups", "schemaVersion", …}`, in any order.
    guard let outline = input.jsonOutline, outline.root == .object else { return .no }
    if outline.has("schemaVersion"), outline.has("services") || outline.has("servicesEncrypted") {
      return .certain
    }
    return input.fileExtension == "2fas" ? .possible : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let backup = try decode(TwoFASBackup.self, from: input.bytes, file: input.name, place: nil)
    guard let encrypted = backup.servicesEncrypted else {
      return TwoFASServices.read(backup.services, groups: backup.groups, file: input.name)
    }
    guard let password = try context.password.password(for: input.name) else {
      throw OTPError.passwordRequired(file: input.name)
    }
    let plaintext = try decrypt(encrypted, reference: backup.reference, password: password, file: input.name)
    let services = try decode([Lenient<TwoFASService>].self, from: plaintext, file: input.name, place: "servicesEncrypted")
    return TwoFASServices.read(services, groups: backup.groups, file: input.name)
  }

  /// The services JSON. `reference` tells a wrong password (its tag fails) from damaged services
  /// (their tag fails after the reference opened); without it, a failing tag is a wrong password.
  func decrypt(_ encrypted: String, reference: String?, password: String, file: String) throws -> [UInt8] {
    var keys = TwoFASCrypto.Keys(password: password)
    guard let services = TwoFASCrypto.Sealed(encrypted) else {
      throw OTPError.corrupted(file: file, place: "servicesEncrypted", reason: "it is not three base64 parts separated by ':'")
    }
    var passwordChecked = false
    if let reference {
      guard let sealed = TwoFASCrypto.Sealed(reference) else {
        throw OTPError.corrupted(file: file, place: "reference", reason: "it is not three base64 parts separated by ':'")
      }
      try open(sealed, keys: &keys, file: file, place: "reference", tagFailure: .wrongPassword(file: file))
      passwordChecked = true
    }
    let tagFailure: OTPError =
      passwordChecked
      ? .corrupted(
        file: file, place: "servicesEncrypted", reason: "the password is right, but the services fail their authentication tag")
      : .wrongPassword(file: file)
    return try open(services, keys: &keys, file: file, place: "servicesEncrypted", tagFailure: tagFailure)
  }

  @discardableResult
  func open(_ sealed: TwoFASCrypto.Sealed, keys: inout TwoFASCrypto.Keys, file: String, place: String, tagFailure: OTPError)
    throws -> [UInt8]
  {
    do {
      return try TwoFASCrypto.open(sealed, keys: &keys)
    } catch Cipher.Failure.authenticationFailed {
      throw tagFailure
    } catch Cipher.Failure.malformed(let reason) {
      throw OTPError.corrupted(file: file, place: place, reason: reason)
    } catch {
      throw OTPError.corrupted(file: file, place: place, reason: "the key cannot be derived: \(error)")
    }
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var findings: [Finding] = []
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    let content = try TwoFASServices.services(for: accounts, now: now, findings: &findings)
    var backup = TwoFASWrittenBackup(services: content.services, groups: content.groups, updatedAt: now)
    if let password = try context.newPassword.password(for: context.outputName) {
      if !password.allSatisfy(\.isASCII) {
        findings.append(
          Finding(
            .warning, code: TwoFASCode.passwordNotASCII,
            "the password has characters outside ASCII: 2FAS for Android opens the file, 2FAS for iOS cannot",
            remedy: "use an ASCII password if the file is for an iPhone"))
      }
      var keys = TwoFASCrypto.Keys(password: password)
      let salt = Cipher.randomBytes(TwoFASCrypto.saltLength)
      let servicesJSON = try JSONStreamEncoder().encode(backup.services)
      backup.servicesEncrypted = try TwoFASCrypto.seal(servicesJSON, salt: salt, keys: &keys).text
      backup.reference = try TwoFASCrypto.seal(Array(TwoFASCrypto.referenceText.utf8), salt: salt, keys: &keys).text
      backup.services = []
    }
    // Compact, as 2FAS writes it; members in the order the types declare them, so the same
    // accounts give the same text.
    return WriteResult(bytes: try JSONStreamEncoder().encode(backup), findings: findings)
  }

  /// Decodes the backup or its decrypted services, telling an unknown schema from damage.
  func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], file: String, place: String?) throws -> Value {
    do {
      return try JSONTapeDecoder().decode(type, from: bytes)
    } catch let failure as TwoFASSchemaFailure {
      throw OTPError.unsupportedVersion(
        file: file, version: "schema \(failure.version)",
        supported: "schemas \(TwoFASBackup.supportedSchemas.lowerBound) to \(TwoFASBackup.supportedSchemas.upperBound)")
    } catch let error as DecodingError {
      throw OTPError.corrupted(file: file, place: place, reason: "not a 2FAS backup: \(error.summary())")
    }
  }
}
