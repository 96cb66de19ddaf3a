import OTPContainers
import OTPCore

/// Which user each hardware token goes to: a CSV `serial,upn` (docs/tenant.md, "Vendor token
/// seeds into Entra ID"). Applied after reading: every account's name becomes the UPN of its
/// `serial` extra parameter, so the entra-csv writer puts each token on its user's row.
public struct Assignment: Sendable {
  /// UPN by serial, as the file lists them.
  public var upns: [String: String]
  public var file: String

  public init(upns: [String: String], file: String) {
    self.upns = upns
    self.file = file
  }

  /// Reads `serial,upn` (header required, case and spaces in it ignored). A row without both, or
  /// a serial listed twice with different users, makes the file unusable: assigning a token to
  /// the wrong person is worse than stopping.
  public static func read(path: String) throws -> Assignment {
    let table = try CSV.table(of: try Files.read(path))
    guard table.hasColumn("serial"), table.hasColumn("upn") else {
      throw OTPError.corrupted(file: path, place: "line 1", reason: "the header has no serial and upn columns")
    }
    var upns: [String: String] = [:]
    for row in table.rows {
      let serial = table.value("serial", in: row).trimmingWhitespace()
      let upn = table.value("upn", in: row).trimmingWhitespace()
      guard !serial.isEmpty, upn.contains("@") else {
        throw OTPError.corrupted(
          file: path, place: "line \(row.line)", reason: "the row needs a serial and a user principal name")
      }
      if let earlier = upns[serial], earlier != upn {
        throw OTPError.corrupted(file: path, place: "line \(row.line)", reason: "serial \(serial) is assigned to two users")
      }
      upns[serial] = upn
    }
    return Assignment(upns: upns, file: path)
  }

  /// `reading` with every account named after the UPN of its serial. An account without a serial,
  /// or with one the file does not list, is left out with an error finding: it counts as a loss.
  public func apply(to reading: Reading) -> Reading {
    var reading = reading
    var used: Set<String> = []
    for index in reading.files.indices {
      var kept: [Account] = []
      for var account in reading.files[index].result.accounts {
        let serial = account.extraParameters.first { $0.name == "serial" }?.value
        guard let serial, let upn = upns[serial] else {
          let what = serial.map { "its serial \($0) is not in \(file)" } ?? "it has no serial number to look up in \(file)"
          reading.files[index].result.findings.append(
            Finding(
              .error, code: BridgeCode.assignUnassigned, "\(account.displayName): \(what); the token was left out",
              at: account.origin,
              remedy: "Add a serial,upn row for it, or leave it out on purpose.", entrySkipped: true))
          continue
        }
        used.insert(serial)
        account.name = upn
        kept.append(account)
      }
      reading.files[index].result.accounts = kept
    }
    let unused = upns.keys.filter { !used.contains($0) }.sorted()
    if !unused.isEmpty, !reading.files.isEmpty {
      reading.files[0].result.findings.append(
        Finding(
          .warning, code: BridgeCode.assignSerialNotFound,
          "\(unused.count) serial(s) in \(file) match no token read: \(unused.prefix(10).joined(separator: ", "))",
          at: Origin(file: file, place: .whole)))
    }
    return reading
  }
}
