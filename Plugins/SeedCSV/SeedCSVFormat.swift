import OTPContainers
import OTPCore

/// A token vendor's plain seed list: a CSV with a header and at least `serial` and `secret`
/// (base32; or `hex secret` in hex), one hardware token a row. Every token is TOTP, SHA1, 6
/// digits, 30 seconds unless optional columns say otherwise: `type` (totp/hotp), `algorithm`,
/// `digits`, `period`, `counter`, `manufacturer`, `model`. The serial goes into the extra
/// parameter `serial` (and model into `model`), so an assignment file can give each token its user.
public struct SeedCSVFormat: FormatPlugin {
  public init() {}

  public var descriptor: FormatDescriptor {
    FormatDescriptor(
      id: "seed-csv",
      displayName: "Token vendor seed CSV (serial,secret)",
      fileExtensions: ["csv"],
      canRead: true,
      canWrite: false,
      encryption: .none,
      capabilities: Capabilities(
        kinds: [.totp, .hotp], algorithms: [.sha1, .sha256, .sha512], digits: 6...8, periods: .range(1...86_400),
        fields: [.issuer, .counter, .extraParameters], extraParameterNames: ["serial", "model"]),
      summary: "A vendor's serial,secret list of hardware-token seeds; pair it with convert --assign.",
      findingCodes: SeedCSVCode.codes)
  }

  static func columns(_ header: [String]) -> Set<String> {
    Set(header.map { $0.trimmingWhitespace().lowercased() })
  }

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let first = input.firstLine() else { return .no }
    let columns = Self.columns(first.split(separator: ",").map(String.init))
    guard columns.contains("serial"), columns.contains("secret") || columns.contains("hex secret") else { return .no }
    // Other CSVs with these names (Entra's has `serial number`) carry a user column.
    return columns.contains("upn") ? .no : .likely
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    let hexSecrets = table.hasColumn("hex secret")
    guard table.hasColumn("serial"), table.hasColumn("secret") || hexSecrets else {
      throw OTPError.corrupted(file: input.name, place: "line 1", reason: "the header has no serial and secret columns")
    }
    var result = ReadResult(accounts: [])
    for row in table.rows {
      let origin = Origin(file: input.name, place: .line(row.line))
      func cell(_ name: String) -> String { table.value(name, in: row).trimmingWhitespace() }
      result.readEntry(at: origin, noun: "row") { _ throws(EntryProblem) in
        let serial = cell("serial")
        guard !serial.isEmpty else { throw EntryProblem(SeedCSVCode.noSerial, "the row has no serial") }
        let secret = hexSecrets ? Hex.decode(cell("hex secret")) : try? Base32.decode(cell("secret"))
        guard let secret, !secret.isEmpty else {
          throw EntryProblem(SeedCSVCode.badSecret, hexSecrets ? "the secret is not hex" : "the secret is not base32")
        }
        let kind: OTPKind
        switch cell("type").lowercased() {
        case "", "totp": kind = .totp
        case "hotp": kind = .hotp
        default: throw EntryProblem(SeedCSVCode.badType, "the type is not totp or hotp")
        }
        var account = Account(
          kind: kind, issuer: cell("manufacturer"), secret: Secret(secret),
          extraParameters: [ExtraParameter(name: "serial", value: serial)], origin: origin)
        if !cell("model").isEmpty { account.extraParameters.append(ExtraParameter(name: "model", value: cell("model"))) }
        if !cell("algorithm").isEmpty {
          guard let algorithm = HashAlgorithm(lenient: cell("algorithm")), algorithm != .md5 else {
            throw EntryProblem(SeedCSVCode.badAlgorithm, "the algorithm is not SHA1, SHA256 or SHA512")
          }
          account.algorithm = algorithm
        }
        // Held to the capabilities (6 to 8 digits, at most a day), narrower than EntryProblem.checkParameters.
        if !cell("digits").isEmpty {
          guard let digits = Int(cell("digits")), (6...8).contains(digits) else {
            throw EntryProblem(SeedCSVCode.badDigits, "the digits are not 6, 7 or 8")
          }
          account.digits = digits
        }
        if !cell("period").isEmpty {
          guard let period = Int(cell("period")), (1...86_400).contains(period) else {
            throw EntryProblem(SeedCSVCode.badPeriod, "the period is not a number of seconds")
          }
          account.period = period
        }
        if !cell("counter").isEmpty {
          guard let counter = UInt64(cell("counter")) else {
            throw EntryProblem(SeedCSVCode.badCounter, "the counter is not a whole number")
          }
          account.counter = counter
        }
        return account
      }
    }
    return result
  }
}

/// The findings the seed CSV reader reports (docs/audit.md lists their meanings).
enum SeedCSVCode: String, FindingCode {
  case badAlgorithm = "SEED_BAD_ALGORITHM"
  case badCounter = "SEED_BAD_COUNTER"
  case badDigits = "SEED_BAD_DIGITS"
  case badPeriod = "SEED_BAD_PERIOD"
  case badSecret = "SEED_BAD_SECRET"
  case badType = "SEED_BAD_TYPE"
  case noSerial = "SEED_NO_SERIAL"
}
