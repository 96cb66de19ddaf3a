import BattleNet
import Foundation
import OTPCore
import TestSupport
import Testing

@Suite struct BattleNetTests {
  let format = BattleNetFormat()

  /// aegis/EXPECTED.md: one entry, V8: TOTP SHA1, 8 digits, 30 s, issuer "Battle.net", name the
  /// unmasked serial "US-2211-2050-3346".
  @Test func aegisFixtureGivesV8() throws {
    let input = try Vectors.input("aegis/importers/battle_net_authenticator.xml")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let v8 = try #require(try Vectors.expectedAccounts("aegis/EXPECTED.md")["V8"])
    #expect(result.findings.isEmpty)
    let account = try #require(result.accounts.first)
    #expect(result.accounts.count == 1)
    #expect(account.kind == .totp && account.issuer == "Battle.net" && account.name == "US-2211-2050-3346")
    #expect(account.name == v8.name && account.secret.revealBase32() == v8.secretBase32)
    #expect(account.algorithm == .sha1 && account.digits == 8 && account.period == 30)
  }

  @Test func anotherMaskingIsUnsupportedAndAMissingSecretIsDamage() throws {
    let other = """
      <?xml version='1.0' encoding='utf-8' standalone='yes' ?>
      <map><string name="com.blizzard.messenger.AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE">KEYSTORE</string>
      <string name="com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET">00</string></map>
      """
    #expect {
      try format.read(InputFile(name: "p.xml", bytes: Array(other.utf8)), context: ReadContext())
    } throws: { error in
      guard case OTPError.unsupportedVersion = error else { return false }
      return true
    }
    let none = "<map><string name=\"com.blizzard.messenger.AUTHENTICATOR_SERIAL\">00</string></map>"
    #expect(throws: OTPError.self) { try format.read(InputFile(name: "p.xml", bytes: Array(none.utf8)), context: ReadContext()) }
    // The vector's secret without its serial: read, with a warning that it has no name.
    let noSerial =
      "<map><string name=\"com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET\">09ec179861450806035080d113c5f05e62f67316110eec1bd495a9cdb65a3cb3f93b1f80b80b4507</string></map>"
    let unnamed = try format.read(InputFile(name: "p.xml", bytes: Array(noSerial.utf8)), context: ReadContext())
    #expect(unnamed.accounts.count == 1 && unnamed.accounts[0].name.isEmpty)
    #expect(unnamed.findings.map(\.code) == ["BATTLENET_NO_SERIAL"])
    let notHex = "<map><string name=\"com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET\">zz</string></map>"
    let result = try format.read(InputFile(name: "p.xml", bytes: Array(notHex.utf8)), context: ReadContext())
    #expect(result.accounts.isEmpty && result.findings.map(\.code) == ["BATTLENET_BAD_SECRET"])
  }
}
