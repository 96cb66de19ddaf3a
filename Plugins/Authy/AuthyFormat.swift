import Foundation
import OTPContainers
import OTPCore
import OTPCrypto
import OTPJSON

/// Authy's token store from a rooted Android phone (`shared_prefs/com.authy.storage.tokens.*.xml`):
/// read only, since Authy exports nothing. The preferences hold a JSON list of tokens.
/// - Third-party ("authenticator") tokens: `decryptedSecret` (base32), or `encryptedSecret` with a
///   `salt` when the user set a backup password: AES-256-CBC, zero IV, PKCS#7, key
///   PBKDF2-HMAC-SHA1(password, the salt's text, 1,000 rounds). Codes are SHA-1, 30 s, with the
///   token's digits; the name drops Authy's "Issuer: " prefix.
/// - Authy's own tokens (`secretSeed`, hex): 7 digits, 10 s, named after the service.
public struct AuthyFormat: FormatPlugin {
  public init() {}

  static let authenticatorKey = "com.authy.storage.tokens.authenticator.key"
  static let authyKey = "com.authy.storage.tokens.authy.key"

  public let descriptor = FormatDescriptor(
    id: "authy",
    displayName: "Authy token store (Android)",
    fileExtensions: ["xml"],
    canRead: true,
    canWrite: false,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1], digits: 6...8, periods: .only([10, 30]), fields: [.issuer, .name]),
    summary: "Authy's shared_prefs token store from a rooted Android phone, plain or with its backup password.",
    findingCodes: AuthyCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard XMLTree.root(of: input.bytes)?.name == "map" else { return .no }
    return input.bytes.prefix(64 * 1024).firstRange(of: Array("com.authy.storage.tokens.".utf8)) != nil ? .certain : .no
  }

  struct Token: Decodable {
    var name: String?
    var originalIssuer: String?
    var digits: Int?
    var decryptedSecret: String?
    var encryptedSecret: String?
    var salt: String?
    var secretSeed: String?
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard let map = XMLTree.parse(input.bytes), map.name == "map" else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not an Android preferences file (XML with a <map> root)")
    }
    func tokens(_ key: String) throws -> [Token] {
      guard let text = map.children.first(where: { $0.name == "string" && $0.attributes["name"] == key })?.text else { return [] }
      do {
        return try JSONTapeDecoder().decode([Token].self, from: Array(text.utf8))
      } catch {
        throw OTPError.corrupted(file: input.name, place: key, reason: "not Authy's list of tokens")
      }
    }
    let authenticator = try tokens(Self.authenticatorKey)
    let authy = try tokens(Self.authyKey)
    let keys = [Self.authenticatorKey, Self.authyKey]
    guard map.children.contains(where: { keys.contains($0.attributes["name"] ?? "") }) else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "it holds no Authy tokens")
    }
    // One password opens every encrypted token; asked for once, and only if one is encrypted.
    var password: String?
    if authenticator.contains(where: { $0.encryptedSecret != nil }) {
      guard let given = try context.password.password(for: input.name) else { throw OTPError.passwordRequired(file: input.name) }
      password = given
      if let first = authenticator.first(where: { $0.encryptedSecret != nil }), (try? Self.decrypt(first, password: given)) == nil
      {
        throw OTPError.wrongPassword(file: input.name)
      }
    }
    var result = ReadResult(accounts: [])
    for (index, token) in authenticator.enumerated() {
      let origin = Origin(file: input.name, place: .entry(index + 1))
      result.readEntry(at: origin, noun: "token", label: token.name) { warnings throws(EntryProblem) in
        try Self.authenticatorAccount(token, password: password, origin: origin, warnings: &warnings)
      }
    }
    for (index, token) in authy.enumerated() {
      let origin = Origin(file: input.name, place: .entry(authenticator.count + index + 1))
      result.readEntry(at: origin, noun: "token", label: token.name) { _ throws(EntryProblem) in
        guard let seed = token.secretSeed, let bytes = Hex.decode(seed), !bytes.isEmpty else {
          throw EntryProblem(AuthyCode.badSecret, "the Authy token's seed is not hex")
        }
        return Account(
          kind: .totp, issuer: token.name ?? "", name: token.name ?? "", secret: Secret(bytes), algorithm: .sha1,
          digits: token.digits ?? 7, period: 10, origin: origin)
      }
    }
    return result
  }

  /// The base32 text of an encrypted token's secret; nil when the password does not open it.
  static func decrypt(_ token: Token, password: String) throws -> String? {
    guard let sealed = token.encryptedSecret.flatMap({ Data(base64Encoded: $0) }), let salt = token.salt else { return nil }
    let key = try KeyDerivation.pbkdf2(
      password: Array(password.utf8), salt: Array(salt.utf8), hash: .sha1, rounds: 1000, length: 32)
    guard let plain = try? Cipher.aesCBCDecrypt(key: key, iv: Array(repeating: 0, count: 16), ciphertext: Array(sealed)),
      let text = String(bytes: plain, encoding: .utf8), (try? Base32.decode(text)) != nil
    else { return nil }
    return text
  }

  static func authenticatorAccount(_ token: Token, password: String?, origin: Origin, warnings: inout [EntryProblem])
    throws(EntryProblem) -> Account
  {
    var text = token.decryptedSecret
    if text == nil, let password {
      text = (try? decrypt(token, password: password)) ?? nil
      if text == nil {
        throw EntryProblem(AuthyCode.badSecret, "the encrypted secret does not open with the password that opened the others")
      }
    }
    guard let text else { throw EntryProblem(AuthyCode.badSecret, "the token has no secret") }
    let decoded = try EntryProblem.base32Secret(text, badSecret: AuthyCode.badSecret, warnings: &warnings)
    let issuer = token.originalIssuer ?? ""
    var name = token.name ?? ""
    // Authy shows "Issuer: name"; the name alone is what the account was added with.
    if !issuer.isEmpty, name.hasPrefix(issuer + ": ") { name = String(name.dropFirst(issuer.count + 2)) }
    let digits = token.digits ?? 6
    guard (1...10).contains(digits) else { throw EntryProblem(AuthyCode.badDigits, "digits \(digits) is not from 1 to 10") }
    return Account(
      kind: .totp, issuer: issuer, name: name, secret: Secret(decoded), algorithm: .sha1, digits: digits, period: 30,
      origin: origin)
  }
}

/// The findings the Authy reader reports (docs/audit.md).
enum AuthyCode: String, FindingCode {
  case badDigits = "AUTHY_BAD_DIGITS"
  case badSecret = "AUTHY_BAD_SECRET"
}
