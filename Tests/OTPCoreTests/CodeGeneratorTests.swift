import OTPCore
import TestSupport
import Testing

/// The official RFC tables and the Steam and mOTP vectors, read from ../shared/vectors/rfc.
@Suite struct CodeGeneratorTests {
  static let origin = Origin(file: "test", place: .whole)

  static func account(_ kind: OTPKind, ascii seed: String, _ algorithm: HashAlgorithm, digits: Int, counter: UInt64 = 0)
    -> Account
  {
    Account(kind: kind, secret: Secret(Array(seed.utf8)), algorithm: algorithm, digits: digits, counter: counter, origin: origin)
  }

  @Test func hotpMatchesRFC4226AppendixD() throws {
    let rows = try Vectors.tableRows("rfc/vectors.md").filter { $0.count == 5 && Int($0[0]) != nil && $0[4].count == 6 }
    #expect(rows.count == 10)
    for row in rows {
      let counter = UInt64(row[0])!
      let account = Self.account(.hotp, ascii: "12345678901234567890", .sha1, digits: 6, counter: counter)
      #expect(try CodeGenerator.code(for: account, at: 0) == row[4], "count \(counter)")
    }
  }

  @Test func totpMatchesRFC6238AppendixB() throws {
    let seeds: [(HashAlgorithm, String, Int)] = [
      (.sha1, "12345678901234567890", 3),
      (.sha256, "12345678901234567890123456789012", 4),
      (.sha512, "1234567890123456789012345678901234567890123456789012345678901234", 5),
    ]
    let rows = try Vectors.tableRows("rfc/vectors.md").filter { $0.count == 6 && Int64($0[0]) != nil }
    #expect(rows.count == 6)
    for row in rows {
      let time = Int64(row[0])!
      for (algorithm, seed, column) in seeds {
        let account = Self.account(.totp, ascii: seed, algorithm, digits: 8)
        #expect(try CodeGenerator.code(for: account, at: time) == row[column], "\(algorithm) at \(time)")
      }
    }
  }

  @Test func sixDigitTOTPIsTheLastSixDigits() throws {
    let account = Self.account(.totp, ascii: "12345678901234567890", .sha1, digits: 6)
    #expect(try CodeGenerator.code(for: account, at: 1_234_567_890) == "005924")
    #expect(try CodeGenerator.code(for: account, at: 59) == "287082")
  }

  @Test func steamGuardCodes() throws {
    let steam = Account(kind: .steam, secret: Secret(try Base32.decode("63BEDWCQZKTQWPESARIERL5DTTQFCJTK")), origin: Self.origin)
    #expect(steam.digits == 5)
    #expect(try CodeGenerator.code(for: steam, at: 1_511_200_518) == "FR8RV")
    #expect(try CodeGenerator.code(for: steam, at: 1_511_200_714) == "9P3VP")
  }

  @Test(arguments: [
    ("e3152afee62599c8", "1234", Int64(165_892_298), "e7d8b6"),
    ("e3152afee62599c8", "1234", Int64(123_456_789), "4ebfb2"),
    ("bbb1912bb5c515be", "9999", Int64(1_659_540_020), "ced7b1"),
    ("bbb1912bb5c515be", "9999", Int64(1_659_539_870), "1a14f8"),
    ("7ac61d4736f51a2b", "5555", Int64(0), "c42a26"),
    ("7ac61d4736f51a2b", "5555", Int64(1_000_000_000), "4af383"),
  ])
  func mobileOTPCodes(secret: String, pin: String, time: Int64, expected: String) throws {
    let account = Account(kind: .motp, secret: Secret(Hex.decode(secret)!), pin: Secret(Array(pin.utf8)), origin: Self.origin)
    #expect(try CodeGenerator.code(for: account, at: time) == expected)
  }

  @Test func motpWithoutPINIsAnError() {
    let account = Account(kind: .motp, secret: Secret([1, 2, 3, 4]), origin: Self.origin)
    #expect(throws: CodeGenerator.Failure.missingPIN) { try CodeGenerator.code(for: account, at: 0) }
  }

  @Test func yandexIsReportedNotGuessed() {
    let account = Account(kind: .yandex, secret: Secret([1, 2, 3, 4]), origin: Self.origin)
    #expect(throws: CodeGenerator.Failure.unsupportedKind(.yandex)) { try CodeGenerator.code(for: account, at: 0) }
  }

  @Test func hotpUsesTheStoredCounterWithoutAdvancingIt() throws {
    let account = Self.account(.hotp, ascii: "12345678901234567890", .sha1, digits: 6, counter: 3)
    #expect(try CodeGenerator.code(for: account, at: 0) == "969429")
    #expect(try CodeGenerator.code(for: account, at: 999_999) == "969429")
    #expect(account.counter == 3)
  }

  @Test func timesAfter2038UseSixtyFourBits() throws {
    let account = Self.account(.totp, ascii: "12345678901234567890", .sha1, digits: 8)
    #expect(try CodeGenerator.code(for: account, at: 20_000_000_000) == "65353130")
  }

  /// A character count from a damaged file is refused for Steam as for TOTP, not used as a loop's size.
  @Test(arguments: [-1, 0, 11, Int.max])
  func aSteamCountOutsideOneToTenIsRefused(digits: Int) {
    var steam = Account(kind: .steam, secret: Secret(Array("12345678901234567890".utf8)), origin: Self.origin)
    steam.digits = digits
    #expect(throws: CodeGenerator.Failure.invalidDigits(digits)) { try CodeGenerator.code(for: steam, at: 0) }
  }
}
