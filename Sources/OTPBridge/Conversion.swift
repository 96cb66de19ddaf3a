import OTPCore

/// A conversion: the loss report, the written bytes, and the proof that they read back.
public struct Conversion: Sendable {
  public var report: LossReport
  public var output: [UInt8]
  /// For a format that writes a folder: its files (`output` is then empty).
  public var files: [WrittenFile]
  /// What the writer noticed.
  public var findings: [Finding]

  /// Fits the accounts of `reading` to `target`, writes them, and reads the result back with the
  /// same plugin to check that every written account gives the codes it should. A writer that
  /// cannot read its own output back is a bug, reported as a failed write: nothing is written. A
  /// name, issuer, note or group that comes back different (a colon or a space the format cannot
  /// keep) is added to the loss report as a change.
  public static func run(
    _ reading: consuming Reading, to target: any FormatPlugin, context: WriteContext = WriteContext(),
    readBackPassword: PasswordProvider = .none
  ) throws -> Conversion {
    guard target.descriptor.canWrite else { throw OTPError.cannotWrite(format: target.descriptor.id) }
    var report = LossReport(accounts: reading.accounts, skippedEntries: reading.skippedEntries, target: target.descriptor)
    _ = consume reading
    let accounts = report.convertedAccounts
    let written = try target.write(accounts, context: context)
    if target.descriptor.canRead {
      let (back, pairing) = try readBack(
        written, given: accounts, target: target, context: context, password: readBackPassword)
      report.addChanges(readBack: back, pairs: pairing.pairs, target: target.descriptor)
    }
    return Conversion(report: report, output: written.bytes, files: written.files, findings: written.findings)
  }

  /// Reads `bytes` back with `target` and checks that they hold the accounts the writer was
  /// given: the same codes (compared by the values codes are made from, else computed) and no
  /// error finding. Output that does not is a bug, and the error names it so. Returns the
  /// accounts read back and which of them each given account became.
  static func readBack(
    _ written: WriteResult, given accounts: [Account], target: any FormatPlugin, context: WriteContext,
    password: PasswordProvider
  ) throws -> (accounts: [Account], pairing: Verification.Pairing) {
    let back = try target.readWritten(written, name: context.outputName, context: ReadContext(password: password))
    let pairing = Verification.Pairing(source: accounts, converted: back.accounts)
    let check = Verification.compare(
      source: accounts, converted: back.accounts, instants: Verification.instants(now: 0), pairing: pairing,
      trustingEqualValues: true)
    guard check.passed, back.findings.allSatisfy({ $0.severity < .error }) else {
      let details = (check.problems.map(\.description) + back.findings.map(\.description)).prefix(3)
      throw OTPError.writeFailed(
        path: context.outputName,
        reason:
          "the \(target.descriptor.id) output did not read back to the same accounts (\(details.joined(separator: "; "))); this is a bug in otpbridge, please report it"
      )
    }
    return (back.accounts, pairing)
  }
}
