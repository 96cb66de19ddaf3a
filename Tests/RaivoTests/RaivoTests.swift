import OTPContainers
import OTPCore
import TestSupport
import Testing

@testable import Raivo

@Suite struct RaivoTests {
  let format = RaivoFormat()

  func password(_ text: String?) -> PasswordProvider { PasswordProvider { _ in text } }

  @Test func bitwardenFixtureJSON() throws {
    let input = try Vectors.input("bitwarden-authenticator-ios/Fixtures/RaivoExport.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    // Entry 1's secret "Secret1One" is not base32 (bitwarden-authenticator-ios/EXPECTED.md): it is
    // refused with a finding. Entry 2's "SecretTwo" is 9 characters: read, its last one ignored.
    #expect(result.findings.map(\.code) == ["RAIVO_BAD_SECRET", "BASE32_TRAILING_BITS"])
    #expect(result.findings[0].entrySkipped && result.findings[0].origin == Origin(file: input.name, place: .entry(1)))
    #expect(!result.findings.contains { $0.message.contains("Secret1One") })
    let account = try #require(result.accounts.first)
    #expect(result.accounts.count == 1)
    #expect(account.kind == .totp && account.issuer == "Issuer2" && account.name == "")
    #expect(account.algorithm == .sha256 && account.digits == 8 && account.period == 60)
    #expect(account.favorite && account.icon == nil && account.extraParameters.isEmpty)
    #expect(account.secret.revealBase32() == "SECRETTW")
  }

  @Test func entryRules() throws {
    let text = #"""
      [{"issuer":"A+B","account":"a","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA512","digits":"7","kind":"HOTP","timer":"30","counter":"42","pinned":"false","iconType":"raivo_repository","iconValue":"google/google.png"},
       {"issuer":"B","account":"b","secret":"JBSWY3DPEHPK3PXP","algorithm":"MD5","digits":"6","kind":"TOTP","timer":"30","counter":"0","pinned":"false","iconType":"","iconValue":""},
       {"issuer":"C","account":"c","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":"six","kind":"TOTP","timer":"30","counter":"0","pinned":"false","iconType":"","iconValue":""},
       {"issuer":"D","account":"d","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":"6","kind":"STEAM","timer":"30","counter":"0","pinned":"false","iconType":"","iconValue":""},
       {"issuer":"E","secret":"JBSWY3DPEHPK3PXP","digits":6,"timer":45,"pinned":true,"iconType":"","iconValue":"https://e.example/i.png"},
       "not an object"]
      """#
    let result = try format.read(InputFile(name: "r.json", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["A+B", "E"])
    let hotp = result.accounts[0]
    #expect(hotp.kind == .hotp && hotp.counter == 42 && hotp.digits == 7 && hotp.algorithm == .sha512)
    #expect(hotp.icon == "raivo_repository:google/google.png")
    let plain = result.accounts[1]
    #expect(plain.period == 45 && plain.favorite && plain.icon == "https://e.example/i.png" && plain.kind == .totp)
    #expect(result.findings.map(\.code) == ["RAIVO_BAD_ALGORITHM", "RAIVO_BAD_DIGITS", "RAIVO_BAD_KIND", "RAIVO_NOT_AN_OBJECT"])

    let written = try format.write(result.accounts, context: WriteContext())
    let back = try format.read(InputFile(name: "w.json", bytes: written.bytes), context: ReadContext())
    #expect(back.accounts.map(\.icon) == result.accounts.map(\.icon))
    #expect(
      String(decoding: written.bytes, as: UTF8.self).contains(#""iconType":"raivo_repository","iconValue":"google/google.png""#))
  }

  @Test func ourZipReadsBackAndPasswordsMatter() throws {
    let accounts = RandomAccounts.make(count: 40, fitting: format.descriptor.capabilities, seed: 5)
    let zip = try format.write(accounts, context: WriteContext(newPassword: password("😀 😃 test123!?%")))
    #expect(ZipArchive.firstMemberName(zip.bytes) == "raivo-otp-export.json")
    let input = InputFile(name: "raivo-otp-export.zip", bytes: zip.bytes)
    #expect(format.sniff(input) == .certain)
    let back = try format.read(input, context: ReadContext(password: password("😀 😃 test123!?%")))
    try Self.expectSame(back.accounts, accounts)
    #expect(back.accounts.first?.origin.file == "raivo-otp-export.zip:raivo-otp-export.json")

    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: ReadContext(password: password("test")))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) {
      try format.read(input, context: ReadContext())
    }
  }

  @Test func damagedZips() throws {
    let zip = try format.write(
      RandomAccounts.make(count: 3, fitting: format.descriptor.capabilities, seed: 1),
      context: WriteContext(newPassword: password("pw"))
    ).bytes
    var alteredData = zip
    alteredData[120] ^= 0x01  // inside the encrypted member: the WinZip AES HMAC fails
    var truncated = Array(zip.prefix(90))
    truncated[0] = 0x50
    let otherMember = try ZipArchive.write(member: "notes.txt", bytes: Array("x".utf8), password: "pw")
    for bytes in [alteredData, truncated, otherMember] {
      do {
        _ = try format.read(InputFile(name: "raivo-otp-export.zip", bytes: bytes), context: ReadContext(password: password("pw")))
        Issue.record("read a damaged zip")
      } catch let error as OTPError {
        guard case .corrupted = error else {
          Issue.record("\(error)")
          continue
        }
      }
    }
    #expect(throws: OTPError.self) {
      try format.read(InputFile(name: "r.json", bytes: Array("{\"a\":1}".utf8)), context: ReadContext())
    }
  }

  /// The libarchive wrapper against third-party encrypted zips (ZipCrypto, aegis/EXPECTED.md).
  @Test func wrapperReadsOtherAppsEncryptedZips() throws {
    let zip = try Vectors.input("aegis/importers/authenticator_plus.zip").bytes
    let isAccounts: (String) -> Bool = { $0 == "Accounts.txt" }
    #expect(throws: ZipArchive.Failure.passwordNeeded) { try ZipArchive.first(zip, member: isAccounts, password: nil) }
    #expect(throws: ZipArchive.Failure.wrongPassword) { try ZipArchive.first(zip, member: isAccounts, password: "test") }
    let text = try ZipArchive.first(zip, member: isAccounts, password: "testtesttest")
    #expect(text == (try Vectors.input("aegis/importers/plain.txt")).bytes)
    #expect(throws: ZipArchive.Failure.memberMissing) {
      try ZipArchive.first(zip, member: { _ in false }, password: "testtesttest")
    }
  }

  @Test func otherZipsAreNotRaivo() throws {
    #expect(format.sniff(try Vectors.input("aegis/importers/authenticator_plus.zip")) == .no)
    #expect(format.sniff(try Vectors.input("stratum/data/winauth.zip")) == .no)
    #expect(format.sniff(try Vectors.input("aegis/importers/freeotp_plus.json")) == .no)
  }

  @Test func largeZipRoundTrip() throws {
    let accounts = RandomAccounts.make(count: 500, fitting: format.descriptor.capabilities, seed: 11)
    let zip = try format.write(accounts, context: WriteContext(newPassword: password("t")))
    let back = try format.read(InputFile(name: "z.zip", bytes: zip.bytes), context: ReadContext(password: password("t")))
    try Self.expectSame(back.accounts, accounts)
  }

  static func expectSame(_ back: [Account], _ accounts: [Account]) throws {
    #expect(back.count == accounts.count)
    expectSameAccounts(accounts, back)
  }
}
