/// The first two levels of a JSON document's structure, for recognising a format by what it holds
/// rather than by text found in a prefix: the root's member names (for a root array, those of its
/// first object), and for each member whose value is an object, that object's member names (for
/// an array, those of its first object). Values are skipped without being decoded or copied, so
/// a distinguishing member is found wherever it stands, after a 1 GiB `data` member as well as
/// before it, in one pass over the bytes that allocates nothing for what it skips.
///
/// It is lenient on purpose: it keeps what it found up to the first byte that is not JSON, so a
/// damaged file is still recognised and its reader can say what is wrong with it.
public struct JSONOutline: Sendable {
  public enum Kind: Sendable, Equatable {
    case object, array, string, number, literal
  }

  /// One member of the root object (or of the root array's first object).
  public struct Member: Sendable {
    public var kind: Kind
    /// A string's text (unescaped; "" when over `shortText` bytes) or a number's (nil when over).
    public var text: String?
    /// An object's member names; an array's first object's member names.
    public var names: Set<String>
  }

  /// `.object` or `.array`.
  public let root: Kind
  /// The root object's members by name, or the root array's first object's.
  public let members: [String: Member]

  /// Longer member names and values are not kept: no format is told apart by them.
  static let shortText = 128
  /// Names kept at each level; a hostile file with millions of members costs time, not memory.
  static let namesKept = 256

