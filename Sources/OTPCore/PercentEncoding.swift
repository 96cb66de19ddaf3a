/// Percent-decoding that keeps going on malformed input (formats.md §0.2): a `%` not followed by
/// two hex digits stays as it is, because real files contain raw `%`, spaces and `#`.
enum PercentEncoding {
  /// Decodes `%XX`; with `plusIsSpace`, `+` becomes a space first (query values only: in the
  /// label a `+` is a literal plus).
  static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
    String(decoding: decode(bytes: Array(text.utf8)[...], plusIsSpace: plusIsSpace), as: UTF8.self)
  }

  static func decode(bytes utf8: ArraySlice<UInt8>, plusIsSpace: Bool) -> [UInt8] {
    // Most values need no decoding at all.
    if !utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
      return Array(utf8)
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(utf8.count)
    var index = utf8.startIndex
    while index < utf8.endIndex {
      let byte = utf8[index]
      if byte == UInt8(ascii: "%"), index + 2 < utf8.endIndex,
        let high = Hex.digitValue(utf8[index + 1]), let low = Hex.digitValue(utf8[index + 2])
      {
        bytes.append(high << 4 | low)
        index += 3
        continue
      }
      bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
      index += 1
    }
    return bytes
  }

  /// Encodes everything but RFC 3986 unreserved characters and `@`, with spaces as `%20` (the
  /// form every reader decodes, unlike `+`).
  static func encode(_ text: String) -> String {
    var output: [UInt8] = []
    encode(text, into: &output)
    return String(decoding: output, as: UTF8.self)
  }

  static let hexDigits = Array("0123456789ABCDEF".utf8)

  static func encode(_ text: String, into output: inout [UInt8]) {
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "@"):
        output.append(byte)
      default:
        output.append(UInt8(ascii: "%"))
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 0x0f)])
      }
    }
  }
}
