import OTPCore
import OTPCrypto
import OTPJSON

/// The backup Stratum restores (`Stratum.Core` Backup, read with System.Text.Json): PascalCase
/// members, enums as numbers. Stratum validates each authenticator as it restores and stops the
/// whole restore at the first it refuses, so what it refuses is never written: the capabilities
/// keep issuers non-empty and digits within each kind's range, and the writer refuses the rest.
enum StratumWriter {
  struct Document: Encodable {
    var Authenticators: [Authenticator]
    var Categories: [Category]
    var AuthenticatorCategories: [Binding]
    var CustomIcons: [String] = []
  }

  struct Authenticator: Encodable {
    var `Type`: Int
    /// Always null, as Stratum writes it for an authenticator without an icon of its own.
    var Icon: String? = nil
    var Issuer: String
    var Username: String
    var Secret: String
    var Pin: String?
    var Algorithm: Int
    var Digits: Int
    var Period: Int
    var Counter: Int64
    var Ranking: Int

    enum CodingKeys: String, CodingKey {
      case `Type`, Icon, Issuer, Username, Secret, Pin, Algorithm, Digits, Period, Counter, Ranking
    }

    /// As Stratum writes it: `Icon` null rather than left out; `Pin` only where a kind has one.
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(`Type`, forKey: .Type)
      try container.encode(Icon, forKey: .Icon)
      try container.encode(Issuer, forKey: .Issuer)
      try container.encode(Username, forKey: .Username)
      try container.encode(Secret, forKey: .Secret)
      try container.encodeIfPresent(Pin, forKey: .Pin)
      try container.encode(Algorithm, forKey: .Algorithm)
      try container.encode(Digits, forKey: .Digits)
      try container.encode(Period, forKey: .Period)
      try container.encode(Counter, forKey: .Counter)
      try container.encode(Ranking, forKey: .Ranking)
    }
  }

  struct Category: Encodable {
    var Id: String
    var Name: String
    var Ranking: Int
  }

  struct Binding: Encodable {
    var CategoryId: String
    var AuthenticatorSecret: String
    var Ranking: Int
  }

  static let types: [OTPKind: Int] = [.hotp: 1, .totp: 2, .motp: 3, .steam: 4, .yandex: 5]
  static let algorithms: [HashAlgorithm: Int] = [.sha1: 0, .sha256: 1, .sha512: 2]

  static func document(_ accounts: [Account], findings: inout [Finding]) throws -> [UInt8] {
    var document = Document(Authenticators: [], Categories: [], AuthenticatorCategories: [])
    var categoryIDs: [String: String] = [:]
    var idsTaken: Set<String> = []
    var secretsSeen: Set<String> = []
    for (ranking, account) in accounts.enumerated() {
      let written = try authenticator(account, ranking: ranking, findings: &findings)
      // The secret is the key of Stratum's table: it keeps one authenticator per secret.
      if !secretsSeen.insert(written.Secret).inserted {
        findings.append(
          Finding(
            .warning, code: StratumCode.duplicateSecret,
            "\(account.displayName) has the same secret as an account before it: Stratum keeps one authenticator per secret",
            at: account.origin))
      }
      document.Authenticators.append(written)
      for group in account.groups {
        let id: String
        if let known = categoryIDs[group] {
          id = known
        } else {
          // Two names Stratum would give one id (the same first 32 characters): another for the
          // second, since Stratum skips a category whose id it has.
          var candidate = categoryID(group)
          var attempt = 1
          while idsTaken.contains(candidate) {
            candidate = categoryID(group + "\u{0}\(attempt)", cut: false)
            attempt += 1
          }
          id = candidate
          categoryIDs[group] = id
          idsTaken.insert(id)
          document.Categories.append(Category(Id: id, Name: group, Ranking: document.Categories.count))
        }
        document.AuthenticatorCategories.append(Binding(CategoryId: id, AuthenticatorSecret: written.Secret, Ranking: ranking))
      }
    }
    return try JSONStreamEncoder(prettyPrinted: true).encode(document)
  }

  static func authenticator(_ account: Account, ranking: Int, findings: inout [Finding]) throws -> Authenticator {
    guard let type = types[account.kind] else { throw OTPError.cannotWrite(format: "stratum") }
    let secret: String
    switch account.kind {
    case .motp:
      // Stratum keeps an mOTP secret as its hex text and refuses one shorter than 16 characters.
      secret = Hex.encode(account.secret.bytes)
      guard secret.count >= 16 else {
        throw OTPError.invalidArgument(
          "\(account.displayName): Stratum refuses an mOTP secret shorter than 8 bytes (16 hex characters), and would stop restoring the whole backup there"
        )
      }
    default:
      secret = account.secret.revealBase32().replacingOccurrences(of: "=", with: "")
      guard account.kind != .yandex || account.secret.count >= 16 else {
        throw OTPError.invalidArgument(
          "\(account.displayName): Stratum refuses a Yandex secret shorter than 16 bytes, and would stop restoring the whole backup there"
        )
      }
    }
    var pin: String?
    if account.kind == .motp || account.kind == .yandex {
      // Without one, an empty PIN: Stratum fails on a missing one when it makes the codes.
      pin = account.pin.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
      if pin == "" {
        findings.append(
          Finding(
            .warning, code: StratumCode.noPin,
            "\(account.displayName): the source has no PIN, which Stratum needs to make this \(account.kind.rawValue) account's codes",
            at: account.origin, remedy: "Enter the PIN in Stratum after restoring the backup."))
      }
    }
    guard account.counter <= UInt64(Int64.max) else {
      throw OTPError.invalidArgument("\(account.displayName): counter \(account.counter) is too large for Stratum")
    }
    return Authenticator(
      Type: type, Issuer: account.issuer.isEmpty ? (account.name.isEmpty ? "-" : account.name) : account.issuer,
      Username: account.name, Secret: secret, Pin: pin,
      // Stratum's mOTP, Steam and Yandex ignore the algorithm and keep SHA-1's number.
      Algorithm: account.kind == .totp || account.kind == .hotp ? algorithms[account.algorithm] ?? 0 : 0,
      Digits: account.digits, Period: account.kind == .hotp ? 30 : account.period,
      Counter: account.kind == .hotp ? Int64(account.counter) : 0, Ranking: ranking)
  }

  /// Stratum's own category id: the first 8 hex characters of the SHA-1 of the trimmed name cut to
  /// 32 characters (Category(string name)). The restore does not check it; it only has to be
  /// one per name.
  static func categoryID(_ name: String, cut: Bool = true) -> String {
    let trimmed = cut ? String(name.prefix(32)).trimmingCharacters(in: .whitespaces) : name
    return String(Hex.encode(Digest.sha1(Array(trimmed.utf8))).prefix(8))
  }
}
