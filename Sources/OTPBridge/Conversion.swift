import OTPCore

/// A conversion: the loss report, the written bytes, and the proof that they read back.
public struct Conversion: Sendable {
  public var report: LossReport
  public var output: [UInt8]
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
      let input = InputFile(name: context.outputName, bytes: written.bytes)
      let back = try target.read(input, context: ReadContext(password: readBackPassword))
      let pairing = Verification.Pairing(source: accounts, converted: back.accounts)
      let check = Verification.compare(
        source: accounts, converted: back.accounts, instants: Verification.instants(now: 0), pairing: pairing,
        trustingEqualValues: true)
      guard check.passed, back.findings.allSatisfy({ $0.severity < .error }) else {
        throw readBackFailure(
          target: target.descriptor, output: context.outputName,
          details: check.problems.map(\.description) + back.findings.map(\.description))
      }
      report.addChanges(readBack: back.accounts, pairs: pairing.pairs, target: target.descriptor)
    }
    return Conversion(report: report, output: written.bytes, findings: written.findings)
  }

  /// The error of an output that does not read back as it should: a bug, named as one.
  static func readBackFailure(target: FormatDescriptor, output: String, details: [String]) -> OTPError {
    OTPError.writeFailed(
      path: output,
      reason:
        "the \(target.id) output did not read back to the same accounts (\(details.prefix(3).joined(separator: "; "))); this is a bug in otpbridge, please report it"
    )
  }
}
