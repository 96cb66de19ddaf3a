import Foundation
import LastPass
import OTPCore
import TestSupport
import Testing

@Suite struct LastPassTests {
  let format = LastPassFormat()

  /// stratum/EXPECTED.md: S7, S1 (favourites), S2 and S3 (folder "Group"; S3 without an issuer),
  /// S4 and S5 (folder 0, the app's own "Other accounts", which is no group).
  @Test func stratumFixtureGivesSixOfTheSSet() throws {
    let input = try Vectors.input("stratum/data/lastpass.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(result.findings)")
    let ids = ["S7", "S1", "S2", "S3", "S4", "S5"]
    #expect(result.accounts.count == ids.count)
    for (account, id) in zip(result.accounts, ids) {
      var vector = try #require(expected[id])
      if id == "S3" { vector.issuer = "" }
      #expect(vector.matches(account), "\(id): \(account)")
    }
    #expect(result.accounts.map(\.favorite) == [true, true, false, false, false, false])
    #expect(result.accounts.map(\.groups) == [[], [], ["Group"], ["Group"], [], []])
  }

  /// bitwarden-authenticator-ios/EXPECTED.md: version 1 from iOS. "Secret1One" is not base32, so
  /// the first account is skipped with a finding that does not repeat it; the second is the
  /// favourite Issuer2/name, SHA-512, 8 digits, 60 s ("SecretTwo" has a trailing character).
  @Test func iosFixtureGivesItsSecondAccount() throws {
    let input = try Vectors.input("bitwarden-authenticator-ios/Fixtures/LastpassExport.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.findings.map(\.code) == ["LASTPASS_BAD_SECRET", "BASE32_TRAILING_BITS"])
    #expect(result.findings[0].entrySkipped && result.findings[0].origin == Origin(file: input.name, place: .entry(1)))
    #expect(!result.findings.contains { $0.message.contains("Secret1One") })
    let account = try #require(result.accounts.first)
    #expect(result.accounts.count == 1)
    #expect(account.kind == .totp && account.issuer == "Issuer2" && account.name == "name")
    #expect(account.algorithm == .sha512 && account.digits == 8 && account.period == 60)
    #expect(account.favorite && account.groups.isEmpty)
  }

  @Test func oddAccountsAreNamedAndTheOthersRead() throws {
    let text = #"""
      {"version": "3", "folders": [{"id": "7", "name": "Work"}, {"id": [], "name": 5}],
       "accounts": [
        {"issuerName": "A", "userName": "a", "secret": "JBSWY3DPEHPK3PXP", "timeStep": 30, "digits": 6,
         "algorithm": "SHA256", "folderData": {"folderId": 7}},
        {"issuerName": "B", "userName": "b", "secret": "JBSWY3DPEHPK3PXP", "timeStep": 30, "digits": 6, "algorithm": "MD4"},
        {"issuerName": "C", "userName": "c", "secret": "JBSWY3DPEHPK3PXP", "timeStep": 0, "digits": 6},
        {"issuerName": "D", "userName": "d", "secret": "JBSWY3DPEHPK3PXP", "timeStep": 30, "digits": "6"},
        {"issuerName": "", "originalIssuerName": "", "userName": null, "originalUserName": "orig", "secret": "JBSWY3DPEHPK3PXP"}]}
      """#
    let input = InputFile(name: "lastpass.json", bytes: Array(text.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    // Digits written as text ("6") are read; an odd folder loses neither the file nor the account.
    #expect(result.accounts.map(\.issuer) == ["A", "D", ""])
    #expect(result.accounts.map(\.name) == ["a", "d", "orig"])
    #expect(result.accounts[0].groups == ["Work"] && result.accounts[0].algorithm == .sha256)
    #expect(result.accounts[2].algorithm == .sha1 && result.accounts[2].digits == 6 && result.accounts[2].period == 30)
    #expect(result.findings.map(\.code) == ["LASTPASS_BAD_ALGORITHM", "LASTPASS_BAD_PERIOD"])
  }

  @Test func aLaterVersionIsAnUnsupportedVersion() throws {
    let input = InputFile(name: "lastpass.json", bytes: Array(#"{"version": 4, "accounts": []}"#.utf8))
    #expect {
      try format.read(input, context: ReadContext())
    } throws: { error in
      guard case OTPError.unsupportedVersion(_, let version, _) = error else { return false }
      return version == "4"
    }
  }
}
