import ApplePasswords
import OTPCore
import TestSupport
import Testing

/// The Passwords app's CSV export, as macOS 15 writes it (Title, URL, Username, Password, Notes,
/// OTPAuth; CRLF line ends, cells quoted where they need it). The rows are made from that layout;
/// the secrets are Aegis's V1 and V2 (aegis/EXPECTED.md).
@Suite struct ApplePasswordsTests {
  let format = ApplePasswordsFormat()

  static let export = [
    "Title,URL,Username,Password,Notes,OTPAuth",
    #"example.com (alice),https://example.com/,alice,hunter2,"line 1, ""quoted""",otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno"#,
    "bank.example,https://bank.example/,bob,pw,,",
    "spdx.org,https://spdx.org/,james,pw,,otpauth://totp/SPDX:James?secret=5OM4WOOGPLQEF6UGN3CPEOOLWU&issuer=SPDX&algorithm=SHA256&digits=7&period=20",
    "",
  ].joined(separator: "\r\n")

  @Test func readsEachLoginsOneTimePassword() throws {
    let input = InputFile(name: "Passwords.csv", bytes: Array(Self.export.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.accounts.count == 2)
    #expect(try #require(expected["V1"]).matches(result.accounts[0]), "\(result.accounts[0])")
    #expect(try #require(expected["V2"]).matches(result.accounts[1]), "\(result.accounts[1])")
    #expect(result.accounts[0].note == #"line 1, "quoted""#)
    #expect(result.accounts[0].extraParameters.contains(ExtraParameter(name: "url", value: "https://example.com/")))
    // Passwords are never read, and the login without a one-time password is counted, not lost.
    #expect(result.findings.map(\.code).contains("PASSWORDS_NOT_READ"))
    #expect(!result.findings.contains { $0.message.contains("hunter2") })
    #expect(result.findings.contains { $0.message.contains("1") && $0.code != "PASSWORDS_NOT_READ" })
  }

  @Test func anotherCSVIsNotThePasswordsApps() throws {
    let input = InputFile(name: "x.csv", bytes: Array("Title,Url,Username,Password,OTPAuth\n".utf8))
    #expect(format.sniff(input) == .no)
    #expect(throws: OTPError.self) {
      try format.read(InputFile(name: "x.csv", bytes: Array("name,value\na,b\n".utf8)), context: ReadContext())
    }
  }
}
