import Foundation
import OTPJSON

/// The account model as a documented, versioned JSON document (docs/formats/otpbridge-json.md,
/// docs/schema/otpbridge-json-v1.schema.json). It is the `otpbridge-json` format and the language
/// external plugins speak, so it lives here in the vocabulary module.
public enum NeutralJSON {
  public static let formatName = "otpbridge-json"
  public static let version = 1

  /// One account. Secrets and PINs are base32 (upper case, no padding); optional fields are
  /// omitted when empty, so a minimal record is `{"type": "totp", "secret": "…"}`.
  public struct Record: Codable, Sendable {
    // In the order of their names, the order the sorted file shows them in: the encoder then has
    // nothing to reorder.
    public var algorithm: HashAlgorithm?
    public var counter: UInt64?
    public var digits: Int?
    public var extraParameters: [Parameter]?
    public var favorite: Bool?
    public var groups: [String]?
    public var icon: String?
    public var issuer: String?
    public var labelIssuer: String?
    public var name: String?
    public var note: String?
    public var period: Int?
    public var pin: String?
    public var secret: String
    public var type: OTPKind

    public struct Parameter: Codable, Sendable {
      public var name: String
      public var value: String
    }

    public init(_ account: Account) {
      type = account.kind
      issuer = account.issuer.isEmpty ? nil : account.issuer
      name = account.name.isEmpty ? nil : account.name
      labelIssuer = account.labelIssuer
      secret = account.secret.revealBase32()
      algorithm = account.algorithm
      digits = account.digits
      period = account.kind.isCounterBased ? nil : account.period
      counter = account.kind.isCounterBased ? account.counter : nil
      pin = account.pin?.revealBase32()
      note = account.note.isEmpty ? nil : account.note
      favorite = account.favorite ? true : nil
      groups = account.groups.isEmpty ? nil : account.groups
      icon = account.icon
      extraParameters =
        account.extraParameters.isEmpty ? nil : account.extraParameters.map { Parameter(name: $0.name, value: $0.value) }
    }

    /// The account, or why the record is not one (never quoting the secret).
    public func account(origin: Origin) throws(EntryProblem) -> Account {
      func invalid(_ message: String) -> EntryProblem {
        EntryProblem(NeutralJSONCode.badAccount, message)
      }
      guard let bytes = try? Base32.decode(secret) else { throw invalid("the secret is not base32") }
      var pinBytes: [UInt8]?
      if let pin {
        guard let decoded = try? Base32.decode(pin) else { throw invalid("the pin is not base32") }
        pinBytes = decoded
      }
      try EntryProblem.checkParameters(
        kind: type, digits: digits ?? type.defaults.digits, period: period ?? type.defaults.period,
        badDigits: NeutralJSONCode.badAccount, badPeriod: NeutralJSONCode.badAccount)
      return Account(
        kind: type, issuer: issuer ?? "", name: name ?? "", labelIssuer: labelIssuer, secret: Secret(bytes),
        algorithm: algorithm, digits: digits, period: period, counter: counter ?? 0, pin: pinBytes.map(Secret.init),
        note: note ?? "", favorite: favorite ?? false, groups: groups ?? [], icon: icon,
        extraParameters: (extraParameters ?? []).map { ExtraParameter(name: $0.name, value: $0.value) }, origin: origin)
    }
  }

  /// A document to write; a value of its own so that it can travel inside other JSON (an
  /// external plugin's write request) in the same encoding pass.
  public struct Document: Encodable, Sendable {
    // In name order, as Record's.
    var accounts: [Record]
    var format = NeutralJSON.formatName
    var version = NeutralJSON.version

    public init(_ accounts: [Account]) {
      self.accounts = accounts.map(Record.init)
    }
  }

  /// A document as decoded, before its format and version are checked (`read(_:file:)`); a
  /// value of its own so that a document inside other JSON (an external plugin's reply) decodes
  /// in the same pass.
  public struct IncomingDocument: Decodable {
    var format: String
    var version: Int
    var accounts: [Lenient<Record>]
  }

  /// A document's records written between the rest of it, a part at a time (`EntryWriting`):
  /// the bytes `encode` gives, and a line break after them.
  public struct Entries: EntryWriter {
    let frame: JSONFrame
    public var head: [UInt8] { frame.head }
    public var separator: [UInt8] { frame.separator }
    public var tail: [UInt8] { frame.tail }

    /// `Document` with its accounts to be written apart.
    struct Frame: Encodable {
      var accounts = JSONElementsPlaceholder()
      var format = NeutralJSON.formatName
      var version = NeutralJSON.version
    }

    public init() throws {
      var frame = try NeutralJSON.encoder.frame(of: Frame())
      frame.tail.append(0x0a)
      self.frame = frame
    }

    public func writeEntries(_ accounts: ArraySlice<Account>, to bytes: inout [UInt8], findings: inout [Finding]) throws {
      for index in accounts.indices {
        if index > accounts.startIndex { bytes += frame.separator }
        try NeutralJSON.encoder.encode(Record(accounts[index]), appendingTo: &bytes, indent: frame.indent)
      }
    }
  }

  static let encoder = JSONStreamEncoder(prettyPrinted: true, sortedKeys: true)

  public static func encode(_ accounts: [Account]) throws -> [UInt8] {
    // Sorted keys make the output the same on every platform; "format" then sits near the end.
    // The bytes of `JSONEncoder` with `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes`.
    try encoder.encode(Document(accounts))
  }

  /// Reads a document; a record that is not an account becomes a finding at its 1-based index.
  public static func decode(_ bytes: [UInt8], file: String) throws -> ReadResult {
    let document: IncomingDocument
    do {
      document = try JSONTapeDecoder().decode(IncomingDocument.self, from: bytes)
    } catch {
      let reason = (error as? DecodingError)?.summary() ?? "\(error)"
      throw OTPError.corrupted(file: file, place: nil, reason: "not an \(formatName) document: \(reason)")
    }
    return try read(document, file: file)
  }

  /// The accounts of a decoded document, once its format and version are known.
  public static func read(_ document: IncomingDocument, file: String) throws -> ReadResult {
    guard document.format == formatName else {
      throw OTPError.corrupted(file: file, place: "format", reason: "the document says it is '\(document.format.prefix(40))'")
    }
    guard document.version == version else {
      throw OTPError.unsupportedVersion(file: file, version: String(document.version), supported: String(version))
    }
    return ReadResult(entries: document.accounts, file: file, badEntry: NeutralJSONCode.badAccount) { record, origin, _ in
      try record.account(origin: origin)
    }
  }
}

/// The findings of reading an otpbridge-json document.
public enum NeutralJSONCode: String, FindingCode {
  case badAccount = "JSON_BAD_ACCOUNT"
}
