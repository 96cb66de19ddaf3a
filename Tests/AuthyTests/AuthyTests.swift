import Authy
import Foundation
import OTPCore
import TestSupport
import Testing

@Suite struct AuthyTests {
  let format = AuthyFormat()

  func read(_ path: String, password: String? = nil) throws -> ReadResult {
    try readVector(path, with: format, password: password)
  }

  /// aegis/EXPECTED.md: V1, V2, V3 with SHA-1 (Authy's), the file's digits (6/7/8), 30 s; issuer
  /// `originalIssuer`, name without Authy's "Issuer: " prefix; plain, and encrypted with `testtest`.
  @Test(
    arguments: [("aegis/importers/authy_plain.xml", nil), ("aegis/importers/authy_encrypted.xml", "testtest")]
      as [(String, String?)])
  func aegisFixturesGiveV1ToV3(path: String, password: String?) throws {
    let result = try read(path, password: password)
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 3)
    for (index, id) in ["V1", "V2", "V3"].enumerated() {
      let vector = try #require(expected[id])
      let account = result.accounts[index]
      #expect(account.issuer == vector.issuer && account.name == vector.name, "\(id)")
      #expect(account.secret.revealBase32() == vector.secretBase32 && account.digits == vector.digits, "\(id)")
      #expect(account.kind == .totp && account.algorithm == .sha1 && account.period == 30, "\(id)")
    }
  }

  @Test func aWrongOrMissingPasswordIsSaidSo() throws {
    #expect {
      try read("aegis/importers/authy_encrypted.xml", password: "not it")
    } throws: { error in
      guard case OTPError.wrongPassword = error else { return false }
      return true
    }
    #expect {
      try read("aegis/importers/authy_encrypted.xml")
    } throws: { error in
      guard case OTPError.passwordRequired = error else { return false }
      return true
    }
  }

  /// Authy's own tokens: a hex seed, 7 digits, 10 s, named after the service.
  @Test func authysOwnTokensAreTenSecondSevenDigitCodes() throws {
    let text = """
      <?xml version='1.0' encoding='utf-8' standalone='yes' ?>
      <map><string name="com.authy.storage.tokens.authy.key">[{&quot;name&quot;:&quot;Twitch&quot;,&quot;secretSeed&quot;:&quot;0123456789abcdef0123456789abcdef&quot;,&quot;digits&quot;:7},{&quot;name&quot;:&quot;Bad&quot;,&quot;secretSeed&quot;:&quot;zz&quot;}]</string></map>
      """
    let input = InputFile(name: "com.authy.storage.tokens.authy.xml", bytes: Array(text.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let account = try #require(result.accounts.first)
    #expect(account.issuer == "Twitch" && account.digits == 7 && account.period == 10 && account.secret.count == 16)
    #expect(result.findings.map(\.code) == ["AUTHY_BAD_SECRET"])
  }
}
