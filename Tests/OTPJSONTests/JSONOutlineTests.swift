import Foundation
import OTPJSON
import TestSupport
import Testing

/// `JSONOutline` must see what Foundation's parser sees in the first two levels of any JSON
/// document, and keep what it found in a damaged or hostile one without failing.
@Suite struct JSONOutlineTests {
  /// What Foundation's JSONSerialization makes of the same two levels.
  struct Expected: Equatable, CustomStringConvertible {
    var members: [String: (kind: JSONOutline.Kind, text: String?, names: Set<String>)]

    static func == (lhs: Expected, rhs: Expected) -> Bool {
      lhs.members.keys == rhs.members.keys
        && lhs.members.allSatisfy { name, member in
          let other = rhs.members[name]!
          return member.kind == other.kind && member.text == other.text && member.names == other.names
        }
    }

    var description: String {
      members.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.kind) \($0.value.text ?? "-") \($0.value.names.sorted())" }
        .joined(separator: "; ")
    }

    /// The names of an object, or of an array's first object.
    static func names(_ value: Any) -> Set<String> {
      if let object = value as? [String: Any] { return Set(object.keys) }
      if let array = value as? [Any], let first = array.first(where: { $0 is [String: Any] }) as? [String: Any] {
        return Set(first.keys)
      }
      return []
    }

    init(foundation value: Any) {
      let object: [String: Any]
      if let root = value as? [String: Any] {
        object = root
      } else {
        object = ((value as? [Any])?.first { $0 is [String: Any] } as? [String: Any]) ?? [:]
      }
      members = object.mapValues { value in
        switch value {
        case let text as String: return (.string, text.utf8.count <= 128 ? text : "", [])
        case is [String: Any], is [Any]: return (value is [Any] ? .array : .object, nil, Self.names(value))
        // Foundation does not tell true from 1 on every platform: numbers, true, false and null are one kind here.
        default: return (.number, nil, [])
        }
      }
    }

