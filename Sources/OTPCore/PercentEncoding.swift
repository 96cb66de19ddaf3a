import OTPJSON

/// Percent-decoding that keeps going on malformed input (formats.md §0.2): a `%` not followed by
/// two hex digits stays as it is, because real files contain raw `%`, spaces and `#`.
public enum PercentEncoding {
  /// `text` with `%XX` decoded (and, with `plusIsSpace`, `+` as a space); see `withDecoded`.
  public static func decode(_ text: String, plusIsSpace: Bool) -> String {
    Array(text.utf8).withUnsafeBufferPointer { bytes in
      withDecoded(bytes, plusIsSpace: plusIsSpace) { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// Calls `body` with the bytes `%XX`-decoded; with `plusIsSpace`, `+` becomes a space (query
  /// values only: in the label a `+` is a literal plus). Most values need no decoding at all,
  /// and those are handed over in place, without a copy.
  public static func withDecoded<R, E: Error>(
    _ utf8: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R
  ) throws(E) -> R {
    guard let first = utf8.firstIndex(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
      return try body(utf8)
    }
    // The decoded bytes are never longer than the text; small ones live on the stack.
    let result = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count) { decoded in
      var count = first
      _ = decoded.initialize(fromContentsOf: utf8[..<first])
      var index = first
      while index < utf8.endIndex {
        let byte = utf8[index]
        if byte == UInt8(ascii: "%"), index + 2 < utf8.endIndex,
          let high = HexDigit.value(utf8[index + 1]), let low = HexDigit.value(utf8[index + 2])
        {
          decoded[count] = high << 4 | low
          index += 3
        } else {
          decoded[count] = plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte
          index += 1
        }
        count += 1
      }
      return Result { () throws(E) in try body(UnsafeBufferPointer(rebasing: decoded[..<count])) }
    }
    return try result.get()
  }

  static let hexDigits = Array("0123456789ABCDEF".utf8)

  static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "@"):
      return true
    default:
      return false
    }
  }

  /// Appends `text` with everything but RFC 3986 unreserved characters and `@` encoded, spaces as
  /// `%20` (the form every reader decodes, unlike `+`).
  public static func encode(_ text: String, into output: inout [UInt8]) {
    var text = text
    text.withUTF8 { utf8 in
      // Names and issuers are mostly unreserved already: copy them whole.
      if utf8.allSatisfy(isUnreserved) {
        output.append(contentsOf: utf8)
        return
      }
      for byte in utf8 {
        if isUnreserved(byte) {
          output.append(byte)
        } else {
          output.append(UInt8(ascii: "%"))
          output.append(hexDigits[Int(byte >> 4)])
          output.append(hexDigits[Int(byte & 0x0f)])
        }
      }
    }
  }
}
