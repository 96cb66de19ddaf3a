/// Decodes `Decodable` values from JSON bytes the way Foundation's `JSONDecoder` does with its
/// default strategies: the same `DecodingError` cases with the same coding paths, so
/// `DecodingError.summary` and `Lenient` read the same. The difference is speed: the text is parsed
/// once into a `JSONTape`, a keyed container finds a member by comparing its name's bytes, and a
/// string is made only when it is decoded. Every reader of a JSON format uses it.
public struct JSONTapeDecoder {
  /// Arrays and objects nested deeper than this are refused as invalid JSON.
  public var maxDepth: Int
  /// Deeper than any export nests (`Limits.jsonDepth` starts here).
  public static let defaultMaxDepth = 128

  public init(maxDepth: Int = JSONTapeDecoder.defaultMaxDepth) {
    self.maxDepth = maxDepth
  }

  public func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
    try document(of: bytes).decode(Value.self, at: 0, parent: .root, key: nil)
  }

  func document(of bytes: [UInt8]) throws -> TapeDocument {
    let tape: JSONTape
    do {
      tape = try bytes.withUnsafeBufferPointer { buffer throws(JSONTape.SyntaxError) in
        try JSONTape(parsing: buffer, maxDepth: maxDepth)
      }
    } catch {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: [], debugDescription: "The given data was not valid JSON: \(error.reason) at byte \(error.offset).",
          underlyingError: error))
    }
    return TapeDocument(bytes: bytes, nodes: tape.nodes)
  }
}

/// The text and its tape, shared by every decoder and container of one `decode` call.
final class TapeDocument {
  let bytes: [UInt8]
  let nodes: [JSONTape.Node]

  init(bytes: [UInt8], nodes: [JSONTape.Node]) {
    self.bytes = bytes
    self.nodes = nodes
  }

  /// A value of any type at node `index`; `key` is its place below `parent`, for errors.
  func decode<Value: Decodable>(_ type: Value.Type, at index: Int, parent: TapeCodingPath, key: (any CodingKey)?) throws -> Value
  {
    if let scalarType = Value.self as? any TapeScalar.Type {
      return try scalar(scalarType, at: index, path: parent.keys(appending: key)) as! Value
    }
    let path = key.map { TapeCodingPath.key($0, parent) } ?? parent
    return try Value(from: TapeDecoder(document: self, index: index, path: path))
  }

