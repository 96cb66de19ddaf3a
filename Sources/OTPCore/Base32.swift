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
  public static func decodeReporting(utf8: some Collection<UInt8>) throws(DecodeError) -> Decoded {
    let result = utf8.withContiguousStorageIfAvailable(decode) ?? Array(utf8).withUnsafeBufferPointer(decode)
    return try result.get()
  }

  /// What each byte means to the decoder: a 5-bit value (0–31), or one of the markers below.
  static let decodeTable: [UInt8] = {
    var table = [UInt8](repeating: invalid, count: 256)
    for (value, letter) in alphabet.enumerated() {
      table[Int(letter)] = UInt8(value)
      table[Int(letter | 0x20)] = UInt8(value)  // lower case (digits map to themselves)
    }
    for separator in " \t-".utf8 { table[Int(separator)] = skipped }
    table[Int(UInt8(ascii: "="))] = padding
    return table
  }()
  static let invalid: UInt8 = 0xFF
  static let skipped: UInt8 = 0xFE
  static let padding: UInt8 = 0xFD

  /// One pass: each character's five bits go straight into the output, which is allocated once
  /// (the otpauth list reader calls this a million times in `make bench`).
  static func decode(_ text: UnsafeBufferPointer<UInt8>) -> Result<Decoded, DecodeError> {
    var failure: DecodeError?
    var characters = 0
    let bytes = decodeTable.withUnsafeBufferPointer { table in
      [UInt8](unsafeUninitializedCapacity: text.count * 5 / 8 + 1) { output, written in
        var buffer: UInt32 = 0
        var bits: UInt32 = 0
        var paddingSeen = false
        for offset in text.indices {
          let value = table[Int(text[offset])]
          if value < 32, !paddingSeen {
            characters += 1
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
              bits -= 8
              output[written] = UInt8(truncatingIfNeeded: buffer >> bits)
              written += 1
            }
          } else if value == padding {
            paddingSeen = true
          } else if value != skipped {
            failure = .invalidCharacter(position: offset + 1)  // also a letter after padding
            return
          }
        }
      }
    }
    if let failure { return .failure(failure) }
    guard !bytes.isEmpty else { return .failure(.empty) }
    // 1, 3 or 6 characters in the last group of 8 cannot complete their byte.
    let ignored: Int
    switch characters % 8 {
    case 1, 3, 6: ignored = 1
    default: ignored = 0
    }
    return .success(Decoded(bytes: bytes, ignoredTrailingCharacters: ignored))
  }

  /// Upper-case base32 without padding, the form every app reads (formats.md §0.1).
  public static func encode(_ bytes: [UInt8]) -> String {
    var output: [UInt8] = []
    encode(bytes, into: &output)
    return String(decoding: output, as: UTF8.self)
  }

  /// `encode`, appending to `output` (the otpauth writer builds one buffer).
  public static func encode(_ bytes: [UInt8], into output: inout [UInt8]) {
    output.reserveCapacity(output.count + (bytes.count * 8 + 4) / 5)
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
  }
}
