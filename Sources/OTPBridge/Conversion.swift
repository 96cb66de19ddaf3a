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
    _ reading: Reading, to target: any FormatPlugin, context: WriteContext = WriteContext(),
    readBackPassword: PasswordProvider = .none
  ) throws -> Conversion {
    guard target.descriptor.canWrite else { throw OTPError.cannotWrite(format: target.descriptor.id) }
    var report = LossReport(accounts: reading.accounts, skippedEntries: reading.skippedEntries, target: target.descriptor)
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
        let detail = (check.problems.map(\.description) + back.findings.map(\.description)).prefix(3)
        throw OTPError.writeFailed(
          path: context.outputName,
          reason: "the \(target.descriptor.id) output did not read back to the same accounts (\(detail.joined(separator: "; "))); this is a bug in otpbridge, please report it")
      }
      report.addChanges(readBack: back.accounts, pairing: pairing, target: target.descriptor)
    }
    return Conversion(report: report, output: written.bytes, findings: written.findings)
  }
}

extension LossReport {
  /// Adds to each outcome what reading the output back showed: text the writer was given that
  /// came back otherwise. A value the reader filled in where the account had none is no loss.
  /// `pairing` pairs the written accounts (`convertedAccounts`) with those read back.
  mutating func addChanges(readBack back: [Account], pairing: Verification.Pairing, target: FormatDescriptor) {
    let outcomeIndices = outcomes.indices.filter { outcomes[$0].converted != nil }
    let written = outcomeIndices.map { outcomes[$0].converted! }
    for (writtenIndex, backIndex) in pairing.pairs.enumerated() {
      guard let backIndex else { continue }
      let changes = Self.textChanges(written[writtenIndex], back[backIndex], target: target)
      outcomes[outcomeIndices[writtenIndex]].changes += changes
    }
  }

  static func textChanges(_ given: Account, _ back: Account, target: FormatDescriptor) -> [AccountChange] {
    func quoted(_ text: String) -> String { "\"\(text)\"" }
    func change(_ field: String, from: String, to: String) -> AccountChange {
      AccountChange(
        field: field, effect: .changed(from: from, to: to),
        reason: "\(target.displayName) gives it back so (found by reading the output back)", breaksCodes: false)
    }
    var changes: [AccountChange] = []
    if !given.issuer.isEmpty, given.issuer != back.issuer {
      changes.append(change("issuer", from: quoted(given.issuer), to: quoted(back.issuer)))
    }
    if !given.name.isEmpty, given.name != back.name {
      changes.append(change("name", from: quoted(given.name), to: quoted(back.name)))
    }
    if let prefix = given.labelIssuer, prefix != back.labelIssuer {
      changes.append(change(AccountField.labelIssuer.label, from: quoted(prefix), to: back.labelIssuer.map(quoted) ?? "none"))
    }
    if !given.note.isEmpty, given.note != back.note {
      // A note may hold recovery codes: its length only.
      changes.append(change("note", from: "\(given.note.count) characters", to: "other text of \(back.note.count) characters"))
    }
    if !given.groups.isEmpty, given.groups != back.groups {
      changes.append(change("groups", from: given.groups.map(quoted).joined(separator: ", "), to: back.groups.map(quoted).joined(separator: ", ")))
    }
    return changes
  }
}
