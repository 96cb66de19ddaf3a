import Bitwarden
import OTPCore
import TestSupport
import Testing

/// Bitwarden CSV exports (formats.md §4.1, §4.5).
@Suite struct BitwardenCSVTests {
  let format = BitwardenCSVFormat()

  func read(_ text: String) throws -> ReadResult {
    try format.read(InputFile(name: "b.csv", bytes: Array(text.utf8)), context: ReadContext())
  }

  @Test func aegisFixture() throws {
    let input = try Vectors.input("aegis/importers/bitwarden.csv")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.accounts.count == 4)
    for (account, id) in zip(result.accounts, ["V1", "V2", "V3"]) {
      #expect(expected[id]!.matches(account), "\(id)")
    }
    let steam = result.accounts[3]
    #expect(steam.kind == .steam && steam.issuer == "Test 4" && steam.secret.revealBase32() == expected["V7"]!.secretBase32)
    #expect(result.accounts[0].origin.place == .line(2))
  }

  @Test func currentExportWithNotesFoldersAndURIs() throws {
    let text = [
      "\u{FEFF}folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp",
      #"Work,1,login,GitHub,"two\#nlines, ""quoted""","a: b",0,"https://github.com,https://gist.github.com",alice,secret-pw,JBSW Y3DP EHPK 3PXP"#,
      ",,note,Just a note,text,,0,,,,",
      ",,login,No OTP,,,0,https://x,bob,pw,",
      "",
    ].joined(separator: "\r\n")
    let result = try read(text)
    #expect(result.accounts.count == 1)
    let github = result.accounts[0]
    #expect(github.issuer == "GitHub" && github.name == "alice" && github.groups == ["Work"] && github.favorite)
    #expect(github.note == "two\nlines, \"quoted\"")
    #expect(github.secret.revealBase32() == "JBSWY3DPEHPK3PXP")
    #expect(github.extraParameters.map(\.value) == ["https://github.com", "https://gist.github.com"])
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("2 item") })
    #expect(result.findings.filter { $0.code == "PASSWORDS_NOT_READ" }.count == 1)
  }

  @Test func authenticatorExportWithRaggedRows() throws {
    let text = [
      "folder,favorite,type,name,login_uri,login_totp",
      ",false,1,Standard,,otpauth://totp/Standard:Totp?secret=54VEGZFJHM3BGDONFERMPUOKNGDJETGM&issuer=Standard,Standard,30,6",
      ",true,1,Steam,,steam://GJD4ZX3RQMLCAXKCT7GGQ4U27VN4FPK6",
    ].joined(separator: "\n")
    let result = try read(text)
    #expect(result.accounts.map(\.kind) == [.totp, .steam])
    #expect(result.accounts[1].favorite && result.accounts[1].issuer == "Steam")
  }

  @Test func badSecretSkipsOnlyItsRow() throws {
    let text =
      "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n"
      + ",,login,Bad,,,0,,u,,not base32!\n,,login,Good,,,0,,u,,JBSWY3DPEHPK3PXP\n"
    let result = try read(text)
    #expect(result.accounts.map(\.issuer) == ["Good"])
    #expect(result.findings.contains { $0.entrySkipped && $0.origin?.place == .line(2) && $0.code == "OTP_BAD_SECRET" })
  }

  @Test func damagedFileIsCorrupted() {
    #expect(throws: OTPError.corrupted(file: "b.csv", place: "line 2", reason: "a quoted cell is never closed")) {
      try read("folder,favorite,type,name,login_totp\n,,login,\"x,\n")
    }
    #expect(
      throws: OTPError.corrupted(file: "b.csv", place: "line 1", reason: "no login_totp column: not a Bitwarden CSV export")
    ) {
      try read("a,b\n")
    }
  }

  @Test(arguments: [1, 2, 3]) func randomAccountsRoundTrip(seed: UInt64) throws {
    let accounts = RandomAccounts.make(count: Int(seed) * 150, fitting: format.descriptor.capabilities, seed: seed)
    let written = try format.write(accounts, context: WriteContext())
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(
      text.hasPrefix("folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n"))
    let back = try format.read(InputFile(name: "o.csv", bytes: written.bytes), context: ReadContext())
    #expect(back.findings.allSatisfy { $0.severity == .info })
    #expect(back.accounts.count == accounts.count)
    expectSameAccounts(accounts, back.accounts)
  }
}
