import Foundation
import OTPCore
import OTPJSON
import TestSupport
import Testing

/// `JSONStreamEncoder` must write what `JSONEncoder` (compact, `.withoutEscapingSlashes`) writes,
/// but for member order, which it keeps as encoded.
@Suite struct JSONStreamEncoderTests {
  struct Vault: Codable, Equatable {
    var version = 1
    var name = "Zoë's \"vault\"\n\t/ 日本 😀 \u{1}\u{1f}\u{7f}"
    var empty = ""
    var flags = [true, false]
    var numbers: [Int64] = [0, -1, .max, .min]
    var unsigned: [UInt64] = [0, .max]
    var small: [Int8] = [-128, 127]
    var ratio = 0.25
    var whole = 30.0
    var missing: String? = nil
    var entries: [Entry] = [Entry(uuid: "a", info: ["secret": "JBSWY3DP"]), Entry(uuid: "b", info: [:])]
    var nested: [[String]] = [[], ["x"], ["y", "z"]]
  }

  struct Entry: Codable, Equatable {
    var uuid: String
    var info: [String: String]
  }

  let foundation: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return encoder
  }()

  @Test func decodesToTheSameValueAsFoundationsOutput() throws {
    let vault = Vault()
    let streamed = try JSONStreamEncoder().encode(vault)
    #expect(try JSONDecoder().decode(Vault.self, from: Data(streamed)) == vault)
    let ours = try JSONSerialization.jsonObject(with: Data(streamed)) as? NSDictionary
    let theirs = try JSONSerialization.jsonObject(with: foundation.encode(vault)) as? NSDictionary
    #expect(ours != nil && ours == theirs)
  }

  @Test func membersComeInTheOrderTheyAreEncoded() throws {
    let text = String(decoding: try JSONStreamEncoder().encode(Entry(uuid: "u", info: [:])), as: UTF8.self)
    #expect(text == #"{"uuid":"u","info":{}}"#)
    let vault = String(decoding: try JSONStreamEncoder().encode(Vault()), as: UTF8.self)
    #expect(vault.hasPrefix(#"{"version":1,"name":"#))
    #expect(vault.contains(#""ratio":0.25,"whole":30,"entries":[{"uuid":"a","info":{"secret":"JBSWY3DP"}},"#))
    #expect(!vault.contains("missing"))
  }

  @Test(arguments: [
    "", "plain", "quote \" backslash \\ slash /", "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f} \u{7f}",
    "Zoë 日本 😀", String(repeating: "long text without escapes ", count: 9), "tail\"", "\"head",
  ])
  func stringsAreEscapedByteForByteAsFoundationDoes(text: String) throws {
    #expect(try JSONStreamEncoder().encode(text) == Array(try foundation.encode(text)))
  }

  func quoted(_ text: String) throws -> String {
    String(decoding: try JSONStreamEncoder().encode(text), as: UTF8.self)
  }

  /// Proton's serde_json escapes exactly these (formats.md §0.3).
  @Test func stringsEscapedAsSerdeJSONDoes() throws {
    #expect(try quoted("a/b") == #""a/b""#)
    #expect(try quoted("say \"hi\"\\") == #""say \"hi\"\\""#)
    #expect(try quoted("tab\tline\ncr\r\u{08}\u{0C}\u{01}\u{1F}") == #""tab\tline\ncr\r\b\f\u0001\u001f""#)
    #expect(try quoted("Zoë 🔐") == "\"Zoë 🔐\"")
  }

  @Test func quotedTextReadsBackAsTheSameString() throws {
    // Foundation's parser is the independent check that every quoted text is valid JSON.
    let texts = [
      "", "plain", "a\"b\\c/d", "\u{00}\u{07}\u{1B}\u{7F}", "line\u{2028}sep", "Zoë 🔐 中文", String(repeating: "x\n", count: 500),
    ]
    for text in texts {
      #expect(try JSONDecoder().decode(String.self, from: Data(try quoted(text).utf8)) == text)
    }
  }

  @Test func numbersAsFoundationWritesThem() throws {
    for value: Int64 in [0, 7, -7, 1_000_000, .max, .min] {
      #expect(try JSONStreamEncoder().encode(value) == Array(try foundation.encode(value)))
    }
    #expect(try JSONStreamEncoder().encode(UInt64.max) == Array(try foundation.encode(UInt64.max)))
    #expect(try JSONStreamEncoder().encode([30.0, -2.0]) == Array(try foundation.encode([30.0, -2.0])))
  }

  /// A type that writes to its own container after a nested one (Aegis's entry writes `groups`
  /// after `info`): the nested object is closed first.
  struct AfterNested: Encodable {
    var writeToClosedNested = false

    enum Keys: String, CodingKey { case info, groups, secret }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: Keys.self)
      var info = container.nestedContainer(keyedBy: Keys.self, forKey: .info)
      try info.encode("S", forKey: .secret)
      try container.encode(["g"], forKey: .groups)
      if writeToClosedNested { try info.encode("late", forKey: .secret) }
    }
  }

  @Test func aContainerIsClosedWhenTheOneAboveItWritesAgain() throws {
    #expect(
      String(decoding: try JSONStreamEncoder().encode(AfterNested()), as: UTF8.self) == #"{"info":{"secret":"S"},"groups":["g"]}"#
    )
    #expect(throws: EncodingError.self) { try JSONStreamEncoder().encode(AfterNested(writeToClosedNested: true)) }
  }

  struct WritesNothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
  }

  struct ExplicitNull: Encodable {
    var note: String? = nil
    enum CodingKeys: CodingKey { case note }
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(note, forKey: .note)
    }
  }

  @Test func emptyValuesAndNulls() throws {
    #expect(try JSONStreamEncoder().encode([WritesNothing()]) == Array(#"[{}]"#.utf8))
    #expect(try JSONStreamEncoder().encode(ExplicitNull()) == Array(try foundation.encode(ExplicitNull())))
    #expect(try JSONStreamEncoder().encode([String?.none, "x"]) == Array(#"[null,"x"]"#.utf8))
  }

  /// `superEncoder()` and `superDecoder()` meet at the member Foundation names "super".
  struct WithSuper: Codable, Equatable {
    var base: String
    var own: Int

    enum CodingKeys: CodingKey { case own }

    init(base: String, own: Int) {
      self.base = base
      self.own = own
    }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      own = try container.decode(Int.self, forKey: .own)
      base = try container.superDecoder().singleValueContainer().decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(own, forKey: .own)
      var base = container.superEncoder().singleValueContainer()
      try base.encode(self.base)
    }
  }

  @Test func superMembersAsFoundationNamesThem() throws {
    let value = WithSuper(base: "b", own: 1)
    let streamed = try JSONStreamEncoder().encode(value)
    #expect(String(decoding: streamed, as: UTF8.self) == #"{"own":1,"super":"b"}"#)
    #expect(try JSONTapeDecoder().decode(WithSuper.self, from: streamed) == value)
    #expect(try JSONDecoder().decode(WithSuper.self, from: Data(streamed)) == value)
  }

  /// A JSON value to encode, for comparing whole random documents.
  indirect enum Value: Encodable {
    case null, bool(Bool), integer(Int), number(Double), string(String), array([Value]), object([String: Value])

    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .null: try container.encodeNil()
      case .bool(let value): try container.encode(value)
      case .integer(let value): try container.encode(value)
      case .number(let value): try container.encode(value)
      case .string(let value): try container.encode(value)
      case .array(let values): try container.encode(values)
      case .object(let members): try container.encode(members)
      }
    }
  }

  /// Names that sort differently by bytes, by case and by number: `JSONEncoder` sorts by `<`.
  static let names = ["a10", "a9", "A", "b", "B_", "a_b", "aB", "ab", "Zeta", "_x", "é", "e", "1", "10", "2", "日本", "😀", "k\"q"]

  /// Objects of at most `members` members: a dictionary's order is its own, and only sorting
  /// makes it the same on both sides.
  static func randomValue(_ random: inout SeededGenerator, depth: Int, members most: UInt64) -> Value {
    switch random.next() % (depth < 4 ? 8 : 5) {
    case 0: return .null
    case 1: return .bool(random.next() % 2 == 0)
    case 2: return .integer(Int(truncatingIfNeeded: random.next()) >> Int(random.next() % 64))
    case 3: return .number([0.25, -1.5, 3.125, 1e300, 30][Int(random.next() % 5)])
    case 4: return .string(names[Int(random.next() % UInt64(names.count))] + "\n/\u{1}")
    case 5, 6:
      var members: [String: Value] = [:]
      for _ in 0..<(random.next() % (most + 1)) {
        members[names[Int(random.next() % UInt64(names.count))]] = randomValue(&random, depth: depth + 1, members: most)
      }
      return .object(members)
    default:
      return .array((0..<(random.next() % 5)).map { _ in randomValue(&random, depth: depth + 1, members: most) })
    }
  }

  /// Pretty-printed, sorted, both or neither: the same bytes as `JSONEncoder` with the same
  /// options, for the vault above (structs, optionals, nested containers written late) and for
  /// 2,000 random documents.
  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func sameBytesAsFoundationWithTheSameOptions(pretty: Bool, sorted: Bool) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
    if sorted { encoder.outputFormatting.insert(.sortedKeys) }
    let ours = JSONStreamEncoder(prettyPrinted: pretty, sortedKeys: sorted)
    if sorted {
      // Member order is the type's own when not sorted, which JSONEncoder does not keep.
      #expect(try ours.encode(Vault()) == Array(encoder.encode(Vault())))
    }
    var random = SeededGenerator(seed: pretty ? 1 : 2)
    for round in 0..<2_000 {
      let value = Self.randomValue(&random, depth: 0, members: sorted ? 6 : 1)
      let expected = Array(try encoder.encode(value))
      let written = try ours.encode(value)
      #expect(written == expected, "round \(round): \(String(decoding: written.prefix(400), as: UTF8.self))")
      if written != expected { break }
    }
  }
}
