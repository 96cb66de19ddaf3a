/// A JSON text (RFC 8259) parsed in one pass into a flat list of nodes, a "tape", for
/// `JSONTapeDecoder`. Nothing is copied out of the text while parsing: a node records where its
/// value lies, and strings and numbers are made only when a decoder asks for them. Encrypted
/// exports decode 1,000 entries in a fraction of a millisecond this way, against several with
/// Foundation's decoder, which builds a dictionary of Strings for every object (docs/benchmarks.md).
///
/// The parser is strict but for one thing Foundation's decoder allows too, a comma before a
/// closing bracket: no comments, single quotes, leading zeros, bare control
/// characters in strings or text after the value; a UTF-8 byte-order mark is skipped. Nesting
/// deeper than `maxDepth` is refused before it can exhaust the stack.
struct JSONTape {
  enum Kind: UInt8 {
    case object, array, string, number, trueValue, falseValue, null
  }

  struct Node {
    var kind: Kind
    /// A string with a backslash escape in it, which must be unescaped before use; a number with
    /// a fraction or an exponent.
    var isEscapedOrFractional: Bool
    /// A string's content without its quotes, a number's text; unused for the rest.
    var start: UInt32
    var length: UInt32
    /// The index of the first node after this one's subtree: the next sibling.
    var end: UInt32
    /// Members of an object (a key node then a value node each), elements of an array.
    var count: UInt32
  }

  let nodes: [Node]

  /// Where and why a text is not JSON; the decoder turns it into `DecodingError.dataCorrupted`.
  struct SyntaxError: Error {
    var offset: Int
    var reason: String
  }

  init(parsing bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(SyntaxError) {
    guard bytes.count < Int(UInt32.max) else { throw SyntaxError(offset: 0, reason: "the text is over 4 GiB") }
    do {
      _ = try UTF8Span(validating: bytes.span)
    } catch {
      throw SyntaxError(offset: error.byteOffsets.lowerBound, reason: "the text is not UTF-8")
    }
    var parser = Parser(bytes: bytes, maxDepth: maxDepth)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
    parser.skipWhitespace()
    try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.position == bytes.count else { throw parser.failure("text after the JSON value") }
    nodes = parser.nodes
  }

  private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0
    var nodes: [Node] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
      self.bytes = bytes
      self.maxDepth = maxDepth
      // About one node for every 16 bytes of a typical export; growing past it costs a copy.
      nodes.reserveCapacity(bytes.count / 16 + 4)
    }

    func failure(_ reason: String) -> SyntaxError {
      SyntaxError(offset: position, reason: position < bytes.count ? reason : "the text ends early")
    }

    mutating func skipWhitespace() {
      while position < bytes.count {
        switch bytes[position] {
        case 0x20, 0x0A, 0x0D, 0x09: position += 1
        default: return
        }
      }
    }

    mutating func parseValue(depth: Int) throws(SyntaxError) {
      guard position < bytes.count else { throw failure("a value is missing") }
      switch bytes[position] {
      case UInt8(ascii: "{"): try parseContainer(.object, closing: UInt8(ascii: "}"), depth: depth + 1)
      case UInt8(ascii: "["): try parseContainer(.array, closing: UInt8(ascii: "]"), depth: depth + 1)
      case UInt8(ascii: "\""): try parseString()
      case UInt8(ascii: "t"): try parseLiteral("true", .trueValue)
      case UInt8(ascii: "f"): try parseLiteral("false", .falseValue)
      case UInt8(ascii: "n"): try parseLiteral("null", .null)
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
      default: throw failure("unexpected character")
      }
    }

    mutating func append(_ kind: Kind, start: Int = 0, length: Int = 0, flagged: Bool = false) {
      nodes.append(
        Node(
          kind: kind, isEscapedOrFractional: flagged, start: UInt32(truncatingIfNeeded: start),
          length: UInt32(truncatingIfNeeded: length), end: UInt32(truncatingIfNeeded: nodes.count + 1), count: 0))
    }

