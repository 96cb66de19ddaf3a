import OTPCore

/// The JSON shape `inspect --json` and `codes --json` print for an account. The secret and the
/// note (which often holds recovery codes) appear only when the caller asks for secrets;
/// otherwise `noteCharacters` says how long the note is.
public struct AccountJSON: Encodable, Sendable {
  public var type: String
  public var issuer: String
  public var name: String
  public var labelIssuer: String?
  public var algorithm: String
  public var digits: Int
  public var period: Int?
  public var counter: UInt64?
  public var secret: String?
  public var note: String?
  public var noteCharacters: Int?
  public var favorite: Bool
  public var groups: [String]
  public var origin: String
  public var code: String?
  public var codeError: String?

  public init(_ account: Account, showSecret: Bool, code: String? = nil, codeError: String? = nil) {
    type = account.kind.rawValue
    issuer = account.issuer
    name = account.name
    labelIssuer = account.labelIssuer
    algorithm = account.algorithm.rawValue
    digits = account.digits
    period = account.kind.isCounterBased ? nil : account.period
    counter = account.kind.isCounterBased ? account.counter : nil
    secret = showSecret ? (account.kind == .motp ? account.secret.revealHex() : account.secret.revealBase32()) : nil
    note = showSecret && !account.note.isEmpty ? account.note : nil
    noteCharacters = showSecret || account.note.isEmpty ? nil : account.note.count
    favorite = account.favorite
    groups = account.groups
    origin = account.origin.description
    self.code = code
    self.codeError = codeError
  }
}
