/// Encodes `Encodable` values as JSON written straight into bytes, `/` left unescaped: what
/// `JSONEncoder` with `.withoutEscapingSlashes` writes (and, with the options, `.prettyPrinted`
/// and `.sortedKeys`), byte for byte, less the tree of values it builds first
/// (JSONStreamEncoderTests compares them).
///
/// Codable has no "container finished" call, so a container is closed when its value's
/// `encode(to:)` returns, or earlier when a container above it writes again (Aegis writes `issuer`
/// after its nested `info`). Writing to a container after that is an error, not bad JSON. Sorted
/// keys: an object's members are written as they come, and put in order in place when it closes.
public struct JSONStreamEncoder: Sendable {
  public var prettyPrinted: Bool
  public var sortedKeys: Bool

  public init(prettyPrinted: Bool = false, sortedKeys: Bool = false) {
    self.prettyPrinted = prettyPrinted
    self.sortedKeys = sortedKeys
  }

  public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(4096)
    try encode(value, appendingTo: &bytes)
    return bytes
  }

  /// Appends `value` to `bytes`; pretty-printed, as if it stood `indent` levels deep in a larger
  /// document (its first line is not indented: the caller has placed it).
  public func encode<Value: Encodable>(_ value: Value, appendingTo bytes: inout [UInt8], indent: Int = 0) throws {
    let output = JSONStreamOutput(pretty: prettyPrinted, sorted: sortedKeys, baseIndent: indent)
    swap(&output.bytes, &bytes)
    defer { swap(&output.bytes, &bytes) }
    try output.encodeValue(value, level: 0)
  }
}

/// Stands in a document for an array whose elements are written apart from it, a part at a time:
/// `JSONStreamEncoder.frame(of:)` gives the text before and after them and what goes between two.
public struct JSONElementsPlaceholder: Encodable, Sendable {
  public init() {}

  public func encode(to encoder: any Encoder) throws {
    // Only JSONStreamEncoder knows where the elements go.
    throw EncodingError.invalidValue(
      self,
      EncodingError.Context(codingPath: encoder.codingPath, debugDescription: "a placeholder is for JSONStreamEncoder.frame"))
  }
}

/// A document around an array of elements written apart: `head`, the elements with `separator`
/// between them (each encoded with `indent`), then `tail` make the bytes the document would have
/// with the elements in place of its placeholder. Not for an empty array, which JSON writes
/// otherwise (two line breaks between the brackets).
public struct JSONFrame: Sendable {
  public var head: [UInt8]
  public var separator: [UInt8]
  public var tail: [UInt8]
  /// The levels the elements stand at, for `JSONStreamEncoder.encode(_:appendingTo:indent:)`.
  public var indent: Int
}

extension JSONStreamEncoder {
  /// The frame of `document`, which holds one `JSONElementsPlaceholder`.
  public func frame<Value: Encodable>(of document: Value) throws -> JSONFrame {
    let output = JSONStreamOutput(pretty: prettyPrinted, sorted: sortedKeys)
    try output.encodeValue(document, level: 0)
    guard let indent = output.placeholderIndent, let split = output.bytes.firstIndex(of: 0) else {
      throw EncodingError.invalidValue(
        document, EncodingError.Context(codingPath: [], debugDescription: "the document holds no JSONElementsPlaceholder"))
    }
    var separator: [UInt8] = [UInt8(ascii: ",")]
    if prettyPrinted { separator += [0x0A] + repeatElement(0x20, count: 2 * indent) }
    return JSONFrame(
      head: Array(output.bytes[..<split]), separator: separator, tail: Array(output.bytes[(split + 1)...]), indent: indent)
  }
}

/// The text written so far and the containers still open, innermost last.
final class JSONStreamOutput {
  // Unchecked: one encode call owns the output and never reaches it from two places at once, and
  // the run-time exclusivity checks were a tenth of writing an entry.
  @exclusivity(unchecked) var bytes: [UInt8] = []
  /// Each open container's closing bracket, its owner's token, whether it has a member yet, and
  /// (sorting an object) where its members begin in `members`.
  @exclusivity(unchecked) var open: [(closer: UInt8, token: Int, hasMembers: Bool, firstMember: Int)] = []
  /// Sorting: the name of each member of the open objects and where it begins in `bytes`, the
  /// innermost object's last; one list for all, so that an object allocates nothing of its own.
  @exclusivity(unchecked) var members: [(name: String, start: Int)] = []
  @exclusivity(unchecked) private var lastToken = 0
  /// The indent of the elements of a `JSONElementsPlaceholder`, once one is written.
  @exclusivity(unchecked) var placeholderIndent: Int?
  /// `JSONEncoder`'s `.prettyPrinted`: two spaces a level, `" : "` after a name, and an empty
  /// container as two line breaks between its brackets.
  let pretty: Bool
  let sorted: Bool
  /// Levels every line is indented by besides its own.
  let baseIndent: Int