    init(outline: JSONOutline) {
      // Numbers are compared by kind: Foundation gives their value, not their text.
      members = outline.members.mapValues { member in
        member.kind == .number || member.kind == .literal
          ? (.number, nil, member.names) : (member.kind, member.text, member.names)
      }
    }
  }

  func expectSameAsFoundation(_ bytes: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    guard value is [String: Any] || value is [Any] else {
      #expect(JSONOutline(bytes) == nil, "\(label)", sourceLocation: sourceLocation)
      return
    }
    let outline = try #require(JSONOutline(bytes), "\(label)", sourceLocation: sourceLocation)
    #expect(outline.root == (value is [Any] ? .array : .object), "\(label)", sourceLocation: sourceLocation)
    #expect(Expected(outline: outline) == Expected(foundation: value), "\(label)", sourceLocation: sourceLocation)
  }

  @Test func everyJSONVectorHasTheOutlineFoundationSees() throws {
    let files = try FileManager.default.subpathsOfDirectory(atPath: Vectors.root.path)
      .filter { $0.hasSuffix(".json") || $0.hasSuffix(".2fas") }
    #expect(files.count >= 25)
    for file in files {
      try expectSameAsFoundation(try Vectors.input(file).bytes, file)
    }
  }

  /// A random JSON value: names and strings with escapes, Unicode and quotes; numbers of every
  /// shape; nesting a few levels deep; whitespace between everything.
  struct RandomJSON {
    var random: SeededGenerator

    static let pieces = ["a", "é", "日本", "😀", "\\\"", "\\\\", "\\n", "\\u0041", "\\ud83d\\ude00", "\\/", " ", "x:y", "{", "]"]
    static let numbers = ["0", "-1", "3.25", "1e9", "-0.5E-3", "123456789012345678901234567890"]

    mutating func space() -> String { ["", " ", "\n  ", "\t", "\r\n"].randomElement(using: &random)! }

    mutating func string(maxPieces: Int) -> String {
      let count = Int.random(in: 0...maxPieces, using: &random)
      return "\"" + (0..<count).map { _ in Self.pieces.randomElement(using: &random)! }.joined() + "\""
    }

    mutating func value(depth: Int) -> String {
      switch Int.random(in: 0..<(depth < 4 ? 8 : 5), using: &random) {
      case 0: return ["true", "false", "null"].randomElement(using: &random)!
      case 1: return Self.numbers.randomElement(using: &random)!
      case 2: return string(maxPieces: 60)
      case 3: return string(maxPieces: 3)
      case 4: return string(maxPieces: 400)
      case 5, 6: return object(depth: depth + 1)
      default: return array(depth: depth + 1)
      }
    }

    mutating func object(depth: Int) -> String {
      var used: Set<String> = []
      let members = (0..<Int.random(in: 0...6, using: &random)).compactMap { index -> String? in
        let name = "\"n\(index)" + string(maxPieces: 2).dropFirst()
        guard used.insert(name).inserted else { return nil }
        return space() + name + space() + ":" + space() + value(depth: depth)
      }
      return "{" + members.joined(separator: ",") + space() + "}"
    }

    mutating func array(depth: Int) -> String {
      "[" + (0..<Int.random(in: 0...5, using: &random)).map { _ in space() + value(depth: depth) }.joined(separator: ",")
        + space() + "]"
    }
  }

  @Test(arguments: 1...4)
  func randomDocumentsHaveTheOutlineFoundationSees(seed: Int) throws {
    var json = RandomJSON(random: SeededGenerator(seed: UInt64(seed)))
    for round in 0..<500 {
      let text = round.isMultiple(of: 2) ? json.object(depth: 0) : json.array(depth: 0)
      try expectSameAsFoundation(Array(text.utf8), "seed \(seed) round \(round): \(text.prefix(300))")
    }
  }

  @Test func aMemberIsFoundBehindALargeOrDeepValue() throws {
    let large = "{\"data\": \"" + String(repeating: "A", count: 20_000_000) + "\", \"encKeyValidation_DO_NOT_EDIT\": \"x\"}"
    #expect(JSONOutline(Array(large.utf8))?.has("encKeyValidation_DO_NOT_EDIT") == true)
    // Nesting a million levels deep is skipped by counting brackets, without a stack to overflow.
    let deep =
      "{\"db\": " + String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
      + ", \"header\": {\"slots\": null}}"
    let outline = try #require(JSONOutline(Array(deep.utf8)))
    #expect(outline.names(in: "header") == ["slots"] && outline.members["db"]?.kind == .array)
    // A string full of escaped quotes and brackets hides nothing and starts nothing.
    let tricky = #"{"a": "\"}, \"b\": [\\", "c": {"d\"e": 1, "f": "]"}}"#
    let members = try #require(JSONOutline(Array(tricky.utf8))).members
    #expect(Set(members.keys) == ["a", "c"] && members["c"]?.names == ["d\"e", "f"])
  }

  @Test func aDamagedDocumentKeepsWhatCameBeforeTheDamage() throws {
    let cut = #"{"encKeyValidation_DO_NOT_EDIT": "2.x", "data": "2.abc"#
    #expect(JSONOutline(Array(cut.utf8))?.has("encKeyValidation_DO_NOT_EDIT") == true)
    let garbage = #"{"version": 1, "entries": [{"content": {}}] garbage "salt": 1}"#
    let outline = try #require(JSONOutline(Array(garbage.utf8)))
    #expect(outline.has("entries") && !outline.has("salt") && outline.names(in: "entries") == ["content"])
    // An escape the scanner has not checked is kept as written, not unescaped past the end.
    for name in [#"\u12"#, #"\ud83d"#, #"\x"#, #"\"#] {
      let text = "{\"\(name)\": 1, \"next\": 2}"
      _ = JSONOutline(Array(text.utf8))
    }
    #expect(JSONOutline(Array(#"{"\u0065ntries": []}"#.utf8))?.has("entries") == true)
  }

  @Test func textThatIsNotAnObjectOrArrayHasNoOutline() {
    for text in ["", "   ", "otpauth://totp/a?secret=JBSWY3DP", "\"text\"", "12", "null", "\u{FEFF} x"] {
      #expect(JSONOutline(Array(text.utf8)) == nil, "\(text)")
    }
    #expect(JSONOutline(Array("\u{FEFF} [".utf8))?.root == .array)
  }

  /// A hostile file may have millions of members: the outline keeps a bounded number of names.
  @Test func namesKeptAreBounded() throws {
    let many = "{" + (0..<100_000).map { "\"m\($0)\": {\"x\($0)\": 1}" }.joined(separator: ",") + ", \"last\": 1}"
    let outline = try #require(JSONOutline(Array(many.utf8)))
    #expect(outline.members.count <= 256)
    let wide = "{\"a\": {" + (0..<100_000).map { "\"m\($0)\": 1" }.joined(separator: ",") + "}}"
    #expect(try #require(JSONOutline(Array(wide.utf8))).names(in: "a").count <= 256)
  }
}
