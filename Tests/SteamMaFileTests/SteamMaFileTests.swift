import Foundation
import OTPCore
import SteamMaFile
import TestSupport
import Testing

@Suite struct SteamMaFileTests {
  let format = SteamMaFileFormat()

  /// aegis/EXPECTED.md: one Steam entry, secret = base64 shared_secret = V7's, issuer "Steam",
  /// name "Sophia", SHA1/5/30; in the Steam app's `{"accounts": {…}}` file and in a bare maFile.
  @Test(arguments: ["aegis/importers/steam.json", "aegis/importers/steam_old.json"])
  func aegisFixturesGiveV7AsSteam(path: String) throws {
    let input = try Vectors.input(path)
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let v7 = try #require(try Vectors.expectedAccounts("aegis/EXPECTED.md")["V7"])
    #expect(result.findings.isEmpty)
    let account = try #require(result.accounts.first)
    #expect(result.accounts.count == 1)
    #expect(account.kind == .steam && account.issuer == "Steam" && account.name == "Sophia")
    #expect(account.secret.revealBase32() == v7.secretBase32)
    #expect(account.algorithm == .sha1 && account.digits == 5 && account.period == 30)
    // The revocation code recovers the Steam account: kept, as the note (masked like secrets).
    #expect(account.note == "Steam revocation code: R1234")
    #expect(
      account.extraParameters.map(\.name) == ["serial_number", "token_gid", "identity_secret", "secret_1", "steamid"])
    #expect(account.extraParameters.first { $0.name == "steamid" }?.value == "1234")
  }

  @Test func aSecretThatIsNotBase64IsNamed() throws {
    let input = InputFile(name: "x.maFile", bytes: Array(#"{"shared_secret": "not base64!", "account_name": "a"}"#.utf8))
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.isEmpty && result.findings.map(\.code) == ["STEAM_BAD_SECRET"])
  }
}
