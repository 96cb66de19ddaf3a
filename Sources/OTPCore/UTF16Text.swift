/// Text saved as UTF-16, as Windows PowerShell's `>` and Notepad's "Unicode" save it: told by its
/// byte-order mark, or without one by the zero bytes that every ASCII character brings.
public enum UTF16Text {
  /// The text, or nil when `bytes` do not look like UTF-16.
  public static func decode(_ bytes: [UInt8]) -> String? {
    guard let (littleEndian, start) = encoding(of: bytes), (bytes.count - start) % 2 == 0 else { return nil }
    let units = stride(from: start, to: bytes.count - 1, by: 2).map { index in
      littleEndian
        ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
        : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }
    let text = String(decoding: units, as: UTF16.self)
    // A binary file that happens to start like UTF-16 decodes to broken characters or NULs.
    var ascii = 0
    for scalar in text.unicodeScalars {
      if scalar == "\u{FFFD}" || scalar == "\0" { return nil }
      if scalar.isASCII { ascii += 1 }
    }
    // With a byte-order mark the text is what it says (a password may be all Cyrillic); without
    // one, only mostly-ASCII text counts, as every export's syntax is.
    guard start > 0 || ascii * 2 >= units.count else { return nil }
    return text
  }

  /// Whether the bytes are UTF-16 little-endian, and where the text starts after the mark.
  public static func encoding(of bytes: [UInt8]) -> (littleEndian: Bool, start: Int)? {
    if bytes.starts(with: [0xFF, 0xFE]) { return (true, 2) }
    if bytes.starts(with: [0xFE, 0xFF]) { return (false, 2) }
    // No mark: ASCII text in UTF-16 has a zero in every other byte, and nowhere else.
    let sample = bytes.prefix(512)
    guard sample.count >= 4, sample.count % 2 == 0 || bytes.count > 512 else { return nil }
    let pairs = sample.count / 2
    let evenZeros = (0..<pairs).filter { sample[$0 * 2] == 0 }.count
    let oddZeros = (0..<pairs).filter { sample[$0 * 2 + 1] == 0 }.count
    if oddZeros == pairs, evenZeros == 0 { return (true, 0) }
    if evenZeros == pairs, oddZeros == 0 { return (false, 0) }
    return nil
  }
}
