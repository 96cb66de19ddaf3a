import KeePassXCCSV
import OTPCore
import TestSupport
import Testing

/// KeePassXC's CSV export (formats.md §10.5).
@Suite struct KeePassXCCSVTests {
  let format = KeePassXCCSVFormat()

  static let export = [
    #""Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created""#,
    #""Root","ACME Co","john@example.com","pw1","https://acme.example","a ""quoted"", note"#,
    #"with two lines","otpauth://totp/ACME%20Co:john@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&period=30&digits=6&issuer=ACME%20Co","0","2024-01-01T00:00:00Z","2024-01-01T00:00:00Z""#,
    #""Root/Games","Steam","gaben","pw2","","","otpauth://totp/Steam:gaben?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&period=30&digits=5&issuer=Steam&encoder=steam","0","","""#,
    #""Root/Work/Mail","Mail","m","pw3","","","otpauth://totp/Mail:m?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=45&digits=8&issuer=Mail&algorithm=SHA256","0","","""#,
    #""Root","No TOTP","x","pw4","","","","0","","""#,
    "",
  ].joined(separator: "\n")

  @Test func readsTheExport() throws {
    let input = InputFile(name: "k.csv", bytes: Array(Self.export.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.count == 3)
    let acme = result.accounts[0]
    #expect(acme.issuer == "ACME Co" && acme.name == "john@example.com" && acme.groups.isEmpty)
    #expect(acme.note == "a \"quoted\", note\nwith two lines")
    #expect(acme.extraParameters == [ExtraParameter(name: "url", value: "https://acme.example")])
    let steam = result.accounts[1]
    #expect(steam.kind == .steam && steam.digits == 5 && steam.groups == ["Games"])
    let mail = result.accounts[2]
    #expect(mail.algorithm == .sha256 && mail.digits == 8 && mail.period == 45 && mail.groups == ["Work/Mail"])
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("1 item") })
    #expect(result.findings.filter { $0.code == "PASSWORDS_NOT_READ" }.count == 1)
    #expect(!result.findings.contains { $0.message.contains("pw1") })
  }

  @Test func damagedFileIsCorrupted() {
    let input = InputFile(name: "k.csv", bytes: Array("\"Group\",\"Title\",\"TOTP\"\n\"Root\",\"x\"y\",\"\"\n".utf8))
    #expect(throws: OTPError.corrupted(file: "k.csv", place: "line 2", reason: "text after the closing quote of a cell")) {
      try format.read(input, context: ReadContext())
    }
  }

  @Test func writesEveryCellQuoted() throws {
    let account = Account(
      kind: .totp, issuer: "A", name: "b", secret: Secret([1, 2, 3, 4, 5]), groups: ["Work"],
      origin: Origin(file: "t", place: .whole))
    let text = String(decoding: try format.write([account], context: WriteContext()).bytes, as: UTF8.self)
    let lines = text.split(separator: "\n")
    #expect(lines[0] == #""Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created""#)
    #expect(lines[1].hasPrefix(#""Root/Work","A","b","","","","otpauth://totp/A:b?secret=AEBAGBAF&"#))
  }
}
