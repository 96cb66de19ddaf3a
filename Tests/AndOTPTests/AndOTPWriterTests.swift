import Foundation
import OTPCore
import TestSupport
import Testing

@testable import AndOTP

/// The writer writes andOTP's entries, plain and as `.json.aes`; damage and wrong passwords are errors.
/// (Round trips and wrong passwords in general: FormatContractTests.)
@Suite struct AndOTPWriterTests {
  let format = AndOTPFormat()

  func readBack(_ bytes: [UInt8], password: String? = nil) throws -> ReadResult {
    try TestSupport.readBack(bytes, with: format, name: "out.json", password: password)
  }

  /// andOTP keeps no mOTP PIN, so each mOTP account read back says so, and nothing else is said.
  func expectOnlyPINWarnings(_ result: ReadResult, _ accounts: [Account]) {
    #expect(result.findings.map(\.code) == accounts.filter { $0.kind == .motp }.map { _ in "ANDOTP_MOTP_WITHOUT_PIN" })
  }

  @Test(arguments: [(1, 11), (80, 12)])
  func randomAccountsRoundTripEncrypted(count: Int, seed: UInt64) throws {
    let accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: seed)
    let written = try format.write(accounts, context: WriteContext(newPassword: .fixed("😀 😃 😄")))
    #expect(format.sniff(InputFile(name: "out", bytes: written.bytes)) == .possible)
    #expect(format.sniff(InputFile(name: "otp_accounts.json.aes", bytes: written.bytes)) == .likely)
    let back = try readBack(written.bytes, password: "😀 😃 😄")
    expectOnlyPINWarnings(back, accounts)
    expectSameAccounts(accounts, back.accounts)
  }

  @Test func encryptedHeaderIsFreshEachTime() throws {
    let accounts = RandomAccounts.make(count: 2, fitting: format.descriptor.capabilities, seed: 9)
    let context = WriteContext(newPassword: .fixed("test"))
    let first = try format.write(accounts, context: context).bytes
    let second = try format.write(accounts, context: context).bytes
    for bytes in [first, second] {
      #expect(AndOTPCrypto.writtenIterations.contains(try #require(AndOTPCrypto.iterations(in: bytes))))
    }
    #expect(first[4..<28] != second[4..<28])  // salt and IV
  }

  @Test func writtenEntriesLookLikeAndOTPs() throws {
    let accounts = [
      Account(
        kind: .totp, issuer: "I", name: "n", secret: Secret([1, 2, 3, 4, 5, 6]), period: 45, groups: ["a", "b"],
        origin: Origin(file: "t", place: .entry(1))),
      Account(kind: .steam, issuer: "Steam", name: "g", secret: Secret([9, 9, 9]), origin: Origin(file: "t", place: .entry(2))),
      Account(
        kind: .motp, issuer: "VPN", name: "m", secret: Secret([0x7a, 0xc6, 0x1d, 0x47]),
        origin: Origin(file: "t", place: .entry(3))),
    ]
    let written = try format.write(accounts, context: WriteContext()).bytes
    let entries = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? [[String: Any]])
    #expect(entries[0]["secret"] as? String == "AEBAGBAFAY======")
    #expect(entries[0]["period"] as? Int == 45 && entries[0]["tags"] as? [String] == ["a", "b"])
    // As andOTP writes them: a period for TOTP; none for Steam and mOTP at their own.
    #expect(entries[1]["type"] as? String == "STEAM" && entries[1]["period"] == nil && entries[1]["digits"] as? Int == 5)
    #expect(entries[2]["period"] == nil)
    // andOTP keeps an mOTP secret as the hex text itself.
    #expect(entries[2]["type"] as? String == "MOTP")
    #expect(entries[2]["secret"] as? String == AndOTPEntries.paddedBase32(Array("7ac61d47".utf8)))
    expectSameAccounts(accounts, try readBack(written).accounts)
  }

  // MARK: Damage

  @Test func aTruncatedPlainFileIsDamaged() throws {
    let bytes = try Vectors.input("aegis/importers/andotp_plain.json").bytes
    for length in [1, bytes.count / 2, bytes.count - 1] {
      #expect(throws: OTPError.corrupted(file: "out.json", place: nil, reason: "not an andOTP backup: it is not valid JSON")) {
        try readBack(Array(bytes.prefix(length)))
      }
    }
  }

  @Test func aTruncatedEncryptedFileIsRefused() throws {
    let bytes = try Vectors.input("aegis/importers/andotp_encrypted.bin").bytes
    // Too short to hold even the old format's IV and tag: damaged without asking.
    #expect(
      throws: OTPError.corrupted(
        file: "out.json", place: nil, reason: "neither andOTP JSON nor long enough to be an encrypted andOTP backup")
    ) {
      try readBack(Array(bytes.prefix(20)), password: "test")
    }
    // Longer: AES-GCM cannot tell a cut file from a wrong password, and andOTP stores nothing else.
    #expect(throws: OTPError.wrongPassword(file: "out.json")) {
      try readBack(Array(bytes.prefix(bytes.count - 5)), password: "test")
    }
  }

  @Test func badEntriesAreFindingsAndTheRestConverts() throws {
    let text = """
      [{"secret":"JBSWY3DPEHPK3PXP====","issuer":"ok1","label":"a","type":"TOTP","tags":["t"]},
       {"secret":"JBSWY3DPEHPK3PXP","label":"x","type":"YANDEX"},
       {"secret":"NOT*BASE32","label":"x"},
       {"label":"x"},
       {"secret":"JBSWY3DPEHPK3PXP","label":"x","algorithm":"MD5"},
       {"secret":"JBSWY3DPEHPK3PXP","label":"x","digits":11},
       {"secret":"JBSWY3DPEHPK3PXP","label":"x","period":0},
       {"secret":"I5DUORY=","label":"x","type":"MOTP"},
       {"secret":"jbswy3dpehpk3pxp","issuer":"ok2","label":"b","type":"HOTP","counter":7}]
      """
    let result = try readBack(Array(text.utf8))
    #expect(result.accounts.map(\.issuer) == ["ok1", "ok2"])
    #expect(result.accounts.first?.groups == ["t"])
    #expect(result.accounts.last?.counter == 7)
    let skipped = result.findings.filter(\.entrySkipped)
    #expect(skipped.map { $0.origin?.place } == (2...8).map { Origin.Place.entry($0) })
    #expect(
      skipped.map(\.code) == [
        "ANDOTP_UNKNOWN_TYPE", "ANDOTP_BAD_SECRET", "ANDOTP_BAD_ENTRY", "ANDOTP_BAD_ALGORITHM", "ANDOTP_BAD_DIGITS",
        "ANDOTP_BAD_PERIOD", "ANDOTP_BAD_MOTP_SECRET",
      ])
    #expect(result.findings.count == 7)
    #expect(!result.findings.map(\.description).joined().contains("NOT*BASE32"))
  }
}
