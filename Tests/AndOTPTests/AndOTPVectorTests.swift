import AndOTP
import Foundation
import OTPCore
import TestSupport
import Testing

/// andOTP backups from Aegis's and Stratum's tests, against their EXPECTED.md.
@Suite struct AndOTPVectorTests {
  let format = AndOTPFormat()

  func read(_ file: String, password: String? = nil) throws -> ReadResult {
    try format.read(try Vectors.input(file), context: ReadContext(password: PasswordProvider { _ in password }))
  }

  func expectV1ToV7(_ result: ReadResult, file: String) throws {
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(file): \(result.findings)")
    #expect(result.accounts.count == 7, "\(file)")
    for (index, id) in ["V1", "V2", "V3", "V4", "V5", "V6", "V7"].enumerated() where index < result.accounts.count {
      #expect(try #require(expected[id]).matches(result.accounts[index]), "\(file): \(id)")
      #expect(result.accounts[index].groups.isEmpty)
      #expect(result.accounts[index].origin == Origin(file: file, place: .entry(index + 1)))
    }
  }

  @Test func plainGivesV1ToV7() throws {
    let file = "aegis/importers/andotp_plain.json"
    #expect(format.sniff(try Vectors.input(file)) == .certain)
    try expectV1ToV7(try read(file), file: file)
  }

  @Test func encryptedGivesV1ToV7WithItsPassword() throws {
    let file = "aegis/importers/andotp_encrypted.bin"
    // No magic bytes: a plausible iteration count is all there is to recognise it by.
    #expect(format.sniff(try Vectors.input(file)) == .possible)
    try expectV1ToV7(try read(file, password: "test"), file: file)
  }

  @Test func wrongOrMissingPasswords() throws {
    for file in [
      "aegis/importers/andotp_encrypted.bin", "aegis/importers/andotp_encrypted_old.bin", "stratum/data/andotp.encrypted.bin",
    ] {
      #expect(throws: OTPError.wrongPassword(file: file)) {
        try read(file, password: file.hasPrefix("stratum") ? "test" : "test1")
      }
      #expect(throws: OTPError.passwordRequired(file: file)) { try read(file) }
    }
  }

  /// The pre-0.6 format: no `issuer`, labels "Deno - Deno:Mason", split on " - "; no Steam entry.
  @Test func oldFormatGivesV1ToV6WithSplitLabels() throws {
    let file = "aegis/importers/andotp_encrypted_old.bin"
    let result = try read(file, password: "test")
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 6)
    for (index, id) in ["V1", "V2", "V3", "V4", "V5", "V6"].enumerated() where index < result.accounts.count {
      var vector = try #require(expected[id])
      vector.name = "\(vector.issuer):\(vector.name)"
      #expect(vector.matches(result.accounts[index]), "\(id)")
    }
  }

  /// Stratum's pair: S1–S7, an mOTP entry and Steam; tag "Tag" twice. Stratum counts the mOTP
  /// entry as a failure because andOTP keeps no PIN; the model holds mOTP without a PIN, so it is
  /// read, with a warning that its codes need the PIN.
  @Test(arguments: [("stratum/data/andotp.unencrypted.json", nil), ("stratum/data/andotp.encrypted.bin", "testtest")])
  func stratumFiles(file: String, password: String?) throws {
    let result = try read(file, password: password)
    let all = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.accounts.count == 9)
    for (index, id) in ["S1", "S2", "S3", "S4", "S5", "S6", "S7"].enumerated() where index < result.accounts.count {
      var vector = try #require(all[id])
      if id == "S3" { vector.issuer = "" }
      #expect(vector.matches(result.accounts[index]), "\(file): \(id)")
    }
    #expect(result.findings.map(\.code) == ["ANDOTP_MOTP_WITHOUT_PIN"])
    #expect(result.findings.first?.origin?.place == .entry(8))
    #expect(result.findings.first?.severity == .warning)

    let motp = try #require(result.accounts.dropFirst(7).first)
    #expect(motp.kind == .motp && motp.issuer == "Motp" && motp.name == "motp" && motp.pin == nil)
    #expect(motp.secret.revealHex() == "aaaaaaaaaaaaaaaa")  // the text "AAAAAAAAAAAAAAAA", base32-encoded
    #expect(motp.algorithm == .md5 && motp.digits == 6 && motp.period == 10)

    let steam = try #require(result.accounts.last)
    #expect(steam.kind == .steam && steam.issuer == "Steam" && steam.name == "Steam")
    #expect(steam.secret.revealBase32() == "BBBBBBBBBBBBBBBBBA" && steam.digits == 5 && steam.period == 30)
    #expect(result.accounts.filter { $0.groups == ["Tag"] }.map(\.name) == ["NoIssuer", "Steam"])
    #expect(result.accounts.filter { !$0.groups.isEmpty }.count == 2)
  }

  @Test func codesMatchTheSampleTables() throws {
    let aegis = try read("aegis/importers/andotp_encrypted.bin", password: "test")
    #expect(try CodeGenerator.code(for: aegis.accounts[2], at: 1_234_567_890) == "21994524")
    #expect(try CodeGenerator.code(for: aegis.accounts[6], at: 1_234_567_890) == "WR5P6")
    #expect(try CodeGenerator.code(for: aegis.accounts[4], counter: aegis.accounts[4].counter) == "4444976")
    let stratum = try read("stratum/data/andotp.unencrypted.json")
    #expect(try CodeGenerator.code(for: stratum.accounts[1], at: 1_700_000_000) == "683601847")
  }

  /// The sample files in examples/andotp (made from examples/otpauth/accounts.txt; password in password.txt).
  @Test(arguments: ["otp_accounts.json", "otp_accounts.json.aes"])
  func examplesRead(file: String) throws {
    let folder = Vectors.packageRoot.appendingPathComponent("examples/andotp")
    let bytes = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent(file).path))
    let password = try String(contentsOf: folder.appendingPathComponent("password.txt"), encoding: .utf8).trimmingWhitespace()
    let result = try format.read(
      InputFile(name: file, bytes: Array(bytes)), context: ReadContext(password: PasswordProvider { _ in password }))
    #expect(result.accounts.count == 7)
    #expect(result.findings.isEmpty)
  }
}
