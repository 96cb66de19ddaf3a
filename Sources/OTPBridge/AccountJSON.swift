import OTPCore
import OTPJSON

/// The JSON shape `inspect --json` and `codes --json` print for an account. The secret and the
/// note (which often holds recovery codes) appear only when the caller asks for secrets;
/// otherwise `noteCharacters` says how long the note is.
public struct AccountJSON: Encodable, Sendable {
  // In the order of their names, the order the JSON prints them in: the encoder then has nothing
  // to put in order.
  public var algorithm: String
  public var code: String?
  public var codeError: String?
  public var counter: UInt64?
  public var digits: Int
  public var favorite: Bool
  public var groups: [String]
  public var issuer: String
  public var labelIssuer: String?
  public var name: String
  public var note: String?
  public var noteCharacters: Int?
  public var origin: String
  public var period: Int?
  public var secret: String?
  public var type: String

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

/// JSON output of many accounts written as it is made, in pieces of about 1 MiB, the accounts of
/// a long list encoded on every core: the bytes
/// `JSONEncoder` with `.prettyPrinted`, `.sortedKeys` and `.withoutEscapingSlashes` would print for
/// the whole array at once (AccountJSONTests compares them), each account encoded by
/// `JSONStreamEncoder` in its place, without a tree of a million values.
public struct PrettyJSONStream<Failure: Error> {
  var output: OutputPieces<Failure>
  let encoder = JSONStreamEncoder(prettyPrinted: true, sortedKeys: true)

  public init(write: @escaping ([UInt8]) throws(Failure) -> Void) {
    output = OutputPieces(write: write)
  }

  /// `{"accounts": [...], "findings": [...], "version": 1}`, as `inspect --json` and `codes --json`
  /// print it (docs/schema/inspect-v1.schema.json, codes-v1.schema.json).
  public mutating func writeAccountList(
    count: Int, account: @Sendable (Int) -> AccountJSON, findings: [FindingJSON]
  ) throws(Failure) {
    output.bytes += Array("{\n  \"accounts\" : ".utf8)
    try writeArray(count: count, indent: 1, account: account)
    output.bytes += Array(",\n  \"findings\" : ".utf8)
    append(findings, indent: 1)
    output.bytes += Array(",\n  \"version\" : 1\n}\n".utf8)
    try output.finish()
  }

  /// The array at `indent` levels, its elements one further in. A long array's elements are
  /// encoded a chunk at a time on every core, and written in order.
  mutating func writeArray(count: Int, indent: Int, account: @Sendable (Int) -> AccountJSON) throws(Failure) {
    guard count > 0 else { return append([String](), indent: indent) }
    output.bytes.append(UInt8(ascii: "["))
    let chunks = Parallel.chunks(of: count, size: 8192)
    let workers = count < 32_768 ? 1 : Parallel.cores
    try Parallel.inOrder(chunks, workers: workers) { [encoder] chunk in
      var part: [UInt8] = []
      for index in chunk {
        if index > 0 { part.append(UInt8(ascii: ",")) }
        part.append(0x0A)
        part += repeatElement(0x20, count: 2 * (indent + 1))
        // A value of strings, numbers and containers cannot fail to encode.
        try! encoder.encode(account(index), appendingTo: &part, indent: indent + 1)
      }
      return part
    } use: { (part: [UInt8]) throws(Failure) in
      try output.append(part)
    }
    output.bytes.append(0x0A)
    output.bytes += repeatElement(0x20, count: 2 * indent)
    output.bytes.append(UInt8(ascii: "]"))
  }

  /// A value of strings, numbers and containers cannot fail to encode.
  mutating func append(_ value: some Encodable, indent: Int) {
    try! encoder.encode(value, appendingTo: &output.bytes, indent: indent)
  }
}
