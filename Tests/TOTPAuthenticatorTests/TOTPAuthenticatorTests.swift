import Foundation
import OTPCore
import TOTPAuthenticator
import TestSupport
import Testing

@Suite struct TOTPAuthenticatorTests {
  let format = TOTPAuthenticatorFormat()

  func read(_ path: String, password: String? = nil) throws -> ReadResult {
    try readVector(path, with: format, password: password)
  }

  /// aegis/EXPECTED.md: V1, V2, V3 with lower-case names and hex keys (`"base": 16`), in the
  /// backup (password `Testtest1`) and in the app's preferences. Aegis forces 6 digits and 30 s;
  /// the file keeps each account's own (6/30, 7/20, 8/50), which the app uses, so those are read.
  @Test(
    arguments: [
      ("aegis/importers/totp_authenticator.bin", "Testtest1"), ("aegis/importers/totp_authenticator_internal.xml", nil),
    ] as [(String, String?)])
  func aegisFixturesGiveV1ToV3(path: String, password: String?) throws {
    let result = try read(path, password: password)
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 3)
    for (index, id) in ["V1", "V2", "V3"].enumerated() {
      let vector = try #require(expected[id])
      let account = result.accounts[index]
      #expect(account.issuer == vector.issuer && account.name == vector.name.lowercased(), "\(id)")
      #expect(account.secret.revealBase32() == vector.secretBase32, "\(id)")
      #expect(account.digits == vector.digits && account.period == vector.periodOrCounter && account.algorithm == .sha1, "\(id)")
    }
  }

  /// stratum/EXPECTED.md: two accounts, hex keys 00…00 and 0842…21; empty digits and period are
  /// the defaults 6 and 30; the header labels become groups. A wrong password is said so.
  @Test func stratumFixtureAndAWrongPassword() throws {
    let result = try read("stratum/data/totpauthenticator.encrypted.bin", password: "Testtest1")
    #expect(result.accounts.map(\.name) == ["standard", "noissuer"])
    #expect(result.accounts.map { $0.secret.revealBase32() } == ["AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB"])
    #expect(result.accounts.allSatisfy { $0.digits == 6 && $0.period == 30 })
    #expect(result.accounts.map(\.groups) == [["personal"], ["other"]])
    #expect {
      try read("stratum/data/totpauthenticator.encrypted.bin", password: "test")
    } throws: { error in
      guard case OTPError.wrongPassword = error else { return false }
      return true
    }
  }
}
