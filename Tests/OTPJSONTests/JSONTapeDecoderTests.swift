import Foundation
import OTPCore
import OTPJSON
import TestSupport
import Testing

/// `JSONTapeDecoder` must read what Foundation's `JSONDecoder` reads, to the same values, and fail
/// where it fails with the same kind of error at the same coding path: the readers' messages and
/// per-entry findings are made from those errors.
@Suite struct JSONTapeDecoderTests {
  func both<Value: Decodable>(_ type: Value.Type, _ bytes: [UInt8]) -> (
    foundation: Result<Value, any Error>, tape: Result<Value, any Error>
  ) {
    (Result { try JSONDecoder().decode(type, from: Data(bytes)) }, Result { try JSONTapeDecoder().decode(type, from: bytes) })
  }

  func expectSameOutcome<Value: Decodable & Equatable>(
    _ type: Value.Type, _ text: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let (foundation, tape) = both(type, text)
    switch (foundation, tape) {
    case (.success(let expected), .success(let value)):
      #expect(value == expected, "\(String(decoding: text, as: UTF8.self))", sourceLocation: sourceLocation)
    case (.failure(let expected as DecodingError), .failure(let error as DecodingError)):
      // Foundation checks a number's or a string's syntax only when it decodes it, so it may
      // blame the shape where the tape refused the text outright ("it is not valid JSON").
      if error.summary() != "it is not valid JSON" {
        #expect(error.summary() == expected.summary(), "\(String(decoding: text, as: UTF8.self))", sourceLocation: sourceLocation)
      }
    default:
      Issue.record(
        "Foundation: \(foundation), tape: \(tape) for \(String(decoding: text, as: UTF8.self))", sourceLocation: sourceLocation)
    }
  }

  @Test func everyJSONVectorDecodesToTheSameValues() throws {
    let files = try FileManager.default.subpathsOfDirectory(atPath: Vectors.root.path).filter { $0.hasSuffix(".json") }
    #expect(files.count >= 20)
    for file in files {
      let bytes = try Vectors.input(file).bytes
      expectSameOutcome(AnyJSON.self, bytes)
      #expect((try? JSONTapeDecoder().decode(AnyJSON.self, from: bytes)) != nil, "\(file)")
    }
  }

  @Test(arguments: [
    #"{"a": [1, -2, 3.5, 1e3, -0, 0.25E-2, 9223372036854775807, -9223372036854775808, 18446744073709551616]}"#,
    #"["tab\there", "quote\" slash\/ backslash\\", "\u00e9\u65e5 \ud83d\ude00", "\b\f\n\r", "Zoë 日本 😀", ""]"#,
    #"{"": 1, "\u0061": 2, "nested": {"deeper": [[], {}, [null, true, false]]}}"#,
    " \n\t[ 1 , 2 ]\r\n ", "[1,]", "{\"a\":1,}",
    "\u{FEFF}{\"bom\": true}",
    "123", "\"fragment\"", "null", "{\"a\": 1, \"a\": 2}",
    // Each of these is not JSON, and both must say so.
    "", " ", "[1,,]", "[,]", "{,}", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[-]", "{'a': 1}", "[\"a\" \"b\"]",
    "{\"a\" 1}", "{1: 2}", "[1] 2", "[\"unterminated]", "[\"bad escape \\x\"]", "[\"\\u12G4\"]", "[\"tab\tinside\"]",
    "[tru]", "[nul]", "{\"a\":", "[", "]", "/* comment */ 1", "[NaN]", "[Infinity]", "[1e400]",
  ])
  func sameValueOrSameRefusalAsFoundation(text: String) {
    expectSameOutcome(AnyJSON.self, Array(text.utf8))
  }

  /// Strings are scanned eight bytes at a time: a quote, backslash or control character at any
  /// offset of a word must still be seen.
  @Test func specialCharactersAtEveryOffsetOfAWord() {
    for offset in 0..<20 {
      let padding = String(repeating: "x", count: offset)
      for text in [
        #"["\#(padding)\"q", "é\#(padding)"]"#, #"["\#(padding)\\\#(padding)"]"#, #"["\#(padding)"#, "[\"\(padding)\u{1}\"]",
      ] {
        expectSameOutcome(AnyJSON.self, Array(text.utf8))
      }
    }
  }

  /// Anywhere in the text, even in a member name no type asks for (a key that fails to match
  /// would otherwise make a field look absent).
  @Test func invalidUTF8AndLoneSurrogatesAreRefused() {
    let badName: [UInt8] = Array(#"{"a"#.utf8) + [0xC3, 0x28] + Array(#"": 1}"#.utf8)
    #expect(throws: DecodingError.self) { try JSONTapeDecoder().decode(AnyJSON.self, from: badName) }
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(AnyJSON.self, from: Data(badName)) }
    for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0xFF, 0x22], Array(#""\ud800""#.utf8), Array(#""\udc00x""#.utf8)] {
      #expect(throws: DecodingError.self) { try JSONTapeDecoder().decode(String.self, from: bytes) }
      #expect(throws: DecodingError.self) { try JSONDecoder().decode(String.self, from: Data(bytes)) }
    }
  }

  struct Entry: Decodable, Equatable {
    var name: String
    var digits: Int?
    var counter: UInt64
    var signed: Int8?
    var tags: [String]?
    var info: Info

    struct Info: Decodable, Equatable {
      var secret: String
      var period: Int = 30

      enum CodingKeys: CodingKey { case secret, period }

