import Foundation
import FreeOTPPlus
import OTPCore
import TestSupport
import Testing

@Suite struct FreeOTPTokensTests {
  let format = FreeOTPTokensFormat()

  /// aegis/EXPECTED.md: FreeOTP v1's tokens.xml holds V6, V3, V1, V4 in that order; FreeOTP+'s
  /// internal one V1–V6. Counters are stored one lower and read as the otpauth counter (as
  /// freeotp-plus does, docs/formats/freeotp-plus.md): WWE 10300, Issuu 1, Air Canada 50.
  @Test(arguments: [
    ("aegis/importers/freeotp.xml", ["V6", "V3", "V1", "V4"]),
    ("aegis/importers/freeotp_plus_internal.xml", ["V6", "V3", "V2", "V5", "V1", "V4"]),
  ])
  func aegisFixturesGiveTheirVectors(path: String, ids: [String]) throws {
    let input = try Vectors.input(path)
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    let secrets = result.accounts.map { $0.secret.revealBase32() }
    let order = ids.compactMap { expected[$0]?.secretBase32 }
    #expect(Set(secrets) == Set(order))
    if path.hasSuffix("freeotp.xml") { #expect(secrets == order) }
    for account in result.accounts {
      let vector = try #require(expected.values.first { $0.secretBase32 == account.secret.revealBase32() })
      #expect(vector.matches(account), "\(vector.id): \(account)")
    }
  }

  @Test func aTokenThatIsNotTokenJSONIsNamed() throws {
    let text = """
      <?xml version='1.0' encoding='utf-8' standalone='yes' ?>
      <map><string name="tokenOrder">[&quot;a&quot;]</string><string name="a">not json</string>
      <string name="b">{&quot;issuerExt&quot;:&quot;B&quot;,&quot;label&quot;:&quot;b&quot;,&quot;secret&quot;:[1,2,3,4,5],&quot;type&quot;:&quot;TOTP&quot;}</string></map>
      """
    let result = try format.read(InputFile(name: "tokens.xml", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["B"])
    #expect(result.findings.map(\.code) == ["FREEOTPPLUS_BAD_TOKEN"])
  }
}
