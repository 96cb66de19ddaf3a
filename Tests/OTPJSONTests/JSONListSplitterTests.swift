import Foundation
import OTPJSON
import Testing

/// `JSONListSplitter` against Foundation's JSONSerialization: for a document that is a list, or an
/// object holding only the list "users", the splitter fed in pieces of any size must give the
/// elements JSONSerialization gives, and refuse (itself, or through an element that does not
/// parse) exactly the documents JSONSerialization refuses.
@Suite struct JSONListSplitterTests {
  struct Generator {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }

    /// A random JSON value whose strings are full of what a scanner could take for structure.
    mutating func value(depth: Int = 0) -> String {
      switch next(depth > 3 ? 5 : 7) {
      case 0: return ["0", "-12.5e3", "42", "1E-2"][next(4)]
      case 1: return ["true", "false", "null"][next(3)]
      case 2, 3, 4:
        let pieces = ["a", "]", "[", "}", "{", ",", ":", "\\\"", "\\\\", "\\n", "é", "🔐", "\\u005d", " "]
        return "\"" + (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined() + "\""
      case 5:
        return "[" + (0..<next(4)).map { _ in value(depth: depth + 1) }.joined(separator: next(2) == 0 ? "," : " , ") + "]"
      default:
        let members = (0..<next(4)).map { index in "\"k\(index)\\\"]\" : \(value(depth: depth + 1))" }
        return "{" + members.joined(separator: ",\n") + "}"
      }
    }

    mutating func document() -> String {
      let elements = (0..<next(6)).map { _ in next(3) == 0 ? value(depth: 4) : value() }
      let list = "[" + elements.joined(separator: next(2) == 0 ? "," : ",\r\n  ") + "]"
      return next(2) == 0 ? list : "{ \"users\" : \(list) }\n"
    }

    /// The document with one byte taken out, doubled or replaced by structure.
    mutating func damaged(_ text: String) -> [UInt8] {
      var bytes = Array(text.utf8)
      guard !bytes.isEmpty else { return bytes }
      let at = next(bytes.count)
      switch next(3) {
      case 0: bytes.remove(at: at)
      case 1: bytes.insert(bytes[at], at: at)
      default:
        let structure = Array("[]{},:\"x ".utf8)
        bytes[at] = structure[next(structure.count)]
      }
      return bytes
    }
  }

  /// The elements, or nil when the document is refused.
  func split(_ bytes: [UInt8], pieces generator: inout Generator) -> [Any]? {
    var splitter = JSONListSplitter(member: "users", maxElementBytes: 1 << 20)
    var elements: [Any] = []
    var refused = false
    var start = 0
    do {
      while start < bytes.count {
        let end = min(bytes.count, start + 1 + generator.next(9))
        try splitter.feed(bytes[start..<end]) { event in
          switch event {
          case .element(let element, _):
            if let value = try? JSONSerialization.jsonObject(with: Data(element), options: .fragmentsAllowed) {
              elements.append(value)
            } else {
              refused = true
            }
          case .otherMember:
            refused = true
          }
        }
        start = end
      }
      try splitter.finish()
    } catch {
      return nil
    }
    return refused ? nil : elements
  }

  /// What JSONSerialization makes of the document, or nil when it refuses it or it is not a list
  /// or an object holding only "users".
  func reference(_ bytes: [UInt8]) -> [Any]? {
    guard !hasTrailingComma(bytes) else { return nil }
    guard let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) else { return nil }
    if let list = value as? [Any] { return list }
    if let object = value as? [String: Any], object.count == 1, let list = object["users"] as? [Any] { return list }
    return nil
  }

  /// Whether a `,` outside strings is followed by `]` or `}`: swift-corelibs-foundation reads that
  /// (`[4,]`), RFC 8259 does not, and neither does the splitter.
  func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
    var inString = false, escaped = false, afterComma = false
    for byte in bytes {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      if [0x20, 0x0A, 0x0D, 0x09].contains(byte) { continue }
      if afterComma, byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") { return true }
      afterComma = byte == UInt8(ascii: ",")
      if byte == UInt8(ascii: "\"") { inString = true }
    }
    return false
  }

  @Test func agreesWithJSONSerializationOnWholeAndDamagedDocuments() {
    var generator = Generator(state: 2026)
    var accepted = 0, refused = 0
    for _ in 0..<3_000 {
      let document = generator.document()
      for bytes in [Array(document.utf8), generator.damaged(document), generator.damaged(document)] {
        let expected = reference(bytes)
        let got = split(bytes, pieces: &generator)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect((expected == nil) == (got == nil), "\(text): JSONSerialization \(expected == nil ? "refuses" : "reads") it")
        if let expected, let got {
          // Compared as Foundation writes them again (Linux's NSArray equality tells true from 1 only so).
          func written(_ list: [Any]) -> Data? { try? JSONSerialization.data(withJSONObject: list, options: .sortedKeys) }
          #expect(written(expected) != nil && written(expected) == written(got), "\(text)")
          accepted += 1
        } else {
          refused += 1
        }
      }
    }
    // Both kinds are exercised.
    #expect(accepted > 3_000 && refused > 1_000, "\(accepted) read, \(refused) refused")
  }

  @Test func refusalsNameTheLine() {
    func problem(_ text: String) -> String? {
      var splitter = JSONListSplitter(member: "users", maxElementBytes: 2048)
      do {
        try splitter.feed(Array(text.utf8)) { _ in }
        try splitter.finish()
        return nil
      } catch { return error.description }
    }
    #expect(problem("[\n{}\n,\n]") == "line 4: expected a value, found ']'")
    #expect(problem("{\"users\": [], \"users\": []}") == "line 1: \"users\" is given twice")
    #expect(problem("{\"people\": []}") == "line 1: no \"users\" list")
    #expect(problem("[1]\n[2]") == "line 2: text after the end of the document")
    #expect(problem("[\"" + String(repeating: "x", count: 3000) + "\"]") == "line 1: an entry longer than 2 KiB")
    #expect(problem("[[") == "line 1: the document ends before it is closed")
    #expect(problem("") == "line 1: the document is empty")
    #expect(problem("  \n") == "line 2: the document is empty")
  }
}