  /// A string, number or Boolean at node `index`. `path` is built only when it is an error.
  @inline(__always)
  func scalar<Value: TapeScalar>(_ type: Value.Type, at index: Int, path: @autoclosure () -> [any CodingKey]) throws -> Value {
    let node = nodes[index]
    let value: Value?
    do {
      value = try Value(tape: self, node: node)
    } catch {
      throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path(), debugDescription: error.reason))
    }
    if let value { return value }
    if node.kind == .null {
      throw DecodingError.valueNotFound(
        Value.self,
        DecodingError.Context(
          codingPath: path(), debugDescription: "Expected \(Value.self) value but found null instead."))
    }
    throw DecodingError.typeMismatch(
      Value.self,
      DecodingError.Context(
        codingPath: path(), debugDescription: "Expected to decode \(Value.self) but found \(node.kind.noun) instead."))
  }

  /// The bytes of a string or number node, in place.
  func withText<Result>(of node: JSONTape.Node, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    bytes.withUnsafeBufferPointer { text in
      body(UnsafeBufferPointer(rebasing: text[Int(node.start)..<Int(node.start + node.length)]))
    }
  }

  /// A string node's text, or nil when it escapes half a surrogate pair. The parser has checked
  /// that the whole text is UTF-8, so nothing here is repaired.
  func string(_ node: JSONTape.Node) -> String? {
    withText(of: node) { raw in
      if !node.isEscapedOrFractional { return String(decoding: raw, as: UTF8.self) }
      return Self.unescape(raw).map { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// The value node of the member of `object` named `name` (the first, if a name repeats).
  func member(of object: Int, named name: String) -> Int? {
    var name = name
    return name.withUTF8 { wanted in
      bytes.withUnsafeBufferPointer { text in
        var index = object + 1
        let end = Int(nodes[object].end)
        while index < end {
          let key = nodes[index]
          if key.isEscapedOrFractional {
            if Self.unescape(UnsafeBufferPointer(rebasing: text[Int(key.start)..<Int(key.start + key.length)]))?.elementsEqual(
              wanted) == true
            {
              return index + 1
            }
          } else if Int(key.length) == wanted.count,
            UnsafeBufferPointer(rebasing: text[Int(key.start)..<Int(key.start + key.length)]).elementsEqual(wanted)
          {
            return index + 1
          }
          index = Int(nodes[index + 1].end)
        }
        return nil
      }
    }
  }

  /// Every member name of `object`, in order.
  func memberNames(of object: Int) -> [String] {
    var names: [String] = []
    var index = object + 1
    while index < Int(nodes[object].end) {
      if let name = string(nodes[index]) { names.append(name) }
      index = Int(nodes[index + 1].end)
    }
    return names
  }

  /// The text of a string with backslash escapes (RFC 8259 §7), as UTF-8 bytes. The parser has
  /// checked every escape's shape; nil for a `\u` surrogate without its other half.
  static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    var output: [UInt8] = []
    output.reserveCapacity(raw.count)
    var index = 0
    func hexValue(at start: Int) -> UInt32 {
      (start..<(start + 4)).reduce(0) { $0 << 4 | UInt32(HexDigit.value(raw[$1]) ?? 0) }
    }
    while index < raw.count {
      let byte = raw[index]
      guard byte == UInt8(ascii: "\\") else {
        output.append(byte)
        index += 1
        continue
      }
      let escape = raw[index + 1]
      index += 2
      switch escape {
      case UInt8(ascii: "b"): output.append(0x08)
      case UInt8(ascii: "f"): output.append(0x0C)
      case UInt8(ascii: "n"): output.append(0x0A)
      case UInt8(ascii: "r"): output.append(0x0D)
      case UInt8(ascii: "t"): output.append(0x09)
      case UInt8(ascii: "u"):
        var code = hexValue(at: index)
        index += 4
        if (0xD800...0xDBFF).contains(code) {
          guard index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") else { return nil }
          let low = hexValue(at: index + 2)
          guard (0xDC00...0xDFFF).contains(low) else { return nil }
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          index += 6
        }
        guard let scalar = Unicode.Scalar(code) else { return nil }
        output.append(contentsOf: UTF8.encode(scalar)!)
      default: output.append(escape)  // " \ /
      }
    }
    return output
  }
}

/// A coding path as a chain from the value up to the top, so that going one level down costs one
/// small allocation instead of copying an array; made into an array only for an error.
indirect enum TapeCodingPath {
  case root
  case key(any CodingKey, TapeCodingPath)

  func keys(appending last: (any CodingKey)? = nil) -> [any CodingKey] {
    var keys: [any CodingKey] = last.map { [$0] } ?? []
    var node = self
    while case .key(let key, let parent) = node {
      keys.append(key)
      node = parent
    }
    return keys.reversed()
  }
}

/// An array element's place in a coding path, as Foundation names it.
struct TapeIndexKey: CodingKey {
  let index: Int
  var stringValue: String { "Index \(index)" }
  var intValue: Int? { index }
  init(intValue: Int) { index = intValue }
  init?(stringValue: String) { nil }
}

/// `super`, the member that `superDecoder()` and `superEncoder()` use, as Foundation names it.
struct JSONSuperKey: CodingKey {
  var stringValue: String { "super" }
  var intValue: Int? { nil }
  init() {}
  init?(stringValue: String) { nil }
  init?(intValue: Int) { nil }
}

extension JSONTape.Kind {
  var noun: String {
    switch self {
    case .object: return "a dictionary"
    case .array: return "an array"
    case .string: return "a string"
    case .number: return "a number"
    case .trueValue, .falseValue: return "bool"
    case .null: return "null"
    }
  }
}

// MARK: - Scalars

/// A number that does not fit the asked type, or a string that is not valid text.
struct TapeScalarFailure: Error {
  var reason: String
}

/// Strings, Booleans and numbers, read straight from a node: nil when the node is of another kind.
protocol TapeScalar: Decodable {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure)
}

extension String: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) {
    guard node.kind == .string else { return nil }
    guard let text = tape.string(node) else {
      throw TapeScalarFailure(reason: "The string is not valid UTF-8 or has half a surrogate pair.")
    }
    self = text
  }
}

