/// Something a reader, writer or check noticed that did not stop the file as a whole: a skipped
/// entry, a value it had to interpret. Findings never contain secret text.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
  /// Encoded as its label ("info", "warning", "error"), as the audit's JSON shows it.
  public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case info, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    var rank: Int {
      switch self {
      case .info: return 0
      case .warning: return 1
      case .error: return 2
      }
    }

    public var label: String { rawValue }
  }

  public var severity: Severity
  /// A stable identifier for scripts, in UPPER_SNAKE_CASE, e.g. `OTPAUTH_BAD_SECRET`.
  public var code: String
  public var message: String
  public var origin: Origin?
  /// What the user can do about it, when there is something.
  public var remedy: String?
  /// True when the entry at `origin` was not read: it is missing from the accounts.
  public var entrySkipped: Bool
  /// On a finding that says parts of an export are missing: the export (`ExportPart.export`).
  /// Inputs read together replace these findings with one for the whole run
  /// (`ExportPart.missingParts`), and the loss report counts no accounts for them: how many the
  /// missing parts held is unknown.
  public var missingPartsOf: String?

  /// A finding whose code is already text: an `EntryProblem`'s, a verdict's, or an external
  /// plugin's own. Everything else names a `FindingCode`.
  public init(
    _ severity: Severity, rawCode code: String, _ message: String, at origin: Origin? = nil,
    remedy: String? = nil, entrySkipped: Bool = false, missingPartsOf: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.origin = origin
    self.remedy = remedy
    self.entrySkipped = entrySkipped
    self.missingPartsOf = missingPartsOf
  }

  public init(
    _ severity: Severity, code: some FindingCode, _ message: String, at origin: Origin? = nil,
    remedy: String? = nil, entrySkipped: Bool = false, missingPartsOf: String? = nil
  ) {
    self.init(
      severity, rawCode: code.rawValue, message, at: origin, remedy: remedy, entrySkipped: entrySkipped,
      missingPartsOf: missingPartsOf)
  }

  public var description: String {
    var text = ""
    if let origin { text += "\(origin): " }
    text += "\(severity.label): \(message)"
    if let remedy { text += " (\(remedy))" }
    return text
  }
}
