import OTPCore
import SeedCSV
import TestSupport
import Testing

@Suite struct SeedCSVTests {
  let format = SeedCSVFormat()

  func read(_ text: String) throws -> ReadResult {
    try format.read(InputFile(name: "seeds.csv", bytes: Array(text.utf8)), context: ReadContext())
  }

  @Test func plainSeedsAreTOTPSHA1SixDigitsThirtySeconds() throws {
    let text = "serial,secret\nTOTP-0001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"
    #expect(format.sniff(InputFile(name: "seeds.csv", bytes: Array(text.utf8))) == .likely)
    let result = try read(text)
    #expect(result.findings.isEmpty)
    let account = try #require(result.accounts.first)
    #expect(account.kind == .totp && account.algorithm == .sha1 && account.digits == 6 && account.period == 30)
    #expect(account.extraParameters == [ExtraParameter(name: "serial", value: "TOTP-0001")])
    // RFC 6238's SHA1 test secret at 59 s.
    #expect(try CodeGenerator.code(for: account, at: 59) == "287082")
  }

  @Test func columnsSayOtherwise() throws {
    let text = """
      Serial,Hex Secret,Type,Algorithm,Digits,Period,Counter,Manufacturer,Model
      A1,3132333435363738393031323334353637383930,totp,SHA256,8,60,,Token Works,C300
      H1,3132333435363738393031323334353637383930,hotp,,,,7,Token Works,H100
      """
    let result = try read(text)
    #expect(result.findings.isEmpty)
    let totp = result.accounts[0], hotp = result.accounts[1]
    #expect(totp.algorithm == .sha256 && totp.digits == 8 && totp.period == 60 && totp.issuer == "Token Works")
    #expect(totp.extraParameters.map(\.value) == ["A1", "C300"])
    #expect(totp.secret.bytes == Array("12345678901234567890".utf8))
    #expect(hotp.kind == .hotp && hotp.counter == 7)
  }

  @Test func badRowsAreFindingsWithTheirLines() throws {
    let text = "serial,secret,digits\n,JBSWY3DP,\nB1,not base32!,\nB2,JBSWY3DP,12\nB3,JBSWY3DP,\n"
    let result = try read(text)
    #expect(result.accounts.count == 1)
    #expect(result.findings.map(\.code) == ["SEED_NO_SERIAL", "SEED_BAD_SECRET", "SEED_BAD_DIGITS"])
    #expect(result.findings.map { $0.origin?.place } == [2, 3, 4].map { Origin.Place.line($0) })
    #expect(!result.findings.map(\.description).joined().contains("not base32!"))
  }

  @Test func otherCSVsAreNotSeeds() throws {
    let entra = "upn,serial number,secret key,time interval,manufacturer,model\n"
    #expect(format.sniff(InputFile(name: "x.csv", bytes: Array(entra.utf8))) == .no)
    #expect(throws: OTPError.self) { try read("name,secret\nx,JBSWY3DP\n") }
  }
}
