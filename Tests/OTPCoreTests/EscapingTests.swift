import Foundation
import OTPCore
import Testing

@Suite struct EscapingTests {
  @Test func jsonQuotedEscapesAsSerdeJSONDoes() {
    #expect("a/b".jsonQuoted == #""a/b""#)
    #expect("say \"hi\"\\".jsonQuoted == #""say \"hi\"\\""#)
    #expect("tab\tline\ncr\r\u{08}\u{0C}\u{01}\u{1F}".jsonQuoted == #""tab\tline\ncr\r\b\f\u0001\u001f""#)
    #expect("Zoë 🔐".jsonQuoted == "\"Zoë 🔐\"")
  }

  @Test func jsonQuotedTextReadsBackAsTheSameString() throws {
    // Foundation's parser is the independent check that every quoted text is valid JSON.
    let texts = ["", "plain", "a\"b\\c/d", "\u{00}\u{07}\u{1B}\u{7F}", "line\u{2028}sep", "Zoë 🔐 中文", String(repeating: "x\n", count: 500)]
    for text in texts {
      let decoded = try JSONDecoder().decode([String].self, from: Data("[\(text.jsonQuoted)]".utf8))
      #expect(decoded == [text])
    }
  }
}
