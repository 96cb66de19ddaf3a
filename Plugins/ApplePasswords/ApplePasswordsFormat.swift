import LoginItems
import OTPContainers
import OTPCore

/// The Passwords app's CSV export (iOS 18, macOS 15): `Title,URL,Username,Password,Notes,OTPAuth`,
/// one login a row, the one-time password as an otpauth URI. Read only for now: whether the app's
/// import takes a row without a password is not yet checked, and otpbridge never writes passwords.
public struct ApplePasswordsFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "apple-passwords",
    displayName: "Apple Passwords CSV",
    fileExtensions: ["csv"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp], algorithms: [.sha1, .sha256, .sha512], digits: 6...8, periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .note, .extraParameters], text: .spreadsheetCells),
    summary: "The Passwords app's CSV export (iOS 18, macOS 15): each login's OTPAuth column.")

  static let header = ["Title", "URL", "Username", "Password", "Notes", "OTPAuth"]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let firstLine = input.firstLine()?.lowercased() else { return .no }
    return firstLine.hasPrefix(Self.header.joined(separator: ",").lowercased()) ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let table = try CSV.table(of: input)
    guard table.hasColumn("title"), table.hasColumn("otpauth") else {
      throw OTPError.corrupted(
        file: input.name, place: "line 1", reason: "no Title and OTPAuth columns: not the Passwords app's CSV export")
    }
    let items = table.rows.lazy.map { row in
      let url = table.value("URL", in: row)
      let item = LoginItem(
        title: table.value("Title", in: row), username: table.value("Username", in: row), urls: url.isEmpty ? [] : [url],
        otp: table.value("OTPAuth", in: row), note: table.value("Notes", in: row))
      return (item: item, origin: Origin(file: input.name, place: .line(row.line)))
    }
    return LoginItem.read(items, file: input.name)
  }
}
