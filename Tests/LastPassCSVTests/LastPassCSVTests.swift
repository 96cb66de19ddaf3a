import LastPassCSV
import OTPCore
import TestSupport
import Testing

/// LastPass's CSV export, in the layout Bitwarden's importer (libs/importer/src/importers/lastpass)
/// and Proton Pass's read: `url,username,password,totp,extra,name,grouping,fav`, the TOTP a bare
/// base32 secret. These rows are made from that layout; no real export is public.
@Suite struct LastPassCSVTests {
  let format = LastPassCSVFormat()

  @Test func readsTheTOTPColumnWithFoldersAndFavourites() throws {
    let text = """
      url,username,password,totp,extra,name,grouping,fav
      https://github.com/login,octocat,hunter2,JBSWY3DPEHPK3PXP,a note,GitHub,Work\\Code,1
      https://example.com,alice,pw,,,Example,,0
      https://none.example,carol,pw,GEZDGNBVGY3TQOJQ,,NoFolder,(none),0
      http://sn,,,,NoteType:Server,Secure note,Notes,0
      https://bank.example,bob,pw,not base32!,,Bank,,0

      """
    let input = InputFile(name: "lastpass_export.csv", bytes: Array(text.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.count == 2)
    #expect(result.accounts[1].groups.isEmpty, "(none) is LastPass's name for no folder")
    let github = try #require(result.accounts.first)
    #expect(github.issuer == "GitHub" && github.name == "octocat" && github.secret.revealBase32() == "JBSWY3DPEHPK3PXP")
    #expect(github.groups == ["Work/Code"] && github.favorite && github.note == "a note")
    #expect(github.extraParameters.map(\.value) == ["https://github.com/login"])
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("2 item") })
    #expect(result.findings.contains { $0.entrySkipped && $0.origin == Origin(file: "lastpass_export.csv", place: .line(6)) })
    #expect(!result.findings.contains { $0.message.contains("hunter2") })
  }

  @Test func windowsLineEndsAndAByteOrderMarkReadTheSame() throws {
    let text =
      "url,username,password,totp,extra,name,grouping,fav\nhttps://a,octocat,pw,JBSWY3DPEHPK3PXP,\"two\nlines\",GitHub,Work,1\n"
    let unix = try format.read(InputFile(name: "a.csv", bytes: Array(text.utf8)), context: ReadContext())
    let windows = [0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    let input = InputFile(name: "a.csv", bytes: windows)
    #expect(format.sniff(input) == .certain)
    let read = try format.read(input, context: ReadContext())
    #expect(read.accounts.count == 1 && read.accounts.map(\.issuer) == unix.accounts.map(\.issuer))
    #expect(read.accounts.map(\.secret) == unix.accounts.map(\.secret) && read.accounts[0].groups == ["Work"])
  }

  @Test func anOlderExportWithoutTheColumnIsRecognisedAndSaysSo() throws {
    let input = InputFile(
      name: "old.csv", bytes: Array("url,username,password,extra,name,grouping,fav\nhttps://a,b,c,,A,,0\n".utf8))
    #expect(format.sniff(input) == .likely)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.isEmpty && result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" })
  }
}