extension Bool: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) {
    switch node.kind {
    case .trueValue: self = true
    case .falseValue: self = false
    default: return nil
    }
  }
}

extension Double: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) {
    guard node.kind == .number else { return nil }
    let text = tape.withText(of: node) { String(decoding: $0, as: UTF8.self) }
    guard let value = Double(text), value.isFinite else {
      throw TapeScalarFailure(reason: "Number \(text) is not representable in Swift.")
    }
    self = value
  }
}

extension Float: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) {
    guard let double = try Double(tape: tape, node: node) else { return nil }
    guard abs(double) <= Double(Float.greatestFiniteMagnitude) else {
      throw TapeScalarFailure(reason: "Number \(double) does not fit in Float.")
    }
    self = Float(double)
  }
}

extension FixedWidthInteger {
  /// Digits are read directly; a number with a fraction or exponent only when it is whole.
  init?(integerTape tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) {
    guard node.kind == .number else { return nil }
    if node.isEscapedOrFractional {
      guard let double = try Double(tape: tape, node: node), let whole = Self(exactly: double) else {
        throw TapeScalarFailure(reason: "Number does not fit in \(Self.self).")
      }
      self = whole
      return
    }
    let parsed: Self? = tape.withText(of: node) { digits in
      let negative = digits[0] == UInt8(ascii: "-")
      var magnitude: UInt64 = 0
      for digit in digits[(negative ? 1 : 0)...] {
        let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
        if overflow1 || overflow2 { return nil }
        magnitude = sum
      }
      guard negative else { return Self(exactly: magnitude) }
      guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
      return Self(exactly: magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
    }
    guard let parsed else { throw TapeScalarFailure(reason: "Number does not fit in \(Self.self).") }
    self = parsed
  }
}

extension Int: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension Int8: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension Int16: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension Int32: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension Int64: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension UInt: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension UInt8: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension UInt16: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension UInt32: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}
extension UInt64: TapeScalar {
  init?(tape: TapeDocument, node: JSONTape.Node) throws(TapeScalarFailure) { try self.init(integerTape: tape, node: node) }
}

// MARK: - Decoder and containers

/// The decoder of one value: also its single-value container.
struct TapeDecoder: Decoder, SingleValueDecodingContainer {
  let document: TapeDocument
  let index: Int
  let path: TapeCodingPath

  var codingPath: [any CodingKey] { path.keys() }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    try requireKind(.object, expected: [String: Any].self, container: KeyedDecodingContainer<Key>.self)
    return KeyedDecodingContainer(TapeKeyedContainer<Key>(document: document, object: index, path: path))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try requireKind(.array, expected: [Any].self, container: (any UnkeyedDecodingContainer).self)
    return TapeUnkeyedContainer(document: document, array: index, path: path)
  }

  func singleValueContainer() -> any SingleValueDecodingContainer { self }

  private func requireKind(_ kind: JSONTape.Kind, expected: Any.Type, container: Any.Type) throws {
    let found = document.nodes[index].kind
    if found == kind { return }
    if found == .null {
      throw DecodingError.valueNotFound(
        container,
        DecodingError.Context(
          codingPath: codingPath, debugDescription: "Cannot get a container -- found null value instead"))
    }
    throw DecodingError.typeMismatch(
      expected,
      DecodingError.Context(
        codingPath: codingPath, debugDescription: "Expected to decode \(expected) but found \(found.noun) instead."))
  }

  func decodeNil() -> Bool { document.nodes[index].kind == .null }
  func decode(_ type: Bool.Type) throws -> Bool { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: String.Type) throws -> String { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: Double.Type) throws -> Double { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: Float.Type) throws -> Float { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: Int.Type) throws -> Int { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: Int8.Type) throws -> Int8 { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: Int16.Type) throws -> Int16 { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: Int32.Type) throws -> Int32 { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: Int64.Type) throws -> Int64 { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: UInt.Type) throws -> UInt { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try document.scalar(type, at: index, path: codingPath) }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try document.scalar(type, at: index, path: codingPath) }
  func decode<T: Decodable>(_ type: T.Type) throws -> T { try document.decode(type, at: index, parent: path, key: nil) }
}

