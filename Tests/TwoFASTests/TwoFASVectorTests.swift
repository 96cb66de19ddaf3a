import Foundation
import OTPCore
import TestSupport
import Testing
import TwoFAS

/// 2FAS backups from Aegis's, Stratum's and Bitwarden Authenticator's tests, against their EXPECTED.md.
@Suite struct TwoFASVectorTests {
  let format = TwoFASFormat()

  func read(_ file: String, password: String? = nil) throws -> ReadResult {
    let input = try Vectors.input(file)
    #expect(format.sniff(input) == .certain, "\(file)")
    return try format.read(input, context: ReadContext(password: PasswordProvider { _ in password }))
  }

  func vectors(_ ids: [String]) throws -> [ExpectedAccount] {
    let all = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    return try ids.map { try #require(all[$0]) }
  }

  /// Exactly these vectors, in this order, and nothing the vectors do not have.
  func expect(_ result: ReadResult, _ expected: [ExpectedAccount], file: String) {
    #expect(result.findings.isEmpty, "\(file): \(result.findings)")
    #expect(result.accounts.count == expected.count, "\(file)")
    for (account, vector) in zip(result.accounts, expected) {
      #expect(vector.matches(account), "\(file): \(vector.id)")
      #expect(account.groups.isEmpty && account.note.isEmpty && account.icon == nil)
    }
  }

  @Test func schema1HasNoAlgorithmDigitsOrPeriod() throws {
    let file = "aegis/importers/2fas_authenticator.json"
    let expected = try vectors(["V1", "V2", "V3", "V4", "V5", "V6"]).map { vector in
      var forced = vector
      forced.kind = .totp
      forced.algorithm = .sha1
      forced.digits = 6
      forced.periodOrCounter = 30
      return forced
    }
    expect(try read(file), expected, file: file)
  }

  /// Schema 2 has no token type: the HOTP secrets come out as TOTP with 30 s.
  func schema2Expected() throws -> [ExpectedAccount] {
    try vectors(["V1", "V3", "V4", "V6"]).map { vector in
      var asTOTP = vector
      if vector.kind == .hotp {
        asTOTP.kind = .totp
        asTOTP.periodOrCounter = 30
      }
      return asTOTP
    }
  }

  @Test func schema2PlainAndEncrypted() throws {
    let plain = "aegis/importers/2fas_authenticator_plain.2fas"
    expect(try read(plain), try schema2Expected(), file: plain)
    let encrypted = "aegis/importers/2fas_authenticator_encrypted.2fas"
    expect(try read(encrypted, password: "test"), try schema2Expected(), file: encrypted)
  }

  @Test func schema3PlainAndEncrypted() throws {
    for (file, password) in [
      ("aegis/importers/2fas_authenticator_plain_v3.2fas", nil), ("aegis/importers/2fas_authenticator_encrypted_v3.2fas", "test"),
    ] {
      expect(try read(file, password: password), try vectors(["V1", "V2", "V3", "V4", "V5", "V6"]), file: file)
    }
  }

  @Test func schema4PlainAndEncrypted() throws {
    for (file, password) in [
      ("aegis/importers/2fas_authenticator_plain_v4.2fas", nil), ("aegis/importers/2fas_authenticator_encrypted_v4.2fas", "test"),
    ] {
      expect(try read(file, password: password), try vectors(["V1", "V4", "V5", "V6", "V7"]), file: file)
    }
  }

  @Test func schema4CodesMatchTheSampleTable() throws {
    let result = try read("aegis/importers/2fas_authenticator_plain_v4.2fas")
    #expect(try CodeGenerator.code(for: result.accounts[0], at: 1_234_567_890) == "001580")
    #expect(try CodeGenerator.code(for: result.accounts[4], at: 1_700_000_000) == "747JR")
    #expect(try CodeGenerator.code(for: result.accounts[3], counter: result.accounts[3].counter) == "24622277")
  }

  @Test func encryptedFilesRefuseAWrongOrMissingPassword() throws {
    for file in [
      "aegis/importers/2fas_authenticator_encrypted.2fas", "aegis/importers/2fas_authenticator_encrypted_v4.2fas",
      "stratum/data/twofas.encrypted.2fas",
    ] {
      let input = try Vectors.input(file)
      #expect(throws: OTPError.wrongPassword(file: file)) {
        try format.read(input, context: ReadContext(password: PasswordProvider { _ in "test1" }))
      }
      #expect(throws: OTPError.passwordRequired(file: file)) { try format.read(input, context: ReadContext()) }
    }
  }

  /// Stratum's schema 3 pair: S7, S3, S4, S5, S1, S6, two of them in group "Group".
  @Test(arguments: [("stratum/data/twofas.unencrypted.2fas", nil), ("stratum/data/twofas.encrypted.2fas", "test")])
  func stratumFiles(file: String, password: String?) throws {
    let result = try read(file, password: password)
    let all = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 6)
    for (index, id) in ["S7", "S3", "S4", "S5", "S1", "S6"].enumerated() where index < result.accounts.count {
      var vector = try #require(all[id])
      if id == "S3" {
        // Service name "NoIssuer", account "": the issuer is the service name (as Aegis maps it).
        vector.issuer = "NoIssuer"
        vector.name = ""
      }
      #expect(vector.matches(result.accounts[index]), "\(file): \(id)")
    }
    #expect(result.accounts.map(\.groups) == [[], ["Group"], [], [], ["Group"], []])
  }

  /// 2FAS for iOS (schema 4): the secrets are not real base32 (bitwarden-authenticator-ios/EXPECTED.md).
  @Test func iOSExportWithMadeUpSecrets() throws {
    let result = try read("bitwarden-authenticator-ios/Fixtures/TwoFasExport.2fas")
    let skipped = result.findings.filter(\.entrySkipped)
    #expect(skipped.map(\.code) == ["TWOFAS_BAD_SECRET"])
    #expect(skipped.first?.origin?.place == .entry(1))
    #expect(!result.findings.map(\.description).joined().contains("Secret1One"))
    #expect(result.accounts.count == 2)

    let second = try #require(result.accounts.first)
    #expect(second.kind == .totp && second.issuer == "Issuer2" && second.name.isEmpty)
    #expect(second.algorithm == .sha256 && second.digits == 8 && second.period == 60)
    #expect(second.groups == ["Test Folder"])  // group IDs in upper case, matched regardless of case

    let steam = try #require(result.accounts.last)
    #expect(steam.kind == .steam && steam.issuer == "Steam" && steam.name == "addl")
    #expect(steam.digits == 5 && steam.period == 30)
    // "SecretTwo" and "STEAMSECRET" end in a character that completes no byte.
    #expect(result.findings.filter { !$0.entrySkipped }.map(\.code) == ["BASE32_TRAILING_BITS", "BASE32_TRAILING_BITS"])
  }

  /// The sample files in examples/2fas (made from examples/otpauth/accounts.txt; password in password.txt).
  @Test(arguments: ["backup.2fas", "backup-encrypted.2fas"])
  func examplesRead(file: String) throws {
    let folder = Vectors.packageRoot.appendingPathComponent("examples/2fas")
    let bytes = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent(file).path))
    let password = try String(contentsOf: folder.appendingPathComponent("password.txt"), encoding: .utf8).trimmingWhitespace()
    let result = try format.read(
      InputFile(name: file, bytes: Array(bytes)), context: ReadContext(password: PasswordProvider { _ in password }))
    #expect(result.accounts.count == 7)
    #expect(result.findings.isEmpty)
  }
}
