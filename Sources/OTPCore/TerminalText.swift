extension String {
  /// The text as a terminal may show it: every character that a terminal would act on instead of
  /// showing (C0 and C1 controls, DEL, and so ESC's colour, title and hyperlink sequences, CR
  /// overwriting a line, NUL), every character that reorders or breaks lines (the bidirectional
  /// overrides and isolates, U+2028/U+2029) and every invisible one that could make two names look
  /// alike (zero-width space and joiners of words, soft hyphen, BOM, tag characters; not the
  /// zero-width joiner of emoji) is written as a visible escape such as `\e`, `\r` or
  /// `\u{202E}`. A name from a crafted export cannot clear the screen, forge a table row or hide
  /// text. `\n` is kept only with `keepingLineBreaks`, for whole reports whose fields were escaped
  /// one by one. JSON output never goes through this: it stays exact.
  public func escapedForTerminal(keepingLineBreaks: Bool = false) -> String {
    // Plain ASCII (with line breaks, when they are kept) is returned as it is, without a copy.
    let isPlain: (UInt8) -> Bool = { byte in (byte >= 0x20 && byte < 0x7F) || (keepingLineBreaks && byte == 0x0A) }
    // Over the bytes in place when the string has them together (a native string does), which is
    // many times faster than UTF8View's iterator on a long report.
    let plain = utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isPlain) } ?? utf8.allSatisfy(isPlain)
    guard !plain else { return self }
    var output: [UInt8] = []
    output.reserveCapacity(utf8.count + 16)
    for scalar in unicodeScalars {
      switch scalar.value {
      case 0x0A where keepingLineBreaks: output.append(0x0A)
      case 0x09: output += [0x5C, 0x74]  // \t
      case 0x0A: output += [0x5C, 0x6E]  // \n
      case 0x0D: output += [0x5C, 0x72]  // \r
      case 0x1B: output += [0x5C, 0x65]  // \e
      case 0x00..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C, 0x2028, 0x2029,
        0x00AD, 0x180E, 0x200B, 0x2060...0x2064, 0xFEFF, 0xE0000...0xE007F:
        output += Array("\\u{\(String(scalar.value, radix: 16, uppercase: true))}".utf8)
      case 0x20..<0x7F: output.append(UInt8(scalar.value))
      default: output.append(contentsOf: UTF8.encode(scalar)!)
      }
    }
    return String(decoding: output, as: UTF8.self)
  }
}
