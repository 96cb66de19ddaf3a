/// The elements of a JSON document's list, cut out a piece of the document at a time, so that a
/// list of a million objects (a tenant's manifest) is never held whole: the document is a list, or
/// an object whose member `member` is the list. Each element's bytes go to the caller, who decodes
/// them (that checks the element's own syntax); this checks the syntax around them: brackets,
/// commas, strings, and nothing after the document. Names of the root object's other members are
/// handed over too (their values are passed over). Checked against JSONSerialization in
/// JSONListSplitterTests.
public struct JSONListSplitter: Sendable {
  public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
  }

  public enum Event: Sendable, Equatable {
    /// One element of the list, its bytes and the line it starts on.
    case element([UInt8], line: Int)
    /// A member of the root object other than the list (its value passed over).
    case otherMember(String, line: Int)
  }

  enum State: Sendable {
    case beforeRoot
    case beforeKey(first: Bool)
    case inKey
    case afterKey
    case beforeValue
    case inOtherValue
    case afterValue
    case beforeElement(first: Bool)
    case inElement
    case afterRoot
  }

  let member: String
  let maxElementBytes: Int
  var state = State.beforeRoot
  var rootIsObject = false
  var foundList = false
  var line = 1
  /// The element (or key) being cut out, and where it starts.
  var buffer: [UInt8] = []
  var bufferLine = 1
  /// Inside the element or value being scanned: nesting, and whether in a string (after a backslash).
  var depth = 0
  var inString = false
  var escaped = false

  public init(member: String, maxElementBytes: Int) {
    self.member = member
    self.maxElementBytes = maxElementBytes
  }

  static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

  func problem(_ message: String) -> Problem { Problem(line: line, message: message) }

  func shown(_ byte: UInt8) -> String {
    byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
  }

  public mutating func feed(_ bytes: some Collection<UInt8>, event: (Event) -> Void) throws(Problem) {
    for byte in bytes {
      defer { if byte == 0x0A { line += 1 } }
      switch state {
      case .beforeRoot:
        if Self.isSpace(byte) { continue }
        if byte == UInt8(ascii: "[") {
          foundList = true
          state = .beforeElement(first: true)
        } else if byte == UInt8(ascii: "{") {
          rootIsObject = true
          state = .beforeKey(first: true)
        } else {
          throw problem("the document is neither a list nor an object")
        }
      case .beforeKey(let first):
        if Self.isSpace(byte) { continue }
        if byte == UInt8(ascii: "\"") {
          buffer = [byte]
          bufferLine = line
          escaped = false
          state = .inKey
        } else if first, byte == UInt8(ascii: "}") {
          state = .afterRoot
        } else {
          throw problem("expected a member's name in quotes, found \(shown(byte))")
        }
      case .inKey:
        buffer.append(byte)
        guard buffer.count <= maxElementBytes else { throw problem("a member's name is too long") }
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          state = .afterKey
        } else if byte < 0x20 {
          throw problem("a control character in a member's name")
        }
      case .afterKey:
        if Self.isSpace(byte) { continue }
        guard byte == UInt8(ascii: ":") else { throw problem("expected ':' after a member's name, found \(shown(byte))") }
        state = .beforeValue
      case .beforeValue:
        if Self.isSpace(byte) { continue }
        let name = try Self.text(ofQuoted: buffer, line: bufferLine)
        if name == member {
          guard !foundList else { throw problem("\"\(member)\" is given twice") }
          guard byte == UInt8(ascii: "[") else { throw problem("\"\(member)\" is not a list") }
          foundList = true
          state = .beforeElement(first: true)
        } else {
          event(.otherMember(name, line: bufferLine))
          try startValue(byte, then: .inOtherValue)
        }
      case .inOtherValue:
        if try scan(byte, closing: UInt8(ascii: "}")) {
          state = byte == UInt8(ascii: "}") ? .afterRoot : .beforeKey(first: false)
        }
      case .afterValue:
        if Self.isSpace(byte) { continue }
        if byte == UInt8(ascii: ",") {
          state = .beforeKey(first: false)
        } else if byte == UInt8(ascii: "}") {
          state = .afterRoot
        } else {
          throw problem("expected ',' or '}' after a member, found \(shown(byte))")
        }
      case .beforeElement(let first):
        if Self.isSpace(byte) { continue }
        if first, byte == UInt8(ascii: "]") {
          state = rootIsObject ? .afterValue : .afterRoot
          continue
        }
        buffer = []
        bufferLine = line
        try startValue(byte, then: .inElement)
      case .inElement:
        if try scan(byte, closing: UInt8(ascii: "]")) {
          while let last = buffer.last, Self.isSpace(last) { buffer.removeLast() }
          event(.element(buffer, line: bufferLine))
          buffer = []
          if byte == UInt8(ascii: "]") {
            state = rootIsObject ? .afterValue : .afterRoot
          } else {
            state = .beforeElement(first: false)
          }
        }
      case .afterRoot:
        guard Self.isSpace(byte) else { throw problem("text after the end of the document") }
      }
    }
  }

  /// Starts an element or another member's value with its first byte.
  mutating func startValue(_ byte: UInt8, then next: State) throws(Problem) {
    guard byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"), byte != UInt8(ascii: "}"), byte != UInt8(ascii: ":") else {
      throw problem("expected a value, found \(shown(byte))")
    }
    depth = 0
    inString = false
    escaped = false
    state = next
    _ = try scan(byte, closing: 0)
  }

  /// Takes one byte of the value being scanned; true when the byte ends it (a ',' or the
  /// container's `closing` bracket outside any string and nesting), which is not part of it.
  mutating func scan(_ byte: UInt8, closing: UInt8) throws(Problem) -> Bool {
    let keeping: Bool
    if case .inElement = state { keeping = true } else { keeping = false }
    if inString {
      if escaped {
        escaped = false
      } else if byte == UInt8(ascii: "\\") {
        escaped = true
      } else if byte == UInt8(ascii: "\"") {
        inString = false
      }
    } else {
      switch byte {
      case UInt8(ascii: "\""):
        inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        depth += 1
        guard depth <= 128 else { throw problem("nested more than 128 deep") }
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        if depth == 0 {
          guard byte == closing else { throw problem("\(shown(byte)) closes what it did not open") }
          return true
        }
        depth -= 1
      case UInt8(ascii: ","):
        if depth == 0 { return true }
      default:
        break
      }
    }
    if keeping {
      buffer.append(byte)
      guard buffer.count <= maxElementBytes else {
        throw Problem(line: bufferLine, message: "an entry longer than \(maxElementBytes >> 10) KiB")
      }
    }
    return false
  }

  /// The document must have ended, with the list found.
  public func finish() throws(Problem) {
    guard case .afterRoot = state else {
      if case .beforeRoot = state { throw problem("the document is empty") }
      throw problem("the document ends before it is closed")
    }
    guard foundList else { throw problem("no \"\(member)\" list") }
  }

  /// A quoted JSON string's text (escapes resolved).
  static func text(ofQuoted bytes: [UInt8], line: Int) throws(Problem) -> String {
    guard let value = try? JSONTapeValue(parsing: bytes), let text = try? Optional(value).text() else {
      throw Problem(line: line, message: "a member's name is not a JSON string")
    }
    return text
  }
}
