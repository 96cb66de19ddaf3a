import Duo
import Foundation
import OTPCore
import TestSupport
import Testing

@Suite struct DuoTests {
  let format = DuoFormat()

  /// aegis/EXPECTED.md: (a) TOTP "Mason", issuer "", V1's secret, SHA1/6/30; (b) HOTP "James",
  /// issuer "", V4's secret, SHA1/6, with the counter the file stores (3).
  @Test func aegisFixtureGivesItsTwoAccounts() throws {
    let input = try Vectors.input("aegis/importers/duo.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 2)
    let (totp, hotp) = (result.accounts[0], result.accounts[1])
    #expect(totp.kind == .totp && totp.name == "Mason" && totp.issuer == "")
    #expect(totp.secret.revealBase32() == expected["V1"]?.secretBase32)
    #expect(totp.algorithm == .sha1 && totp.digits == 6 && totp.period == 30)
    #expect(hotp.kind == .hotp && hotp.name == "James" && hotp.issuer == "" && hotp.counter == 3)
    #expect(hotp.secret.revealBase32() == expected["V4"]?.secretBase32)
  }

  @Test func aDuoPushAccountIsNamedWithWhatToDo() throws {
    let text = #"""
      [{"accountType": "DuoAccount", "name": "Contoso", "pkey": "DP1234"},
       {"accountType": "OtpAccount", "name": "ok", "otpGenerator": {"otpSecret": "JBSWY3DPEHPK3PXP"}},
       {"accountType": "OtpAccount", "name": "bad", "otpGenerator": {"otpSecret": "JBSW!"}},
       {"accountType": "OtpAccount", "name": "odd", "otpGenerator": {"otpSecret": "JBSWY3DPEHPK3PXP", "counter": "3"}},
       {"accountType": "OtpAccount", "name": "negative", "otpGenerator": {"otpSecret": "JBSWY3DPEHPK3PXP", "counter": -1}}]
      """#
    let input = InputFile(name: "accounts.json", bytes: Array(text.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.name) == ["ok"])
    #expect(result.findings.map(\.code) == ["DUO_PUSH_ACCOUNT", "DUO_BAD_SECRET", "DUO_BAD_ENTRY", "DUO_BAD_COUNTER"])
    #expect(result.findings[0].remedy?.contains("Duo Restore") == true && result.findings[0].entrySkipped)
  }
}