      init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        secret = try container.decode(String.self, forKey: .secret)
        period = try container.decodeIfPresent(Int.self, forKey: .period) ?? 30
      }
    }
  }

  /// The messages readers show ("'[1].info.secret' is missing") come from these errors' paths.
  @Test(arguments: [
    #"[{"name": "a", "counter": 1, "info": {"secret": "S"}}, {"name": "b", "counter": 2, "info": {}}]"#,
    #"[{"name": "a", "counter": 1, "info": {"secret": 5}}]"#,
    #"[{"name": null, "counter": 1, "info": {"secret": "S"}}]"#,
    #"[{"name": "a", "counter": 2.0, "digits": 6, "info": {"secret": "S"}}]"#,
    #"[{"name": "a", "counter": 1, "digits": null, "tags": ["x", 1], "info": {"secret": "S"}}]"#,
    #"[{"name": "a", "counter": 1, "info": [1]}]"#,
    #"[{"name": "a", "counter": 1, "info": null}]"#,
    #"[{"name": "a", "counter": 1, "info": {"secret": "S", "period": "30"}}]"#,
    #"{"name": "a"}"#,
    #"[{"name": "a", "counter": 1, "info": {"secret": "S"}, "extra": {"ignored": [1, 2, {"deep": null}]}}]"#,
  ])
  func sameErrorsAtTheSamePlaces(text: String) {
    expectSameOutcome([Entry].self, Array(text.utf8))
  }

  /// Foundation reports a number that does not fit with no coding path; the tape names the place.
  @Test(arguments: [
    (#"[{"name": "a", "counter": -1, "info": {"secret": "S"}}]"#, "'[0].counter' is not valid"),
    (#"[{"name": "a", "counter": 1, "signed": 200, "info": {"secret": "S"}}]"#, "'[0].signed' is not valid"),
    (#"[{"name": "a", "counter": 1.5, "info": {"secret": "S"}}]"#, "'[0].counter' is not valid"),
    (#"[{"name": "a", "counter": 18446744073709551616, "info": {"secret": "S"}}]"#, "'[0].counter' is not valid"),
  ])
  func numbersThatDoNotFitNameTheirPlace(text: String, summary: String) {
    let (foundation, tape) = both([Entry].self, Array(text.utf8))
    #expect(throws: DecodingError.self) { try foundation.get() }
    #expect(throws: DecodingError.self) { try tape.get() }
    if case .failure(let error as DecodingError) = tape { #expect(error.summary() == summary) }
  }

  @Test func integersAtTheEdgesOfTheirTypes() throws {
    let text = #"[18446744073709551615, -9223372036854775808, 127, -128, 1e2, -0]"#
    let numbers = try JSONTapeDecoder().decode([AnyJSON].self, from: Array(text.utf8))
    #expect(numbers == (try JSONDecoder().decode([AnyJSON].self, from: Data(text.utf8))))
    #expect(try JSONTapeDecoder().decode([UInt64].self, from: Array("[18446744073709551615, 0]".utf8)) == [.max, 0])
    #expect(try JSONTapeDecoder().decode([Int8].self, from: Array("[127, -128, 1e2]".utf8)) == [127, -128, 100])
    #expect(try JSONTapeDecoder().decode([Int64].self, from: Array("[-9223372036854775808]".utf8)) == [.min])
  }

  @Test func lenientElementsFailAlone() throws {
    let text = #"[{"name": "a", "counter": 1, "info": {"secret": "S"}}, {"name": "b", "info": {"secret": "T"}}, 7]"#
    let entries = try JSONTapeDecoder().decode([Lenient<Entry>].self, from: Array(text.utf8))
    #expect(entries.count == 3)
    #expect((try? entries[0].result.get())?.name == "a")
    for (index, expected) in [(1, "'counter' is missing"), (2, "it is not what the format expects (Dictionary<String, Any>)")] {
      guard case .failure(let error as DecodingError) = entries[index].result else {
        Issue.record("element \(index) decoded")
        continue
      }
      #expect(error.summary(insideElement: true) == expected)
    }
  }

  @Test func nestingDeeperThanTheLimitIsRefused() throws {
    let deep = Array(String(repeating: "[", count: 200).utf8) + Array(String(repeating: "]", count: 200).utf8)
    #expect(throws: DecodingError.self) { try JSONTapeDecoder(maxDepth: 128).decode(AnyJSON.self, from: deep) }
    #expect(try JSONTapeDecoder(maxDepth: 256).decode(AnyJSON.self, from: deep) != .null)
  }

  @Test func repeatedNamesTakeTheFirst() throws {
    let entry = try JSONTapeDecoder().decode(Entry.Info.self, from: Array(#"{"secret": "A", "secret": "B"}"#.utf8))
    #expect(entry.secret == "A")
  }

  @Test func walkingTheTapeWithoutCodable() throws {
    let root = try JSONTapeValue(
      parsing: Array(#"{"v": 1, "s": "x\u00e9", "n": null, "list": [{"a": "b"}, 2, null], "f": 1.5}"#.utf8))
    #expect(root.isObject)
    #expect(try root["v"].wholeNumber() == 1)
    #expect(try root["s"].text() == "xé")
    #expect(try root["n"].text() == nil && root["n"]?.isNull == true)
    #expect(try root["missing"].text() == nil)
    let list = try #require(root["list"]?.elements)
    #expect(list.count == 3)
    #expect(try list[0]["a"].text() == "b")
    #expect(list[1]["a"] == nil && list[1].elements == nil)
    #expect(throws: JSONShapeError.self) { try root["v"].text() }
    #expect(throws: JSONShapeError.self) { try root["s"].wholeNumber() }
    #expect(throws: JSONShapeError.self) { try root["f"].wholeNumber() }
    #expect(throws: DecodingError.self) { try JSONTapeValue(parsing: Array("{".utf8)) }
  }
}
