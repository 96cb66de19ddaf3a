/// Percent-decoding that keeps going on malformed input (formats.md §0.2): a `%` not followed by
/// two hex digits stays as it is, because real files contain raw `%`, spaces and `#`.
enum PercentEncoding {
  /// Decodes `%XX`; with `plusIsSpace`, `+` becomes a space first (query values only: in the
  /// label a `+` is a literal plus).
  static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    let utf8 = Array(text.utf8)
    var index = 0
    while index < utf8.count {
      let byte = utf8[index]
      if byte == UInt8(ascii: "%"), index + 2 < utf8.count,
        let high = Hex.digitValue(utf8[index + 1]), let low = Hex.digitValue(utf8[index + 2])
      {
        bytes.append(high << 4 | low)
        index += 3
        continue
      }
      bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
      index += 1
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Encodes everything but RFC 3986 unreserved characters and `@`, with spaces as `%20` (the
  /// form every reader decodes, unlike `+`).
  static func encode(_ text: String) -> String {
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "@"):
        output.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        output += "%" + String(byte >> 4, radix: 16, uppercase: true)
          + String(byte & 0x0f, radix: 16, uppercase: true)
      }
    }
    return output
  }
}