struct TapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let document: TapeDocument
  let object: Int
  let path: TapeCodingPath

  var codingPath: [any CodingKey] { path.keys() }
  var allKeys: [Key] { document.memberNames(of: object).compactMap { Key(stringValue: $0) } }

  func contains(_ key: Key) -> Bool { document.member(of: object, named: key.stringValue) != nil }

  private func value(_ key: Key) throws -> Int {
    guard let index = document.member(of: object, named: key.stringValue) else {
      throw DecodingError.keyNotFound(
        key,
        DecodingError.Context(
          codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
    }
    return index
  }

  /// The value node of a member that is there and not null.
  private func presentValue(_ key: Key) -> Int? {
    guard let index = document.member(of: object, named: key.stringValue), document.nodes[index].kind != .null else { return nil }
    return index
  }

  // Inlined into each overload, so that every scalar type gets code of its own instead of a
  // generic call that looks up type metadata on each value.
  @inline(__always)
  private func scalar<T: TapeScalar>(_ type: T.Type, _ key: Key) throws -> T {
    try document.scalar(type, at: try value(key), path: path.keys(appending: key))
  }

  @inline(__always)
  private func scalarIfPresent<T: TapeScalar>(_ type: T.Type, _ key: Key) throws -> T? {
    guard let index = presentValue(key) else { return nil }
    return try document.scalar(type, at: index, path: path.keys(appending: key))
  }

  func decodeNil(forKey key: Key) throws -> Bool { document.nodes[try value(key)].kind == .null }
  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(type, key) }
  func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(type, key) }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(type, key) }
  func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(type, key) }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalar(type, key) }
  func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try scalar(type, key) }
  func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try scalar(type, key) }
  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalar(type, key) }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalar(type, key) }
  func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try scalar(type, key) }
  func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try scalar(type, key) }
  func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try scalar(type, key) }
  func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalar(type, key) }
  func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalar(type, key) }
  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try document.decode(type, at: try value(key), parent: path, key: key)
  }

  // One lookup each, where the protocol's defaults would make three.
  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try scalarIfPresent(type, key) }
  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try scalarIfPresent(type, key) }
  func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try scalarIfPresent(type, key) }
  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try scalarIfPresent(type, key) }
  func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try scalarIfPresent(type, key) }
  func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try scalarIfPresent(type, key) }
  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
    guard let index = presentValue(key) else { return nil }
    return try document.decode(type, at: index, parent: path, key: key)
  }

  private func decoder(forKey key: Key) throws -> TapeDecoder {
    TapeDecoder(document: document, index: try value(key), path: .key(key, path))
  }

  func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<
    NestedKey
  > {
    try decoder(forKey: key).container(keyedBy: type)
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    try decoder(forKey: key).unkeyedContainer()
  }

  func superDecoder() throws -> any Decoder {
    let key = JSONSuperKey()
    guard let index = document.member(of: object, named: key.stringValue) else {
      throw DecodingError.keyNotFound(
        key, DecodingError.Context(codingPath: codingPath, debugDescription: "No value for \"super\"."))
    }
    return TapeDecoder(document: document, index: index, path: .key(key, path))
  }

  func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(forKey: key) }
}

struct TapeUnkeyedContainer: UnkeyedDecodingContainer {
  let document: TapeDocument
  let array: Int
  let path: TapeCodingPath
  private(set) var currentIndex = 0
  /// The node of the element at `currentIndex`.
  private var cursor: Int

  init(document: TapeDocument, array: Int, path: TapeCodingPath) {
    self.document = document
    self.array = array
    self.path = path
    cursor = array + 1
  }

  var codingPath: [any CodingKey] { path.keys() }
  var count: Int? { Int(document.nodes[array].count) }
  var isAtEnd: Bool { currentIndex >= Int(document.nodes[array].count) }

  private var elementPath: [any CodingKey] { path.keys(appending: TapeIndexKey(intValue: currentIndex)) }

  /// The node of the next element; it is consumed by `advance` once decoded.
  private func next(_ type: Any.Type) throws -> Int {
    guard !isAtEnd else {
      throw DecodingError.valueNotFound(
        type, DecodingError.Context(codingPath: elementPath, debugDescription: "Unkeyed container is at end."))
    }
    return cursor
  }

  private mutating func advance() {
    cursor = Int(document.nodes[cursor].end)
    currentIndex += 1
  }

