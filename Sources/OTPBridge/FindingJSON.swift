import OTPCore

/// A finding in the one JSON shape every command prints (docs/schema/finding-v1.schema.json):
/// `inspect`, `codes`, `convert`, `verify` and `audit --json`, and the tenant report. Never a
/// secret: messages are made without them.
public struct FindingJSON: Sendable, Codable, Hashable {
  public var severity: Finding.Severity
  /// A stable identifier for scripts, e.g. `OTPAUTH_BAD_SECRET` (docs/audit.md lists them).
  public var code: String
  /// The file the finding is about; absent for a finding about the whole run.
  public var file: String?
  public var line: Int?
  public var entry: Int?
  /// The account's label (issuer and name), when the finding is about one account.
  public var account: String?
  public var message: String
  public var remedy: String?
  /// True for findings about Microsoft accounts, which audits list first.
  public var microsoft: Bool

  /// `finding` as JSON, its file taken from its origin unless `file` names it.
  public init(_ finding: Finding, file: String? = nil) {
    var line: Int?, entry: Int?
    switch finding.origin?.place {
    case .line(let number): line = number
    case .entry(let number): entry = number
    default: break
    }
    self.severity = finding.severity
    self.code = finding.code
    self.file = file ?? finding.origin?.file
    self.line = line
    self.entry = entry
    self.account = nil
    self.message = finding.message
    self.remedy = finding.remedy
    self.microsoft = finding.code.hasPrefix("MS_")
  }
}
