import OTPCore

/// `convert --json` (docs/schema/convert-v1.schema.json): the loss report, what was written and
/// where, or why nothing was. Never a secret: the report's values are made without them.
public struct ConvertJSON: Encodable, Sendable {
  public struct Change: Encodable, Sendable {
    /// "period", "digits", "note", "extra parameter icon", …
    public var field: String
    public var from: String?
    public var to: String?
    /// What was dropped, described without revealing it.
    public var dropped: String?
    public var reason: String
    /// True when the change alone makes the codes differ.
    public var breaksCodes: Bool
  }

  /// An account the target does not keep as it is.
  public struct Outcome: Encodable, Sendable {
    public var account: String
    public var origin: String
    public var status: AccountOutcome.Status
    public var changes: [Change]
    /// Why the whole account is dropped, when it is.
    public var reason: String?
  }

  public struct Counts: Encodable, Sendable {
    public var kept: Int
    public var changed: Int
    public var dropped: Int
    /// Entries no reader could read.
    public var unreadable: Int
    /// Exports with parts missing (a Google transfer without one of its QR codes).
    public var incompleteExports: Int
    /// Accounts in the output: kept and changed.
    public var written: Int
  }

  public struct Output: Encodable, Sendable {
    /// The file written; "-" for standard output.
    public var path: String
    public var encrypted: Bool

    public init(path: String, encrypted: Bool) {
      self.path = path
      self.encrypted = encrypted
    }
  }

  public struct QRCodes: Encodable, Sendable {
    /// png, svg or html.
    public var kind: String
    public var path: String
    public var codes: Int
  }

  public var version = 1
  public var target: String
  /// True when the output (and the QR codes) were written.
  public var written: Bool
  /// Why nothing was written: the refusal or the error, as standard error says it.
  public var error: String?
  public var output: Output?
  public var qr: QRCodes?
  public var counts: Counts
  /// The accounts changed or dropped, in source order; those kept as they are are only counted.
  public var accounts: [Outcome]
  /// Entries that could not be read, and exports with parts missing: lost to the conversion.
  public var unreadable: [FindingJSON]
  /// What reading and writing noticed besides.
  public var findings: [FindingJSON]

  public init(report: LossReport, notes: [Finding]) {
    target = report.targetFormat
    written = false
    let notKept = report.outcomes.filter { $0.status != .kept }
    counts = Counts(
      kept: report.keptCount, changed: notKept.count { $0.status == .changed },
      dropped: notKept.count { $0.status == .dropped }, unreadable: report.unreadableCount,
      incompleteExports: report.incompleteExportCount, written: report.writtenCount)
    accounts = notKept.map { outcome in
      Outcome(
        account: outcome.source.displayName, origin: outcome.source.origin.description, status: outcome.status,
        changes: outcome.changes.map { change in
          switch change.effect {
          case .changed(let from, let to):
            return Change(
              field: change.field.label, from: from, to: to, reason: change.reason, breaksCodes: change.breaksCodes)
          case .dropped(let what):
            return Change(field: change.field.label, dropped: what, reason: change.reason, breaksCodes: change.breaksCodes)
          }
        }, reason: outcome.dropReason)
    }
    unreadable = report.skippedEntries.map { FindingJSON($0) }
    findings = notes.map { FindingJSON($0) }
  }
}

/// `verify --json` (docs/schema/verify-v1.schema.json): each source account's result.
public struct VerifyJSON: Encodable, Sendable {
  public struct SourceAccount: Encodable, Sendable {
    public var account: String
    public var origin: String
    public var result: Verification.SourceResult
    /// Where its converted account is; absent when it is missing.
    public var convertedOrigin: String?
  }

  /// A converted account no source account has.
  public struct Unexpected: Encodable, Sendable {
    public var account: String
    public var origin: String
  }

  public var version = 1
  public var passed: Bool
  public var sources: [String]
  public var converted: String
  public var accounts: [SourceAccount]
  public var unexpected: [Unexpected]
  /// The Unix times time-based codes were compared at.
  public var instants: [Int64]
  public var findings: [FindingJSON]

  public init(
    _ verification: Verification, pairing: Verification.Pairing, source: [Account], converted: [Account],
    files: (sources: [String], converted: String), findings: [Finding]
  ) {
    passed = verification.passed
    sources = files.sources
    self.converted = files.converted
    accounts = source.indices.map { index in
      SourceAccount(
        account: source[index].displayName, origin: source[index].origin.description,
        result: verification.sourceResults[index],
        convertedOrigin: pairing.pairs[index].map { converted[$0].origin.description })
    }
    unexpected = pairing.unpaired.map { Unexpected(account: converted[$0].displayName, origin: converted[$0].origin.description) }
    instants = verification.instantsChecked
    self.findings = findings.map { FindingJSON($0) }
  }
}
