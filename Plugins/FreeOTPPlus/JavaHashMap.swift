import OTPCore

/// The one Java object FreeOTP 2.x writes to its backup: a `java.util.HashMap<String, String>` in
/// Java's serialization format (Java Object Serialization Specification, chapter 6). No packaged
/// library reads it outside Java, so this reads exactly that shape and refuses any other: the
/// stream header, one HashMap object with primitive fields, its block of capacity and size, then
/// `size` keys and values, each a string or a reference to an earlier one. Every length is
/// checked against the bytes left, so a hostile file costs no more than its own size.
enum JavaHashMap {
  struct Malformed: Error {
    var reason: String
  }

  static let magic: [UInt8] = [0xAC, 0xED, 0x00, 0x05]
  static let className = "java.util.HashMap"

  // Type codes of the stream grammar.
  static let nullCode: UInt8 = 0x70
  static let referenceCode: UInt8 = 0x71
  static let classDescriptionCode: UInt8 = 0x72
  static let objectCode: UInt8 = 0x73
  static let stringCode: UInt8 = 0x74
  static let blockDataCode: UInt8 = 0x77
  static let endBlockDataCode: UInt8 = 0x78
  static let longStringCode: UInt8 = 0x7C
  /// The first handle a stream gives out.
  static let baseHandle = 0x7E_0000

  /// Whether `bytes` start as a serialized HashMap.
  static func isHashMap(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: magic + [objectCode, classDescriptionCode, 0x00, UInt8(className.utf8.count)] + Array(className.utf8))
  }

  /// The map's entries in the stream's order.
  static func entries(_ bytes: [UInt8]) throws(Malformed) -> [(key: String, value: String)] {
    var reader = Reader(bytes: bytes)
    guard try reader.take(4) == magic[...] else { throw Malformed(reason: "not a Java serialization stream") }
    guard try reader.byte() == objectCode, try reader.byte() == classDescriptionCode else {
      throw Malformed(reason: "the stream does not start with an object")
    }
    guard try reader.utf() == className else { throw Malformed(reason: "the object is not a java.util.HashMap") }
    _ = try reader.take(8)  // serialVersionUID
    let flags = try reader.byte()
    let fieldCount = try reader.unsigned(2)
    var fieldSizes: [Int] = []
    for _ in 0..<fieldCount {
      let type = try reader.byte()
      _ = try reader.utf()
      // HashMap's serialized fields are primitives (loadFactor, and threshold on some Javas).
      let sizes: [UInt8: Int] = [
        UInt8(ascii: "B"): 1, UInt8(ascii: "Z"): 1, UInt8(ascii: "C"): 2, UInt8(ascii: "S"): 2, UInt8(ascii: "F"): 4,
        UInt8(ascii: "I"): 4, UInt8(ascii: "D"): 8, UInt8(ascii: "J"): 8,
      ]
      guard let size = sizes[type] else { throw Malformed(reason: "the HashMap has a field that is not a number") }
      fieldSizes.append(size)
    }
    guard try reader.byte() == endBlockDataCode, try reader.byte() == nullCode else {
      throw Malformed(reason: "the HashMap's class description does not end as Java writes it")
    }
    reader.handles += 2  // the class description and the object
    for size in fieldSizes { _ = try reader.take(size) }
    // writeObject's own data: the number of buckets and of entries.
    guard flags & 0x01 != 0, try reader.byte() == blockDataCode, try reader.byte() == 8 else {
      throw Malformed(reason: "the HashMap has no block with its size")
    }
    _ = try reader.unsigned(4)
    let count = try reader.unsigned(4)
    // Every entry is two strings of three bytes or more (a reference takes five): a larger count
    // is a lie. Nothing is reserved from the count the file gives.
    guard count <= reader.remaining / 6 else { throw Malformed(reason: "the HashMap claims \(count) entries") }
    var entries: [(key: String, value: String)] = []
    for _ in 0..<count {
      let key = try reader.string()
      let value = try reader.string()
      entries.append((key, value))
    }
    guard try reader.byte() == endBlockDataCode else { throw Malformed(reason: "the HashMap does not end after its entries") }
    return entries
  }

  struct Reader {
    let bytes: [UInt8]
    var offset = 0
    /// The next handle's number less `baseHandle`, and the strings given handles so far.
    var handles = 0
    var strings: [Int: String] = [:]

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> {
      guard count >= 0, count <= remaining else { throw Malformed(reason: "the stream ends early") }
      defer { offset += count }
      return bytes[offset..<(offset + count)]
    }

    mutating func byte() throws(Malformed) -> UInt8 { try take(1).first! }

    mutating func unsigned(_ width: Int) throws(Malformed) -> Int {
      try take(width).reduce(0) { $0 << 8 | Int($1) }
    }

    /// A class or field name: two bytes of length, then modified UTF-8.
    mutating func utf() throws(Malformed) -> String {
      let length = try unsigned(2)
      return try Self.modifiedUTF8(take(length))
    }

    /// A string value: new (short or long) or a reference to an earlier one. FreeOTP writes no null.
    mutating func string() throws(Malformed) -> String {
      switch try byte() {
      case JavaHashMap.stringCode:
        return try newString(length: unsigned(2))
      case JavaHashMap.longStringCode:
        let length = try unsigned(8)
        return try newString(length: length)
      case JavaHashMap.referenceCode:
        let handle = try unsigned(4) - JavaHashMap.baseHandle
        guard let string = strings[handle] else { throw Malformed(reason: "a reference to no earlier string") }
        return string
      default:
        throw Malformed(reason: "a key or value that is not a string")
      }
    }

    mutating func newString(length: Int) throws(Malformed) -> String {
      let string = try Self.modifiedUTF8(take(length))
      strings[handles] = string
      handles += 1
      return string
    }

    /// Java's modified UTF-8: UTF-8 of UTF-16 code units (NUL as C0 80, surrogates each encoded).
    static func modifiedUTF8(_ bytes: ArraySlice<UInt8>) throws(Malformed) -> String {
      if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
      var units: [UInt16] = []
      var index = bytes.startIndex
      func continuation(_ at: Int) throws(Malformed) -> UInt16 {
        guard at < bytes.endIndex, bytes[at] & 0xC0 == 0x80 else { throw Malformed(reason: "a string is not modified UTF-8") }
        return UInt16(bytes[at] & 0x3F)
      }
      while index < bytes.endIndex {
        let first = bytes[index]
        if first < 0x80 {
          units.append(UInt16(first))
          index += 1
        } else if first & 0xE0 == 0xC0 {
          units.append(UInt16(first & 0x1F) << 6 | (try continuation(index + 1)))
          index += 2
        } else if first & 0xF0 == 0xE0 {
          units.append(UInt16(first & 0x0F) << 12 | (try continuation(index + 1)) << 6 | (try continuation(index + 2)))
          index += 3
        } else {
          throw Malformed(reason: "a string is not modified UTF-8")
        }
      }
      return String(decoding: units, as: UTF16.self)
    }
  }
}
