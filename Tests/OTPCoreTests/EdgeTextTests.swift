import OTPCore
import Testing

/// The text helpers behind docs/safety.md: terminal escaping and UTF-16 detection.
@Suite struct EdgeTextTests {
  @Test func everyControlBidiAndSeparatorCharacterIsEscapedAndTheRestKept() {
    #expect("GitHub (alice@example.com)".escapedForTerminal() == "GitHub (alice@example.com)")
    #expect("Zoë 日本 🔐".escapedForTerminal() == "Zoë 日本 🔐")
    #expect("\u{1B}]0;t\u{07}x".escapedForTerminal() == "\\e]0;t\\u{7}x")
    #expect("a\rb\nc\td\0".escapedForTerminal() == "a\\rb\\nc\\td\\u{0}")
    #expect(
      "\u{202E}gnp\u{2066}\u{200F}\u{2028}\u{9B}\u{7F}".escapedForTerminal()
        == "\\u{202E}gnp\\u{2066}\\u{200F}\\u{2028}\\u{9B}\\u{7F}")
    #expect("row 1\nrow\u{1B}2".escapedForTerminal(keepingLineBreaks: true) == "row 1\nrow\\e2")
    // Invisible characters that make two names look alike; an emoji's joiner stays.
    #expect("Pay\u{200B}Pal\u{FEFF}\u{AD}\u{E0041}".escapedForTerminal() == "Pay\\u{200B}Pal\\u{FEFF}\\u{AD}\\u{E0041}")
    #expect("👩‍💻".escapedForTerminal() == "👩‍💻")
    // No scalar that acts on a terminal survives, whatever the input.
    let all = String(String.UnicodeScalarView((0..<0x3000).compactMap(Unicode.Scalar.init)))
    let escaped = all.escapedForTerminal()
    #expect(
      !escaped.unicodeScalars.contains {
        $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || (0x202A...0x202E).contains($0.value)
      })
  }

  /// Text that begins and ends with a plain ASCII character is handed back as it is; any other is
  /// trimmed of Unicode white space, whatever bytes it starts or ends with.
  @Test func whiteSpaceIsTrimmedAtBothEndsAndOnlyThere() {
    let cases: [(String, String)] = [
      ("GitHub", "GitHub"), (" GitHub", "GitHub"), ("GitHub\t", "GitHub"), ("\u{A0}Zoë\u{2003}", "Zoë"),
      ("a b", "a b"), ("\u{85}x\u{3000}", "x"), ("  ", ""), ("", ""), ("\u{7F}x", "\u{7F}x"), ("é", "é"),
      ("\r\nline\n", "line"),
    ]
    for (text, trimmed) in cases {
      #expect(text.trimmingWhitespace() == trimmed, "\(text.debugDescription)")
      #expect(text[...].trimmingWhitespace() == trimmed)
    }
  }

  @Test func utf16IsReadWithOrWithoutAMarkAndOtherBytesAreNot() {
    let text = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\r\n"
    let little = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let big = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    #expect(UTF16Text.decode([0xFF, 0xFE] + little) == text)
    #expect(UTF16Text.decode([0xFE, 0xFF] + big) == text)
    #expect(UTF16Text.decode(little) == text)
    #expect(UTF16Text.decode(big) == text)
    #expect(UTF16Text.decode(Array(text.utf8)) == nil)
    // A mark is trusted whatever the text: a Cyrillic password file from PowerShell.
    let password = "пароль\r\n"
    #expect(UTF16Text.decode([0xFF, 0xFE] + password.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }) == password)
    // Latin-1 or binary bytes after FF FE: an odd length; without a mark, not mostly ASCII.
    #expect(UTF16Text.decode([0xFF, 0xFE, 0xC3, 0x28, 0x20, 0x6E, 0x6F, 0x74, 0x0A]) == nil)
    #expect(UTF16Text.decode([0xC3, 0x28, 0x20, 0x6E, 0x6F, 0x74, 0x0A, 0x01]) == nil)
    #expect(UTF16Text.decode([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == nil)
  }
}

/// Sniffers look at a bounded head of the file (`InputFile.head`), whatever its size.
@Suite struct InputHeadTests {
  @Test func theHeadIsTheFirstBytesWithoutAMarkOrACutCharacter() {
    let text = "ab日本"  // 2 ASCII bytes, then two 3-byte characters
    let file = InputFile(name: "f", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
    #expect(file.head(100) == text)
    #expect(file.head(5) == "ab日")
    #expect(file.head(4) == "ab")
    #expect(file.head(3) == "ab")
    #expect(file.head(2) == "ab")
    #expect(InputFile(name: "f", bytes: [0x61, 0xFF, 0x62]).head(10) == nil)
    // Bytes past the head do not matter.
    #expect(InputFile(name: "f", bytes: Array("abc".utf8) + [0xFF]).head(3) == "abc")
  }
}
