/// RFC 4648 base32, read as tolerantly as the tolerant apps (formats.md §0.1) and written strictly.
public enum Base32 {
  static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

  /// Why a text is not base32.
  public enum DecodeError: Error, Equatable, CustomStringConvertible {
    /// A character outside the alphabet, at a 1-based position of the text as given.
    case invalidCharacter(position: Int)
    /// Nothing left after removing spaces, hyphens and padding.
    case empty

    public var description: String {
      switch self {
      case .invalidCharacter(let position):
        return "character \(position) is not base32 (A–Z, 2–7)"
      case .empty:
        return "the secret is empty"
      }
    }
  }

  /// The bytes of a decoded text, and how many trailing characters carried no whole byte.
  public struct Decoded: Sendable, Equatable {
    public var bytes: [UInt8]
    /// 1, 3 or 6 characters in the last group of 8 hold fewer bits than the byte they start: no
    /// encoder writes that, so it is usually a typo. They are ignored, as Bitwarden does.
    public var ignoredTrailingCharacters: Int
  }

  /// Decodes base32 the way real files need it: any case; spaces, tabs and hyphens ignored; `=`
  /// padding optional; an incomplete last quantum accepted with its leftover bits dropped.
  /// The error never quotes the text, which is a secret.
  public static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
    try decodeReporting(text).bytes
  }

  /// `decode`, also saying whether trailing characters were ignored.
  public static func decodeReporting(_ text: String) throws(DecodeError) -> Decoded {
    try decodeReporting(utf8: text.utf8)
  }

  /// `decodeReporting` over UTF-8 bytes, for readers that parse bytes.
  public static func decodeReporting<Bytes: Collection<UInt8>>(utf8: Bytes) throws(DecodeError) -> Decoded {
    var values: [UInt8] = []
    values.reserveCapacity(utf8.count)
    var position = 0
    var paddingSeen = false
    for byte in utf8 {
      position += 1
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"):
        continue
      case UInt8(ascii: "="):
        paddingSeen = true
        continue
      case UInt8(ascii: "A")...UInt8(ascii: "Z"):
        guard !paddingSeen else { throw .invalidCharacter(position: position) }
        values.append(byte - UInt8(ascii: "A"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"):
        guard !paddingSeen else { throw .invalidCharacter(position: position) }
        values.append(byte - UInt8(ascii: "a"))
      case UInt8(ascii: "2")...UInt8(ascii: "7"):
        guard !paddingSeen else { throw .invalidCharacter(position: position) }
        values.append(byte - UInt8(ascii: "2") + 26)
      default:
        throw .invalidCharacter(position: position)
      }
    }
    guard !values.isEmpty else { throw .empty }

    var output: [UInt8] = []
    output.reserveCapacity(values.count * 5 / 8)
    var buffer: UInt32 = 0
    var bits = 0
    for value in values {
      buffer = (buffer << 5) | UInt32(value)
      bits += 5
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
      }
    }
    guard !output.isEmpty else { throw .empty }
    let ignored = [1: 1, 3: 1, 6: 1][values.count % 8] ?? 0
    return Decoded(bytes: output, ignoredTrailingCharacters: ignored)
  }

  /// Upper-case base32 without padding, the form every app reads (formats.md §0.1).
  public static func encode(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count * 8 + 4) / 5)
    var buffer: UInt32 = 0
    var bits = 0
    for byte in bytes {
      buffer = (buffer << 8) | UInt32(byte)
      bits += 8
      while bits >= 5 {
        bits -= 5
        output.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
      }
    }
    if bits > 0 {
      output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
    }
    return String(decoding: output, as: UTF8.self)
  }
}
