import OTPContainers
import OTPCore

/// Microsoft Entra ID's OATH token upload file (microsoft.md §6.1, formats.md §11):
/// `upn,serial number,secret key,time interval,manufacturer,model`, SHA-1, 6 digits, 30 or 60 s.
/// Meant for hardware tokens: every row is a live credential that an admin uploads.
///
/// A row maps to an account as upn ↔ name, manufacturer ↔ issuer, and serial number and model ↔
/// the extra parameters `serial` and `model`, so Entra → Entra keeps every cell.
public struct EntraCSVFormat: FormatPlugin {
  public static let header = ["upn", "serial number", "secret key", "time interval", "manufacturer", "model"]
  /// Entra accepts at most 128 base32 characters (80 bytes).
  static let maximumSecretBytes = 80

  /// The UPN every written row gets (`convert --upn`); nil writes each account's name.
  let upn: String?

  public init(upn: String? = nil) {
    self.upn = upn
  }

  public var descriptor: FormatDescriptor {
    FormatDescriptor(
      id: "entra-csv",
      displayName: "Microsoft Entra ID OATH token CSV",
      fileExtensions: ["csv"],
      canRead: true,
      canWrite: true,
      encryption: .none,
      capabilities: Capabilities(
        kinds: [.totp], algorithms: [.sha1], digits: 6...6, periods: .only([30, 60]),
        // With --upn every row gets that UPN, so the accounts' own names are not kept.
        fields: upn == nil ? [.name, .issuer, .extraParameters] : [.issuer, .extraParameters],
        extraParameterNames: ["serial", "model"], text: .spreadsheetCells),
      summary: "The file an admin uploads at Entra ID → Multifactor authentication → OATH tokens; --upn sets the user.",
      findingCodes: EntraCSVCode.codes, writerSettings: [.upn])
  }

  public func configured(_ settings: WriterSettings) -> any FormatPlugin {
    settings.upn.map { EntraCSVFormat(upn: $0) } ?? self
  }

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let first = input.firstLine() else { return .no }
    return Self.normalised(first.split(separator: ",").map(String.init)) == Self.header ? .certain : .no
  }

  /// Header cells as Entra compares them: case and surrounding spaces do not matter.
  static func normalised(_ cells: [String]) -> [String] {
    cells.map { $0.trimmingWhitespace().lowercased() }
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard Self.normalised(table.header) == Self.header else {
      throw OTPError.corrupted(
        file: input.name, place: "line 1", reason: "the header is not \(Self.header.joined(separator: ","))")
    }
    var result = ReadResult(accounts: [])
    for row in table.rows {
      let origin = Origin(file: input.name, place: .line(row.line))
      result.readEntry(at: origin, noun: "row") { _ throws(EntryProblem) in
        let upn = table.value("upn", in: row).trimmingWhitespace()
        guard !upn.isEmpty else { throw EntryProblem(EntraCSVCode.noUPN, "the row has no upn") }
        let secretText = table.value("secret key", in: row)
        guard secretText.count <= 128, let secret = try? Base32.decode(secretText) else {
          throw EntryProblem(EntraCSVCode.badSecret, "the secret key is not base32 of at most 128 characters")
        }
        let interval = Int(table.value("time interval", in: row).trimmingWhitespace())
        guard let interval, interval == 30 || interval == 60 else {
          throw EntryProblem(EntraCSVCode.badInterval, "the time interval is not 30 or 60")
        }
        let extras = [("serial", table.value("serial number", in: row)), ("model", table.value("model", in: row))]
          .filter { !$0.1.isEmpty }.map { ExtraParameter(name: $0.0, value: $0.1) }
        return Account(
          kind: .totp, issuer: table.value("manufacturer", in: row), name: upn, secret: Secret(secret), period: interval,
          extraParameters: extras, origin: origin)
      }
    }
    if !result.accounts.isEmpty {
      result.findings.append(
        Finding(
          .warning, code: EntraCSVCode.tokenFile,
          "an admin file of hardware-token secrets: each of its \(result.accounts.count) row(s) is a live credential",
          at: Origin(file: input.name, place: .whole),
          remedy: "Import it only to replace those tokens on purpose, and delete the file afterwards."))
    }
    return result
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var lines = [Self.header.joined(separator: ",")]
    var findings: [Finding] = []
    for (index, account) in accounts.enumerated() {
      let upn = upn ?? account.name
      guard upn.contains("@") else {
        throw OTPError.invalidArgument(
          "entra-csv needs a user principal name for every row, and \(account.displayName) has none; give --upn USER@DOMAIN")
      }
      guard account.secret.count <= Self.maximumSecretBytes else {
        throw OTPError.invalidArgument(
          "\(account.displayName): its secret is longer than the 128 base32 characters Entra accepts")
      }
      // Entra requires every cell; what the account does not have is filled in, and said.
      var filled: [String] = []
      func extra(_ name: String) -> String? { account.extraParameters.first { $0.name == name }?.value }
      if upn != account.name { filled.append("upn \(upn)") }
      let serial = extra("serial") ?? "OTPBRIDGE-\(String(format: "%04d", index + 1))"
      if extra("serial") == nil { filled.append("serial number \(serial)") }
      let manufacturer = account.issuer.isEmpty ? "otpbridge" : account.issuer
      if account.issuer.isEmpty { filled.append("manufacturer \(manufacturer)") }
      let model = extra("model") ?? "software token"
      if extra("model") == nil { filled.append("model \(model)") }
      if !filled.isEmpty {
        findings.append(
          Finding(
            .info, code: EntraCSVCode.cellsFilled,
            "\(account.displayName): Entra requires every cell, so these were filled in: \(filled.joined(separator: ", "))",
            at: account.origin))
      }
      lines.append(
        CSV.record([upn, serial, account.secret.revealBase32(), String(account.period), manufacturer, model]))
    }
    return WriteResult(bytes: Array((lines.joined(separator: "\r\n") + "\r\n").utf8), findings: findings)
  }
}

/// The findings the Entra ID OATH token CSV reader and writer report (docs/audit.md lists their meanings).
enum EntraCSVCode: String, FindingCode {
  case badInterval = "ENTRA_BAD_INTERVAL"
  case badSecret = "ENTRA_BAD_SECRET"
  case cellsFilled = "ENTRA_CELLS_FILLED"
  case noUPN = "ENTRA_NO_UPN"
  case tokenFile = "ENTRA_TOKEN_FILE"
}