  @inline(__always)
  private mutating func scalar<T: TapeScalar>(_ type: T.Type) throws -> T {
    let value = try document.scalar(type, at: try next(type), path: elementPath)
    advance()
    return value
  }

  mutating func decodeNil() throws -> Bool {
    guard document.nodes[try next(Never?.self)].kind == .null else { return false }
    advance()
    return true
  }

  mutating func decode(_ type: Bool.Type) throws -> Bool { try scalar(type) }
  mutating func decode(_ type: String.Type) throws -> String { try scalar(type) }
  mutating func decode(_ type: Double.Type) throws -> Double { try scalar(type) }
  mutating func decode(_ type: Float.Type) throws -> Float { try scalar(type) }
  mutating func decode(_ type: Int.Type) throws -> Int { try scalar(type) }
  mutating func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type) }
  mutating func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type) }
  mutating func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type) }
  mutating func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type) }
  mutating func decode(_ type: UInt.Type) throws -> UInt { try scalar(type) }
  mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type) }
  mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type) }
  mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type) }
  mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type) }
  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
    let value = try document.decode(type, at: try next(type), parent: path, key: TapeIndexKey(intValue: currentIndex))
    advance()
    return value
  }

  private mutating func nextDecoder() throws -> TapeDecoder {
    let decoder = TapeDecoder(
      document: document, index: try next(TapeDecoder.self), path: .key(TapeIndexKey(intValue: currentIndex), path))
    advance()
    return decoder
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
    try nextDecoder().container(keyedBy: type)
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try nextDecoder().unkeyedContainer()
  }

  mutating func superDecoder() throws -> any Decoder { try nextDecoder() }
}

// MARK: - Walking the tape without Codable

/// A value in a parsed JSON text, for a reader that walks a small fixed shape itself: Codable
/// spends about a microsecond an object on type metadata and container boxes, which shows in a
/// thousand-entry file with a fast KDF (Proton, docs/benchmarks.md). Lookups answer nil for a
/// value that is not there; `text` and friends throw `JSONShapeError` for one of the wrong kind.
public struct JSONTapeValue {
  let document: TapeDocument
  let index: Int

  /// Parses `bytes`; not JSON is a `DecodingError.dataCorrupted`, as from `JSONTapeDecoder`.
  public init(parsing bytes: [UInt8], maxDepth: Int = JSONTapeDecoder.defaultMaxDepth) throws {
    document = try JSONTapeDecoder(maxDepth: maxDepth).document(of: bytes)
    index = 0
  }

  init(document: TapeDocument, index: Int) {
    self.document = document
    self.index = index
  }

  var kind: JSONTape.Kind { document.nodes[index].kind }

  public var isNull: Bool { kind == .null }

  /// The member named `name` of an object; nil when this is not an object or has no such member.
  public subscript(name: String) -> JSONTapeValue? {
    guard kind == .object, let member = document.member(of: index, named: name) else { return nil }
    return JSONTapeValue(document: document, index: member)
  }

  /// The elements of an array, or nil when this is not one.
  public var elements: [JSONTapeValue]? {
    guard kind == .array else { return nil }
    var elements: [JSONTapeValue] = []
    elements.reserveCapacity(Int(document.nodes[index].count))
    var element = index + 1
    while element < Int(document.nodes[index].end) {
      elements.append(JSONTapeValue(document: document, index: element))
      element = Int(document.nodes[element].end)
    }
    return elements
  }

  public var isObject: Bool { kind == .object }
}

/// A value of another kind than the reader expects, where it is.
public struct JSONShapeError: Error {
  public var expected: String

  public init(expected: String) {
    self.expected = expected
  }
}

extension Optional where Wrapped == JSONTapeValue {
  /// The text of a string; nil for a missing or null value; an error for anything else.
  public func text() throws(JSONShapeError) -> String? {
    guard let value = self, !value.isNull else { return nil }
    guard value.kind == .string, let text = value.document.string(value.document.nodes[value.index]) else {
      throw JSONShapeError(expected: "text")
    }
    return text
  }

  /// A whole number; nil for a missing or null value; an error for anything else.
  public func wholeNumber() throws(JSONShapeError) -> Int? {
    guard let value = self, !value.isNull else { return nil }
    guard let number = try? Int(integerTape: value.document, node: value.document.nodes[value.index]) else {
      throw JSONShapeError(expected: "a whole number")
    }
    return number
  }
}
