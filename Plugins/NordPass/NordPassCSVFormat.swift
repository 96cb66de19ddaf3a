import OTPContainers
import OTPCore

/// NordPass's CSV export (`name,url,username,password,note,cardholdername,...,folder,...,type`; newer
/// versions add `additional_urls`, `pin`, `custom_fields` and `shared_folder`, as Bitwarden's,
/// Proton Pass's and Keeper Commander's importers read it). It has no column for a one-time
/// password in any version, and NordPass's importers read none: NordPass keeps its 2FA codes' secrets
/// out of its export. So it is recognised to say so, with what to do, rather than to read accounts.
public struct NordPassCSVFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "nordpass-csv",
    displayName: "NordPass CSV export",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(kinds: [], algorithms: [], digits: 6...6, periods: .range(30...30), fields: []),
    summary: "NordPass's CSV export: recognised to say it holds no one-time passwords, and what to do.",
    findingCodes: NordPassCode.codes)

  /// The first columns of every NordPass layout, before and after `additional_urls` was added.
  static let headers = [
    "name,url,username,password,note,cardholdername", "name,url,additional_urls,username,password,note,cardholdername",
  ]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine()?.lowercased() else { return .no }
    return Self.headers.contains(where: firstLine.hasPrefix) ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("name"), table.hasColumn("type") else {
      throw OTPError.corrupted(file: input.name, place: "line 1", reason: "no name and type columns: not a NordPass CSV export")
    }
    let logins = table.rows.count { table.value("type", in: $0) == "password" }
    let finding = Finding(
      .error, code: NordPassCode.noOneTimePasswords,
      "NordPass's CSV export holds no one-time passwords: NordPass leaves its 2FA codes' secrets out of every export (\(logins) login(s) here, none with one)",
      at: Origin(file: input.name, place: .whole),
      remedy:
        "Keep NordPass until each account shows codes in the new app: at each service, open its two-factor settings, choose to change or set up the authenticator app again, and scan the new QR code with the app you are moving to."
    )
    return ReadResult(accounts: [], findings: [finding])
  }
}

/// The findings of the NordPass reader (docs/audit.md lists their meanings).
enum NordPassCode: String, FindingCode {
  case noOneTimePasswords = "NORDPASS_NO_ONE_TIME_PASSWORDS"
}
