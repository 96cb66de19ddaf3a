import OTPCore
import OTPJSON

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

/// JSON output of many accounts written as it is made, in pieces of about 1 MiB, in the very bytes
/// `JSONEncoder` with `.prettyPrinted`, `.sortedKeys` and `.withoutEscapingSlashes` would print for
/// the whole array at once (AccountJSONTests compares them), without the tree of a million values
/// it builds first. Keys are written in sorted order by hand: a new field of `AccountJSON` needs
/// its line in `appendPretty`, and the test fails until it has one.
public struct PrettyJSONStream<Failure: Error> {
  var bytes: [UInt8] = []
  let write: ([UInt8]) throws(Failure) -> Void

  public init(write: @escaping ([UInt8]) throws(Failure) -> Void) {
    self.write = write
    bytes.reserveCapacity(1 << 20 + 65_536)
  }

  /// `{"accounts": [...], "findings": [...]}`, as `inspect --json` prints it.
  public mutating func writeInspection(count: Int, account: (Int) -> AccountJSON, findings: [String]) throws(Failure) {
    bytes += Array("{\n  \"accounts\" : ".utf8)
    try writeArray(count: count, indent: 2, account: account)
    bytes += Array(",\n  \"findings\" : ".utf8)
    appendArray(findings, indent: 2)
    bytes += Array("\n}\n".utf8)
    try finish()
  }

  /// `[...]` of accounts, as `codes --json` prints it.
  public mutating func writeAccounts(count: Int, account: (Int) -> AccountJSON) throws(Failure) {
    try writeArray(count: count, indent: 0, account: account)
    bytes.append(0x0A)
    try finish()
  }

  mutating func writeArray(count: Int, indent: Int, account: (Int) -> AccountJSON) throws(Failure) {
    guard count > 0 else { return appendEmptyArray(indent: indent) }
    bytes += Array("[\n".utf8)
    for index in 0..<count {
      if index > 0 { bytes += Array(",\n".utf8) }
      account(index).appendPretty(to: &bytes, indent: indent + 2)
      if bytes.count >= 1 << 20 {
        try write(bytes)
        bytes.removeAll(keepingCapacity: true)
      }
    }
    bytes.append(0x0A)
    appendIndent(indent)
    bytes.append(UInt8(ascii: "]"))
  }

  mutating func finish() throws(Failure) {
    if !bytes.isEmpty { try write(bytes) }
    bytes.removeAll()
  }

  mutating func appendArray(_ texts: [String], indent: Int) {
    guard !texts.isEmpty else { return appendEmptyArray(indent: indent) }
    AccountJSON.appendStrings(texts, to: &bytes, indent: indent)
  }

  mutating func appendEmptyArray(indent: Int) {
    AccountJSON.appendEmptyArray(to: &bytes, indent: indent)
  }

  mutating func appendIndent(_ count: Int) {
    bytes += repeatElement(0x20, count: count)
  }
}

extension AccountJSON {
  /// The object at `indent` spaces, its members two further in, keys in sorted order.
  func appendPretty(to bytes: inout [UInt8], indent: Int) {
    bytes += repeatElement(0x20, count: indent)
    bytes.append(UInt8(ascii: "{"))
    var first = true
    func key(_ name: StaticString) {
      bytes += first ? [0x0A] : [UInt8(ascii: ","), 0x0A]
      first = false
      bytes += repeatElement(0x20, count: indent + 2)
      bytes.append(UInt8(ascii: "\""))
      bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
      bytes += Array("\" : ".utf8)
    }
    func text(_ name: StaticString, _ value: String?) {
      guard let value else { return }
      key(name)
      JSONText.appendQuoted(value, to: &bytes)
    }
    func number(_ name: StaticString, _ value: (some FixedWidthInteger)?) {
      guard let value else { return }
      key(name)
      bytes += Array(String(value).utf8)
    }
    text("algorithm", algorithm)
    text("code", code)
    text("codeError", codeError)
    number("counter", counter)
    number("digits", digits)
    key("favorite")
    bytes += Array((favorite ? "true" : "false").utf8)
    key("groups")
    if groups.isEmpty {
      Self.appendEmptyArray(to: &bytes, indent: indent + 2)
    } else {
      Self.appendStrings(groups, to: &bytes, indent: indent + 2)
    }
    text("issuer", issuer)
    text("labelIssuer", labelIssuer)
    text("name", name)
    text("note", note)
    number("noteCharacters", noteCharacters)
    text("origin", origin)
    number("period", period)
    text("secret", secret)
    text("type", type)
    bytes.append(0x0A)
    bytes += repeatElement(0x20, count: indent)
    bytes.append(UInt8(ascii: "}"))
  }

  /// `[` and a line for each string, `indent` spaces for the closing bracket.
  static func appendStrings(_ texts: [String], to bytes: inout [UInt8], indent: Int) {
    bytes += Array("[\n".utf8)
    for (index, text) in texts.enumerated() {
      if index > 0 { bytes += Array(",\n".utf8) }
      bytes += repeatElement(0x20, count: indent + 2)
      JSONText.appendQuoted(text, to: &bytes)
    }
    bytes.append(0x0A)
    bytes += repeatElement(0x20, count: indent)
    bytes.append(UInt8(ascii: "]"))
  }

  /// An empty array as `JSONEncoder` pretty-prints it: a blank line inside.
  static func appendEmptyArray(to bytes: inout [UInt8], indent: Int) {
    bytes += Array("[\n\n".utf8)
    bytes += repeatElement(0x20, count: indent)
    bytes.append(UInt8(ascii: "]"))
  }
}
