import OTPCore
import Testing

/// The tolerant reading rules of formats.md §0.1 and the strict writing rule.
@Suite struct Base32Tests {
  static let rfcSeed = Array("12345678901234567890".utf8)

  @Test(arguments: [
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
    "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
    "gezd-gnbv-gy3t-qojq-gezd-gnbv-gy3t-qojq",
    "  GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\t",
  ])
  func acceptsCaseSpacesAndHyphens(text: String) throws {
    #expect(try Base32.decode(text) == Self.rfcSeed)
  }

  @Test func acceptsPaddedAndUnpadded() throws {
    // andOTP pads with '=' (formats.md §0.1); Aegis does not.
    #expect(try Base32.decode("4SJHB4GSD43FZBAI7C2HLRJGPQ======") == (try Base32.decode("4SJHB4GSD43FZBAI7C2HLRJGPQ")))
    #expect(try Base32.decode("MZXW6===") == Array("foo".utf8))
    #expect(try Base32.decode("MZXW6") == Array("foo".utf8))
  }

  @Test func rfc4648TestVectors() throws {
    let table = ["f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
    for (plain, encoded) in table {
      #expect(Base32.encode(Array(plain.utf8)) == encoded)
      #expect(try Base32.decode(encoded) == Array(plain.utf8))
    }
  }

  @Test func incompleteLastQuantumDropsLeftoverBits() throws {
    // 17 characters: the 17th starts a byte it cannot finish. Bitwarden keeps the whole bytes.
    let decoded = try Base32.decodeReporting("MZXW6YTBOJTG633CM")
    #expect(decoded.bytes == Array("foobarfoob".utf8))
    #expect(decoded.ignoredTrailingCharacters == 1)
    #expect(try Base32.decodeReporting("MZXW6YTBOI").ignoredTrailingCharacters == 0)
  }

  @Test func rejectsCharactersOutsideTheAlphabetWithTheirPosition() {
    #expect(throws: Base32.DecodeError.invalidCharacter(position: 3)) { try Base32.decode("MZ1W6") }
    #expect(throws: Base32.DecodeError.invalidCharacter(position: 5)) { try Base32.decode("MZXW*") }
    #expect(throws: Base32.DecodeError.invalidCharacter(position: 4)) { try Base32.decode("MY=A") }
  }

  @Test func rejectsEmptySecrets() {
    #expect(throws: Base32.DecodeError.empty) { try Base32.decode("") }
    #expect(throws: Base32.DecodeError.empty) { try Base32.decode(" - = ") }
    #expect(throws: Base32.DecodeError.empty) { try Base32.decode("M") }
  }

  @Test func errorsNeverQuoteTheText() {
    do {
      _ = try Base32.decode("SECRETSECRET!")
      Issue.record("decode should have failed")
    } catch {
      #expect(!error.description.contains("SECRET"))
    }
  }

  @Test func writesUppercaseWithoutPadding() {
    let encoded = Base32.encode(Array("any carnal pleas".utf8))
    #expect(encoded == encoded.uppercased())
    #expect(!encoded.contains("="))
  }

  @Test func roundTripsEveryLength() throws {
    var generator = SystemRandomNumberGenerator()
    for length in 1...70 {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
    }
  }
}
