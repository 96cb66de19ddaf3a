import OTPCore
import OnePasswordCSV
import TestSupport
import Testing

/// 1Password 8 and 7 CSV exports (formats.md §3.1, §3.2).
@Suite struct OnePasswordCSVTests {
  let format = OnePasswordCSVFormat()

  func read(_ text: String) throws -> ReadResult {
    try format.read(InputFile(name: "export.csv", bytes: Array(text.utf8)), context: ReadContext())
  }

  static let onePassword8 = [
    "\u{FEFF}Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes",
    #""GitHub","https://github.com","alice","hunter2","otpauth://totp/GitHub:alice?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=GitHub","true","false","Work,Dev","line 1"#,
    #"line 2, with ""quotes""""#,
    #""Bank","https://bank.example","bob","pw","","false","false","","""#,
    #""Plain","","carol","pw","5OM4 WOOG PLQE F6UG N3CP EOOL WU","false","false","","""#,
    #""Broken","","dave","pw","otpauth://totp/X?secret=1111","false","false","","""#,
    "",
  ].joined(separator: "\r\n")

  @Test func readsOnePassword8() throws {
    let result = try read(Self.onePassword8)
    #expect(result.accounts.count == 2)
    let github = result.accounts[0]
    #expect(github.issuer == "GitHub" && github.name == "alice")
    #expect(github.secret.revealBase32() == "4SJHB4GSD43FZBAI7C2HLRJGPQ")
    #expect(github.favorite && github.groups == ["Work", "Dev"])
    #expect(github.note == "line 1\r\nline 2, with \"quotes\"")
    #expect(github.extraParameters == [ExtraParameter(name: "url", value: "https://github.com")])
    #expect(github.origin.place == .line(2))
    let plain = result.accounts[1]
    #expect(plain.issuer == "Plain" && plain.name == "carol" && plain.kind == .totp)
    #expect(plain.secret.revealBase32() == "5OM4WOOGPLQEF6UGN3CPEOOLWU")
    #expect(plain.digits == 6 && plain.period == 30 && plain.algorithm == .sha1)

    let codes = result.findings.map(\.code)
    #expect(codes.filter { $0 == "PASSWORDS_NOT_READ" }.count == 1)
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("1 item") && !$0.entrySkipped })
    #expect(result.findings.contains { $0.code == "OTPAUTH_BAD_SECRET" && $0.entrySkipped && $0.origin?.place == .line(6) })
    #expect(!result.findings.contains { $0.message.contains("hunter2") })
  }

  @Test func readsOnePassword7OneTimePasswordColumn() throws {
    let text = [
      "title,username,password,url,notes,one-time password,section:abc",
      #""Mail","m@example.com","pw","https://mail","","otpauth://totp/Mail:m%40example.com?secret=7ELGJSGXNCCTV3O6LKJWYFV2RA&algorithm=SHA512&digits=8&period=50","""#,
      #""Note only","","","","n","","""#,
    ].joined(separator: "\n")
    #expect(format.sniff(InputFile(name: "x.csv", bytes: Array(text.utf8))) == .likely)
    let result = try read(text)
    #expect(result.accounts.count == 1)
    let mail = result.accounts[0]
    #expect(mail.issuer == "Mail" && mail.name == "m@example.com")
    #expect(mail.algorithm == .sha512 && mail.digits == 8 && mail.period == 50)
    #expect(mail.extraParameters == [ExtraParameter(name: "url", value: "https://mail")])
  }

  @Test func sniffsTheOnePassword8Header() {
    #expect(format.sniff(InputFile(name: "x.csv", bytes: Array(Self.onePassword8.utf8))) == .certain)
    #expect(format.sniff(InputFile(name: "x.csv", bytes: Array("a,b\n1,2\n".utf8))) == .no)
  }

  @Test func damagedFileIsCorrupted() {
    #expect(throws: OTPError.corrupted(file: "export.csv", place: "line 2", reason: "a quoted cell is never closed")) {
      try read("Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n\"open,\n")
    }
    #expect(throws: OTPError.self) { try read("a,b\n1,2\n") }
  }

  @Test func writesOnePassword8Layout() throws {
    let account = Account(
      kind: .totp, issuer: "ACME, Inc.", name: "x@y", secret: Secret([1, 2, 3, 4, 5]), note: "a \"b\"\nc",
      favorite: true, groups: ["Work"], extraParameters: [ExtraParameter(name: "url", value: "https://acme")],
      origin: Origin(file: "t", place: .whole))
    let text = String(decoding: try format.write([account], context: WriteContext()).bytes, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0] == "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes")
    #expect(
      lines[1].hasPrefix("\"ACME, Inc.\",\"https://acme\",\"x@y\",\"\",\"otpauth://totp/ACME%2C%20Inc.:x@y?secret=AEBAGBAF&"))
    #expect(lines[1].hasSuffix("\",\"true\",\"false\",\"Work\",\"a \"\"b\"\""))
    #expect(!text.contains("url="))
  }
}