    /// An object's members are a key node followed by the value's nodes.
    mutating func parseContainer(_ kind: Kind, closing: UInt8, depth: Int) throws(SyntaxError) {
      guard depth <= maxDepth else { throw failure("nested deeper than \(maxDepth) levels") }
      let index = nodes.count
      append(kind)
      position += 1
      skipWhitespace()
      var count: UInt32 = 0
      if position < bytes.count, bytes[position] == closing {
        position += 1
      } else {
        while true {
          if kind == .object {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw failure("a member name is missing") }
            try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("':' is missing") }
            position += 1
            skipWhitespace()
          }
          try parseValue(depth: depth)
          count += 1
          skipWhitespace()
          guard position < bytes.count else { throw failure("the text ends early") }
          if bytes[position] == closing {
            position += 1
            break
          }
          guard bytes[position] == UInt8(ascii: ",") else {
            throw failure("',' or '\(Character(Unicode.Scalar(closing)))' is missing")
          }
          position += 1
          skipWhitespace()
          // A comma before the closing bracket, as Foundation's JSONDecoder allows.
          if position < bytes.count, bytes[position] == closing {
            position += 1
            break
          }
        }
      }
      nodes[index].end = UInt32(truncatingIfNeeded: nodes.count)
      nodes[index].count = count
    }

    /// Checks escapes as it goes; the text was checked to be UTF-8 before parsing began.
    mutating func parseString() throws(SyntaxError) {
      position += 1
      let start = position
      var escaped = false
      while true {
        position = JSONText.firstSpecialStringByte(in: bytes, from: position)
        guard position < bytes.count else { break }
        switch bytes[position] {
        case UInt8(ascii: "\""):
          append(.string, start: start, length: position - start, flagged: escaped)
          position += 1
          return
        case UInt8(ascii: "\\"):
          escaped = true
          position += 1
          guard position < bytes.count else { throw failure("a string is not closed") }
          switch bytes[position] {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
          case UInt8(ascii: "u"):
            guard position + 4 < bytes.count, (1...4).allSatisfy({ HexDigit.value(bytes[position + $0]) != nil }) else {
              throw failure("a \\u escape needs four hex digits")
            }
            position += 5
          default:
            throw failure("unknown escape in a string")
          }
        default:
          throw failure("a control character in a string")
        }
      }
      throw failure("a string is not closed")
    }

    mutating func parseLiteral(_ word: StaticString, _ kind: Kind) throws(SyntaxError) {
      let length = word.utf8CodeUnitCount
      guard position + length <= bytes.count,
        UnsafeBufferPointer(rebasing: bytes[position..<(position + length)]).elementsEqual(
          UnsafeBufferPointer(start: word.utf8Start, count: length))
      else { throw failure("unexpected character") }
      append(kind)
      position += length
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func parseNumber() throws(SyntaxError) {
      let start = position
      var fractional = false
      if bytes[position] == UInt8(ascii: "-") { position += 1 }
      guard position < bytes.count, isDigit(bytes[position]) else { throw failure("a number needs a digit") }
      if bytes[position] == UInt8(ascii: "0") {
        position += 1
        if position < bytes.count, isDigit(bytes[position]) { throw failure("a number with a leading zero") }
      } else {
        skipDigits()
      }
      if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
        fractional = true
        position += 1
        guard position < bytes.count, isDigit(bytes[position]) else { throw failure("a number needs a digit after '.'") }
        skipDigits()
      }
      if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
        fractional = true
        position += 1
        if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw failure("a number needs a digit in its exponent") }
        skipDigits()
      }
      append(.number, start: start, length: position - start, flagged: fractional)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    mutating func skipDigits() {
      while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }
  }
}

/// Hex digits, for `\u` escapes here and for OTPCore's `Hex` (which builds on this module).
package enum HexDigit {
  package static let lower: [UInt8] = Array("0123456789abcdef".utf8)

  /// The value of one hex digit, in either case, or nil (inlinable: percent-decoding calls it per
  /// byte on the hot path).
  @inlinable package static func value(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
