import Foundation
import OTPContainers
import OTPCore
import OTPJSON

/// Stratum's (formerly Authenticator Pro's) backup, `.authpro`: plain JSON (`Authenticators`,
/// `Categories`, `AuthenticatorCategories`, `CustomIcons`) or encrypted "strong" or "legacy"
/// (`StratumBackup`). Read only, for now.
public struct StratumFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "stratum",
    displayName: "Stratum (Authenticator Pro) backup",
    fileExtensions: ["authpro", "json", "bin", "html", "db3", "db"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    // What Stratum's restore accepts (Authenticator.Validate): it stops at the first account it
    // refuses, so these are its limits, not the reader's.
    capabilities: Capabilities(
      kinds: [.totp, .hotp, .motp, .steam, .yandex], algorithms: [.sha1, .sha256, .sha512], digits: 5...10,
      periods: .range(1...Int(Int32.max)), fields: [.issuer, .name, .counter, .pin, .groups],
      // Steam, mOTP and Yandex codes come from their own step (30 s, 10 s, 30 s) after Stratum
      // rounds the time to the stored period: any other period gives other codes.
      kindForms: [
        .steam: KindForm(shape: "a Steam authenticator", fields: [.issuer, .name, .groups]),
        .motp: KindForm(shape: "an mOTP authenticator", fields: [.issuer, .name, .pin, .groups]),
        .yandex: KindForm(shape: "a Yandex authenticator", fields: [.issuer, .name, .pin, .groups]),
      ],
      digitsByKind: [.totp: 6...10, .hotp: 6...8, .motp: 6...6, .steam: 5...5, .yandex: 8...8], issuerRequired: true,
      minimumSecretBytes: [.motp: 8, .yandex: 16]),
    summary:
      "Stratum's (Authenticator Pro's) .authpro backup, plain or encrypted (strong or legacy); its HTML export; the app's own database.",
    findingCodes: StratumCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if StratumBackup.isEncrypted(input.bytes) || StratumHTML.isHTML(input.bytes) || StratumDatabase.isDatabase(input.bytes) {
      return .certain
    }
    guard let outline = input.jsonOutline, outline.root == .object else { return .no }
    return outline.members["Authenticators"]?.kind == .array ? .certain : .no
  }

  struct Backup: Decodable {
    struct Authenticator: Decodable {
      var `Type`: Int?
      var Issuer: String?
      var Username: String?
      var Secret: String?
      var Pin: String?
      var Algorithm: Int?
      var Digits: Int?
      var Period: Int?
      var Counter: Int64?
    }
    struct Category: Decodable {
      var Id: String?
      var Name: String?
    }
    struct Binding: Decodable {
      var CategoryId: String?
      var AuthenticatorSecret: String?
    }
    var Authenticators: [Authenticator]
    var Categories: [Category]?
    var AuthenticatorCategories: [Binding]?
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    if input.bytes.starts(with: PhoneDatabase.magic) {
      return Self.accounts(of: try StratumDatabase.backup(input, context: context), file: input.name)
    }
    if StratumHTML.isHTML(input.bytes) { return try StratumHTML.read(input) }
    let bytes = StratumBackup.isEncrypted(input.bytes) ? try StratumBackup.open(input, password: context.password) : input.bytes
    let backup: Backup
    do {
      backup = try JSONTapeDecoder().decode(Backup.self, from: bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a Stratum backup (JSON with an Authenticators list)")
    }
    return Self.accounts(of: backup, file: input.name)
  }

  /// The accounts of a backup, or of the app's database read into one.
  static func accounts(of backup: Backup, file: String) -> ReadResult {
    // Categories are bound to authenticators by their secret.
    let names = Dictionary(
      (backup.Categories ?? []).compactMap { c in c.Id.map { ($0, c.Name ?? "") } }, uniquingKeysWith: { a, _ in a })
    var groups: [String: [String]] = [:]
    for binding in backup.AuthenticatorCategories ?? [] {
      guard let secret = binding.AuthenticatorSecret, let id = binding.CategoryId, let name = names[id] else { continue }
      // A binding the file repeats is one group, however many times it is listed.
      if groups[secret]?.contains(name) != true { groups[secret, default: []].append(name) }
    }
    var result = ReadResult(accounts: [])
    for (index, entry) in backup.Authenticators.enumerated() {
      let origin = Origin(file: file, place: .entry(index + 1))
      result.readEntry(at: origin, noun: "authenticator", label: entry.Issuer) { warnings throws(EntryProblem) in
        var account = try Self.account(entry, origin: origin, warnings: &warnings)
        account.groups = groups[entry.Secret ?? ""] ?? []
        return account
      }
    }
    return result
  }

  /// The plain backup, or with a new password the strong one Stratum writes itself.
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var findings: [Finding] = []
    let json = try StratumWriter.document(accounts, findings: &findings)
    guard let password = try context.newPassword.password(for: context.outputName), !password.isEmpty else {
      return WriteResult(bytes: json, findings: findings)
    }
    return WriteResult(bytes: try StratumBackup.seal(json, password: password), findings: findings)
  }

  static let kinds: [Int: OTPKind] = [1: .hotp, 2: .totp, 3: .motp, 4: .steam, 5: .yandex]
  static let algorithms: [Int: HashAlgorithm] = [0: .sha1, 1: .sha256, 2: .sha512]

  static func account(_ entry: Backup.Authenticator, origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem)
    -> Account
  {
    guard let type = entry.Type, let kind = kinds[type] else {
      throw EntryProblem(
        StratumCode.unknownType,
        "unknown type \(entry.Type.map(String.init) ?? "none") (1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex)")
    }
    let text = entry.Secret ?? ""
    var secret: [UInt8]
    if kind == .motp {
      // Stratum keeps an mOTP secret as its hex text.
      guard let bytes = Hex.decode(text), !bytes.isEmpty else {
        throw EntryProblem(StratumCode.badSecret, "the mOTP secret is not hex")
      }
      secret = bytes
    } else {
      secret = try EntryProblem.base32Secret(text, badSecret: StratumCode.badSecret, warnings: &warnings)
    }
    // mOTP is MD5 and Yandex SHA-256 whatever the field says; the others take it.
    var algorithm: HashAlgorithm?
    if kind != .motp && kind != .yandex {
      guard let chosen = algorithms[entry.Algorithm ?? 0] else {
        throw EntryProblem(StratumCode.badAlgorithm, "unknown algorithm \(entry.Algorithm ?? 0) (0 SHA1, 1 SHA256, 2 SHA512)")
      }
      algorithm = chosen
    }
    let digits = entry.Digits ?? kind.defaults.digits
    let period = entry.Period ?? kind.defaults.period
    try EntryProblem.checkParameters(
      kind: kind, digits: digits, period: period, badDigits: StratumCode.badDigits, badPeriod: StratumCode.badPeriod)
    // Stratum rounds the time down to the stored period, then Steam, mOTP and Yandex step by their
    // own (30, 10, 30 s): with another period its codes are none another app makes.
    if kind == .steam || kind == .motp || kind == .yandex, period != kind.defaults.period {
      warnings.append(
        EntryProblem(
          StratumCode.ownStep,
          "Stratum makes this \(kind.rawValue) account's codes from \(kind.defaults.period)-second steps rounded down to its period of \(period) s, which no other app does: read with the period \(period) s, its codes differ from Stratum's",
          remedy: "Set the account's period to \(kind.defaults.period) s in Stratum, or compare a code before deleting it there.")
      )
    }
    let counter = entry.Counter ?? 0
    guard counter >= 0 else { throw EntryProblem(StratumCode.badCounter, "the counter \(counter) is negative") }
    let pin = (kind == .motp || kind == .yandex) ? entry.Pin.flatMap { $0.isEmpty ? nil : Secret(Array($0.utf8)) } : nil
    return Account(
      kind: kind, issuer: entry.Issuer ?? "", name: entry.Username ?? "", secret: Secret(secret), algorithm: algorithm,
      digits: digits, period: kind.isCounterBased ? nil : period, counter: kind.isCounterBased ? UInt64(counter) : 0, pin: pin,
      origin: origin)
  }
}

/// The findings the Stratum reader reports (docs/audit.md).
enum StratumCode: String, FindingCode {
  case badAlgorithm = "STRATUM_BAD_ALGORITHM"
  case badCounter = "STRATUM_BAD_COUNTER"
  case badDigits = "STRATUM_BAD_DIGITS"
  case badPeriod = "STRATUM_BAD_PERIOD"
  case badSecret = "STRATUM_BAD_SECRET"
  case duplicateSecret = "STRATUM_DUPLICATE_SECRET"
  case noPin = "STRATUM_NO_PIN"
  case ownStep = "STRATUM_OWN_STEP"
  case unknownType = "STRATUM_UNKNOWN_TYPE"
}