  init(pretty: Bool = false, sorted: Bool = false, baseIndent: Int = 0) {
    self.pretty = pretty
    self.sorted = sorted
    self.baseIndent = baseIndent
  }

  func newToken() -> Int {
    lastToken += 1
    return lastToken
  }

  /// A value at the current place: its own containers are closed when it returns, and a value
  /// that wrote nothing is an empty object, as with `JSONEncoder`.
  func encodeValue<Value: Encodable>(_ value: Value, level: Int) throws {
    if writeScalar(value) { return }
    if Value.self == JSONElementsPlaceholder.self {
      writePlaceholder(level: level)
      return
    }
    let start = bytes.count
    try value.encode(to: JSONStreamEncoding(output: self, level: level, token: newToken()))
    close(above: level)
    if bytes.count == start {
      bytes.append(UInt8(ascii: "{"))
      if pretty { newLine(indent: level, blank: true) }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  /// A line break (two for an empty container's inside) and the indent of `indent` levels.
  func newLine(indent: Int, blank: Bool = false) {
    bytes.append(0x0A)
    if blank { bytes.append(0x0A) }
    bytes += repeatElement(0x20, count: 2 * (baseIndent + indent))
  }

  /// Writes a string, number or Boolean, or `String?`, and says whether it did. Types are told by
  /// their identity, a pointer comparison: a dynamic cast would look the conformance up for
  /// every field of every entry.
  private func writeScalar<Value>(_ value: Value) -> Bool {
    func write<Scalar: JSONStreamScalar>(_ type: Scalar.Type) -> Bool {
      guard Value.self == Scalar.self else { return false }
      unsafeBitCast(value, to: Scalar.self).write(to: self)
      return true
    }
    if Value.self == String?.self {
      if let text = unsafeBitCast(value, to: String?.self) { text.write(to: self) } else { writeNull() }
      return true
    }
    return write(String.self) || write(Int.self) || write(Bool.self) || write(Int64.self) || write(UInt64.self)
      || write(Double.self) || write(Int32.self) || write(UInt32.self) || write(Int16.self) || write(UInt16.self)
      || write(Int8.self) || write(UInt8.self) || write(UInt.self) || write(Float.self)
  }

  func close(above level: Int) {
    while open.count > level {
      let container = open.removeLast()
      if sorted {
        if members.count - container.firstMember > 1 {
          sortMembers(members[container.firstMember...], indent: baseIndent + open.count + 1)
        }
        members.removeSubrange(container.firstMember...)
      }
      if pretty { newLine(indent: open.count, blank: !container.hasMembers) }
      bytes.append(container.closer)
    }
  }

  /// Puts the members of the object that ends here in order of their names (`String`'s `<`, as
  /// `JSONEncoder` sorts them), in place: each member runs from its name to the separator before
  /// the next, and the separators all look alike.
  private func sortMembers(_ members: ArraySlice<(name: String, start: Int)>, indent: Int) {
    guard zip(members, members.dropFirst()).contains(where: { $1.name < $0.name }) else { return }
    let first = members.startIndex
    let separator = 1 + (pretty ? 1 + 2 * indent : 0)
    let end = bytes.count
    let segments = members.indices.map { index in
      members[index].start..<(index + 1 < members.endIndex ? members[index + 1].start - separator : end)
    }
    var reordered: [UInt8] = []
    reordered.reserveCapacity(end - members[first].start)
    let order = members.indices.sorted { members[$0].name < members[$1].name }
    for (position, index) in order.enumerated() {
      if position > 0 { reordered += bytes[(members[first + 1].start - separator)..<members[first + 1].start] }
      reordered += bytes[segments[index - first]]
    }
    bytes.replaceSubrange(members[first].start..<end, with: reordered)
  }

  /// Opens a container at `level` for the value with `token`, or goes on with the one it opened.
  func openContainer(_ opener: UInt8, _ closer: UInt8, level: Int, token: Int) {
    if open.count > level, open[level].token == token { return }
    close(above: level)
    bytes.append(opener)
    open.append((closer, token, false, members.count))
  }

  /// Makes ready for the next member of the container at `level`: closes what is open inside it
  /// and writes the comma.
  func beginMember(level: Int, token: Int) throws {
    guard open.count > level, open[level].token == token else {
      throw EncodingError.invalidValue(
        token,
        EncodingError.Context(codingPath: [], debugDescription: "A container was written to after a container above it moved on.")
      )
    }
    close(above: level + 1)
    if open[level].hasMembers {
      bytes.append(UInt8(ascii: ","))
    } else {
      open[level].hasMembers = true
    }
    if pretty { newLine(indent: level + 1) }
  }

  /// A member's name, after `beginMember` for the object at `level`.
  func writeKey(_ name: String, level: Int) {
    if sorted { members.append((name, bytes.count)) }
    JSONText.appendQuoted(name, to: &bytes)
    if pretty {
      bytes += [0x20, UInt8(ascii: ":"), 0x20]
    } else {
      bytes.append(UInt8(ascii: ":"))
    }
  }

  /// An array whose elements are written elsewhere: its brackets, and a NUL byte (which JSON text
  /// never holds unescaped) where the elements go.
  func writePlaceholder(level: Int) {
    bytes.append(UInt8(ascii: "["))
    if pretty { newLine(indent: level + 1) }
    bytes.append(0)
    placeholderIndent = baseIndent + level + 1
    if pretty { newLine(indent: level) }
    bytes.append(UInt8(ascii: "]"))
  }

  func writeNull() {
    bytes += [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")]
  }
}

/// Strings, Booleans and numbers, written directly.
protocol JSONStreamScalar {
  func write(to output: JSONStreamOutput)
}

extension String: JSONStreamScalar {
  func write(to output: JSONStreamOutput) { JSONText.appendQuoted(self, to: &output.bytes) }
}

extension Bool: JSONStreamScalar {
  func write(to output: JSONStreamOutput) { output.bytes += self ? Array("true".utf8) : Array("false".utf8) }
}

extension Double: JSONStreamScalar {
  /// Whole numbers without a fraction, as `JSONEncoder` writes them. A non-finite number has no
  /// JSON form; `null` is written (no writer here encodes one).
  func write(to output: JSONStreamOutput) {
    guard isFinite else { return output.writeNull() }
    if rounded() == self, abs(self) < 1e15 {
      Int64(self).write(to: output)
    } else {
      output.bytes += Array(description.utf8)
    }
  }
}

extension Float: JSONStreamScalar {
  func write(to output: JSONStreamOutput) { Double(self).write(to: output) }
}

extension FixedWidthInteger {
  func writeDecimal(to output: JSONStreamOutput) {
    if self < 0 { output.bytes.append(UInt8(ascii: "-")) }
    var magnitude = UInt64(self.magnitude)
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, filled from the end
    withUnsafeMutableBytes(of: &digits) { buffer in
      var index = buffer.count
      repeat {
        index -= 1
        buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
        magnitude /= 10
      } while magnitude != 0
      output.bytes.append(contentsOf: buffer[index...])
    }
  }
}

extension Int: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension Int8: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension Int16: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension Int32: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension Int64: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension UInt: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension UInt8: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension UInt16: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension UInt32: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }
extension UInt64: JSONStreamScalar { func write(to output: JSONStreamOutput) { writeDecimal(to: output) } }

/// The encoder of one value, and its single-value container.
struct JSONStreamEncoding: Encoder, SingleValueEncodingContainer {
  let output: JSONStreamOutput
  /// How many containers are open above this value.
  let level: Int
  let token: Int

  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    output.openContainer(UInt8(ascii: "{"), UInt8(ascii: "}"), level: level, token: token)
    return KeyedEncodingContainer(JSONStreamKeyedContainer<Key>(output: output, level: level, token: token))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    output.openContainer(UInt8(ascii: "["), UInt8(ascii: "]"), level: level, token: token)
    return JSONStreamUnkeyedContainer(output: output, level: level, token: token)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { self }

  func encodeNil() { output.writeNull() }
  func encode(_ value: Bool) { value.write(to: output) }
  func encode(_ value: String) { value.write(to: output) }
  func encode(_ value: Double) { value.write(to: output) }
  func encode(_ value: Float) { value.write(to: output) }
  func encode(_ value: Int) { value.write(to: output) }
  func encode(_ value: Int8) { value.write(to: output) }
  func encode(_ value: Int16) { value.write(to: output) }
  func encode(_ value: Int32) { value.write(to: output) }
  func encode(_ value: Int64) { value.write(to: output) }
  func encode(_ value: UInt) { value.write(to: output) }
  func encode(_ value: UInt8) { value.write(to: output) }
  func encode(_ value: UInt16) { value.write(to: output) }
  func encode(_ value: UInt32) { value.write(to: output) }
  func encode(_ value: UInt64) { value.write(to: output) }
  func encode<T: Encodable>(_ value: T) throws { try output.encodeValue(value, level: level) }
}

struct JSONStreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let output: JSONStreamOutput
  let level: Int
  let token: Int

  var codingPath: [any CodingKey] { [] }

  private func member(_ key: any CodingKey) throws {
    try output.beginMember(level: level, token: token)
    output.writeKey(key.stringValue, level: level)
  }

  @inline(__always)
  private func scalar(_ value: some JSONStreamScalar, _ key: Key) throws {
    try member(key)
    value.write(to: output)
  }

  mutating func encodeNil(forKey key: Key) throws {
    try member(key)
    output.writeNull()
  }

  mutating func encode(_ value: Bool, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: String, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: Double, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: Float, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: Int, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { try scalar(value, key) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try member(key)
    try output.encodeValue(value, level: level + 1)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<
    NestedKey
  > {
    nestedEncoder(key).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    nestedEncoder(key).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder { nestedEncoder(JSONSuperKey()) }
  mutating func superEncoder(forKey key: Key) -> any Encoder { nestedEncoder(key) }

  /// The protocol gives nested containers no way to throw; a misuse shows as an error at the
  /// container's next write instead.
  private func nestedEncoder(_ key: any CodingKey) -> JSONStreamEncoding {
    try? member(key)
    return JSONStreamEncoding(output: output, level: level + 1, token: output.newToken())
  }
}

struct JSONStreamUnkeyedContainer: UnkeyedEncodingContainer {
  let output: JSONStreamOutput
  let level: Int
  let token: Int
  private(set) var count = 0

  init(output: JSONStreamOutput, level: Int, token: Int) {
    self.output = output
    self.level = level
    self.token = token
  }

  var codingPath: [any CodingKey] { [] }

  private mutating func element() throws {
    try output.beginMember(level: level, token: token)
    count += 1
  }

  @inline(__always)
  private mutating func scalar(_ value: some JSONStreamScalar) throws {
    try element()
    value.write(to: output)
  }

  mutating func encodeNil() throws {
    try element()
    output.writeNull()
  }

  mutating func encode(_ value: Bool) throws { try scalar(value) }
  mutating func encode(_ value: String) throws { try scalar(value) }
  mutating func encode(_ value: Double) throws { try scalar(value) }
  mutating func encode(_ value: Float) throws { try scalar(value) }
  mutating func encode(_ value: Int) throws { try scalar(value) }
  mutating func encode(_ value: Int8) throws { try scalar(value) }
  mutating func encode(_ value: Int16) throws { try scalar(value) }
  mutating func encode(_ value: Int32) throws { try scalar(value) }
  mutating func encode(_ value: Int64) throws { try scalar(value) }
  mutating func encode(_ value: UInt) throws { try scalar(value) }
  mutating func encode(_ value: UInt8) throws { try scalar(value) }
  mutating func encode(_ value: UInt16) throws { try scalar(value) }
  mutating func encode(_ value: UInt32) throws { try scalar(value) }
  mutating func encode(_ value: UInt64) throws { try scalar(value) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    try element()
    try output.encodeValue(value, level: level + 1)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    nestedEncoder().container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nestedEncoder().unkeyedContainer() }

  mutating func superEncoder() -> any Encoder { nestedEncoder() }

  private mutating func nestedEncoder() -> JSONStreamEncoding {
    try? element()
    return JSONStreamEncoding(output: output, level: level + 1, token: output.newToken())
  }
}

/// JSON string literals (RFC 8259 §7), written as serde_json and `JSONEncoder` with
/// `.withoutEscapingSlashes` write them: `"`, `\` and control characters escaped (`\n` and the
/// like, else `\u00xx`), everything else as it is.
public enum JSONText {
  public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
    var text = text
    text.withUTF8 { utf8 in
      bytes.append(UInt8(ascii: "\""))
      var index = 0
      while index < utf8.count {
        let plainEnd = firstSpecialStringByte(in: utf8, from: index)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[index..<plainEnd]))
        guard plainEnd < utf8.count else { break }
        let byte = utf8[plainEnd]
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0a: bytes.append(UInt8(ascii: "n"))
        case 0x0d: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0c: bytes.append(UInt8(ascii: "f"))
        default:
          bytes += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")]
          bytes += [HexDigit.lower[Int(byte >> 4)], HexDigit.lower[Int(byte & 0x0f)]]
        }
        index = plainEnd + 1
      }
      bytes.append(UInt8(ascii: "\""))
    }
  }

  /// The offset of the first quote, backslash or control character at or after `start`, or the
  /// count. Eight bytes at a time, with a zero-byte test for each of the three.
  static func firstSpecialStringByte(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var position = start
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    let raw = UnsafeRawBufferPointer(bytes)
    while position + 8 <= bytes.count {
      let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
      let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
      let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
      let special = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- ones &* 0x20) & ~word)
      if special & highs != 0 { break }
      position += 8
    }
    while position < bytes.count {
      let byte = bytes[position]
      if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return position }
      position += 1
    }
    return position
  }
}