  /// The outline of `bytes`, or nil when they do not begin (after a UTF-8 byte-order mark and
  /// whitespace) with `{` or `[`.
  public init?(_ bytes: UnsafeBufferPointer<UInt8>) {
    var scanner = Scanner(bytes: bytes)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.position = 3 }
    scanner.skipWhitespace()
    guard let first = scanner.current, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return nil }
    var members: [String: Member] = [:]
    if first == UInt8(ascii: "{") {
      root = .object
      scanner.readMembers(into: &members)
    } else {
      root = .array
      scanner.readFirstObjectOfArray(into: &members)
    }
    self.members = members
  }

  public init?(_ bytes: [UInt8]) {
    guard let outline = bytes.withUnsafeBufferPointer({ JSONOutline($0) }) else { return nil }
    self = outline
  }

  public func has(_ name: String) -> Bool { members[name] != nil }

  /// The member names inside member `name` (see `Member.names`); empty when there is none.
  public func names(in name: String) -> Set<String> { members[name]?.names ?? [] }

  /// A scanner that never throws: each step says whether it could go on.
  struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
      while position < bytes.count {
        switch bytes[position] {
        case 0x20, 0x0A, 0x0D, 0x09: position += 1
        default: return
        }
      }
    }

    /// After `{`: each member's name with what its value is, until `}` or a byte that is not JSON.
    mutating func readMembers(into members: inout [String: Member]) {
      forEachMember { name, scanner in
        guard let name, members.count < JSONOutline.namesKept else { return scanner.skipValue() }
        guard let member = scanner.readMember() else { return false }
        members[name] = member
        return true
      }
    }

    /// After `[`: the members of the first element that is an object. The rest is not read.
    mutating func readFirstObjectOfArray(into members: inout [String: Member]) {
      forEachElement { scanner in
        guard scanner.current == UInt8(ascii: "{") else { return scanner.skipValue() }
        scanner.readMembers(into: &members)
        return false
      }
    }

    /// One value, with the names one level inside it.
    mutating func readMember() -> Member? {
      guard let first = current else { return nil }
      switch first {
      case UInt8(ascii: "\""):
        guard let text = readString() else { return nil }
        return Member(kind: .string, text: text.short ?? "", names: [])
      case UInt8(ascii: "{"):
        var names: Set<String> = []
        guard readNames(into: &names) else { return nil }
        return Member(kind: .object, text: nil, names: names)
      case UInt8(ascii: "["):
        var names: Set<String> = []
        var found = false, complete = true
        forEachElement { scanner in
          guard !found, scanner.current == UInt8(ascii: "{") else { return scanner.skipValue() }
          found = true
          complete = scanner.readNames(into: &names)
          return complete
        }
        return complete ? Member(kind: .array, text: nil, names: names) : nil
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        let start = position
        guard skipScalar() else { return nil }
        let length = position - start
        let text = length <= JSONOutline.shortText ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
        return Member(kind: .number, text: text, names: [])
      default:
        guard skipScalar() else { return nil }
        return Member(kind: .literal, text: nil, names: [])
      }
    }

    /// At `{`: the object's member names, its values skipped; false when it is not well formed.
    mutating func readNames(into names: inout Set<String>) -> Bool {
      forEachMember { name, scanner in
        if let name, names.count < JSONOutline.namesKept { names.insert(name) }
        return scanner.skipValue()
      }
    }

    /// At `{`: calls `body` at each member's value with its name (nil when too long to keep);
    /// `body` moves past the value and says whether to go on. True when the object ended well.
    @discardableResult
    mutating func forEachMember(_ body: (String?, inout Scanner) -> Bool) -> Bool {
      position += 1
      skipWhitespace()
      if current == UInt8(ascii: "}") {
        position += 1
        return true
      }
      while current == UInt8(ascii: "\"") {
        guard let name = readString() else { return false }
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { return false }
        position += 1
        skipWhitespace()
        guard body(name.short, &self) else { return false }
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","):
          position += 1
          skipWhitespace()
        case UInt8(ascii: "}"):
          position += 1
          return true
        default:
          return false
        }
      }
      return false
    }

    /// At `[`: calls `body` at each element, which moves past it and says whether to go on.
    mutating func forEachElement(_ body: (inout Scanner) -> Bool) {
      position += 1
      skipWhitespace()
      while let byte = current, byte != UInt8(ascii: "]") {
        guard body(&self) else { return }
        skipWhitespace()
        guard current == UInt8(ascii: ",") else { break }
        position += 1
        skipWhitespace()
      }
      if current == UInt8(ascii: "]") { position += 1 }
    }

    /// The text of the string that starts at `start` and ends before `position`, unescaped when
    /// its escapes are well formed (the scanner has not checked them), as it stands when not.
    func text(from start: Int) -> String {
      let content = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(position - 1)])
      if content.contains(UInt8(ascii: "\\")), Self.hasWellFormedEscapes(content),
        let unescaped = TapeDocument.unescape(content)
      {
        return String(decoding: unescaped, as: UTF8.self)
      }
      return String(decoding: content, as: UTF8.self)
    }

    /// Whether every backslash starts one of RFC 8259's escapes, as `unescape` expects.
    static func hasWellFormedEscapes(_ content: UnsafeBufferPointer<UInt8>) -> Bool {
      var index = 0
      while index < content.count {
        guard content[index] == UInt8(ascii: "\\") else {
          index += 1
          continue
        }
        guard index + 1 < content.count else { return false }
        switch content[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
          UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          index += 2
        case UInt8(ascii: "u"):
          guard index + 6 <= content.count, (2..<6).allSatisfy({ HexDigit.value(content[index + $0]) != nil }) else {
            return false
          }
          index += 6
        default: return false
        }
      }
      return true
    }

    /// A string read: its text when at most `shortText` bytes long once unescaped.
    struct StringRead {
      var short: String?
    }

    /// At `"`: the string, or nil when it is not closed. A long one is skipped, not copied (an
    /// escape is at most 6 bytes for 1, so a longer raw text cannot be short).
    mutating func readString() -> StringRead? {
      let start = position
      guard skipString() else { return nil }
      guard position - start - 2 <= 6 * JSONOutline.shortText else { return StringRead(short: nil) }
      let text = text(from: start)
      return StringRead(short: text.utf8.count <= JSONOutline.shortText ? text : nil)
    }

    /// At `"`: moves past the closing quote; false when there is none.
    mutating func skipString() -> Bool {
      position += 1
      while true {
        position = JSONText.firstSpecialStringByte(in: bytes, from: position)
        guard let byte = current else { return false }
        switch byte {
        case UInt8(ascii: "\""):
          position += 1
          return true
        case UInt8(ascii: "\\"): position += 2
        default: position += 1  // a control character: not JSON, but no reason to stop here
        }
      }
    }

    /// Moves past one value of any kind; false at a byte that cannot start one, or at the end.
    mutating func skipValue() -> Bool {
      switch current {
      case nil: return false
      case UInt8(ascii: "\""): return skipString()
      case UInt8(ascii: "{"), UInt8(ascii: "["): return skipContainer()
      default: return skipScalar()
      }
    }

    /// A number, `true`, `false` or `null`: up to the next delimiter.
    mutating func skipScalar() -> Bool {
      let start = position
      while let byte = current {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09:
          return position > start
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"):
          return false
        default: position += 1
        }
      }
      return position > start
    }

    /// At `{` or `[`: moves past the bracket that closes it, counting brackets outside strings
    /// (no stack, so no nesting is too deep to skip).
    mutating func skipContainer() -> Bool {
      var depth = 0
      while let byte = current {
        switch byte {
        case UInt8(ascii: "\""):
          guard skipString() else { return false }
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 {
            position += 1
            return true
          }
        default: break
        }
        position += 1
      }
      return false
    }
  }
}
