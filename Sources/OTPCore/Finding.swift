/// Something a reader, writer or check noticed that did not stop the file as a whole: a skipped
/// entry, a value it had to interpret. Findings never contain secret text.
public struct Finding: Sendable, Hashable, CustomStringConvertible {
  public enum Severity: Int, Sendable, Comparable, CaseIterable, Codable {
    case info, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

    public var label: String {
      switch self {
      case .info: return "info"
      case .warning: return "warning"
      case .error: return "error"
      }
    }
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

  public init(
    _ severity: Severity, code: String, _ message: String, at origin: Origin? = nil,
    remedy: String? = nil, entrySkipped: Bool = false
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.origin = origin
    self.remedy = remedy
    self.entrySkipped = entrySkipped
  }

  public var description: String {
    var text = ""
    if let origin { text += "\(origin): " }
    text += "\(severity.label): \(message)"
    if let remedy { text += " (\(remedy))" }
    return text
  }
}
