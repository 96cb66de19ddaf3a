import OTPCore
import TestSupport
import Testing

@testable import Ente

/// Ente's exports from other projects' test suites, checked against their EXPECTED.md.
@Suite struct EnteVectorTests {
  let format = EnteFormat()

  @Test func aegisEntePlainTextGivesTheSevenVectors() throws {
    let input = try Vectors.input("aegis/importers/ente_auth.txt")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    for id in ["V1", "V2", "V3", "V4", "V5", "V6", "V7"] {
      let vector = try #require(expected[id])
      let account = try #require(result.accounts.first { vector.matches($0) }, "\(id)")
      // The file's codeDisplay holds only Ente's defaults: nothing to keep beyond the fields.
      #expect(account.note == "" && !account.favorite && account.groups.isEmpty && account.extraParameters.isEmpty)
      #expect(account.labelIssuer == nil)
    }
  }

  @Test func aegisEntePlainTextCodes() throws {
    let accounts = try format.read(try Vectors.input("aegis/importers/ente_auth.txt"), context: ReadContext()).accounts
    func account(_ issuer: String) throws -> Account { try #require(accounts.first { $0.issuer == issuer }) }
    #expect(try CodeGenerator.code(for: account("Deno"), at: 1_234_567_890) == "001580")
    #expect(try CodeGenerator.code(for: account("SPDX"), at: 1_700_000_000) == "9993814")
    #expect(try CodeGenerator.code(for: account("Boeing"), at: 1_234_567_890) == "WR5P6")
    let wwe = try account("WWE")
    #expect(try CodeGenerator.code(for: wwe, counter: wwe.counter) == "24622277")
    let airCanada = try account("Air Canada")
    #expect(try CodeGenerator.code(for: airCanada, counter: airCanada.counter + 1) == "1686577")
  }

  @Test func stratumPlainTextWithoutCodeDisplayIsLeftToOtpauthButReads() throws {
    let input = try Vectors.input("stratum/data/ente.unencrypted.txt")
    #expect(format.sniff(input) == .no)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    for id in ["S1", "S2", "S4", "S5", "S6", "S7"] {
      let vector = try #require(expected[id])
      #expect(result.accounts.contains { vector.matches($0) }, "\(id)")
    }
  }

  static let stratumPassword = PasswordProvider { _ in "test" }

  @Test func stratumEncryptedDecryptsToExactlyThePlainFile() throws {
    let input = try Vectors.input("stratum/data/ente.encrypted.json")
    #expect(format.sniff(input) == .certain)
    let plaintext = try EncryptedExport.decrypt(try #require(input.text), file: input.name, password: Self.stratumPassword)
    #expect(Array(plaintext.utf8) == (try Vectors.input("stratum/data/ente.unencrypted.txt")).bytes)

    let result = try format.read(input, context: ReadContext(password: Self.stratumPassword))
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.accounts.count == 7)
    let rows = try Vectors.tableRows("stratum/EXPECTED.md").filter { $0.count == 10 && $0[0].hasPrefix("S") }
    for row in rows where row[1] == "totp" {
      let account = try #require(result.accounts.first { $0.secret.revealBase32() == row[4] })
      if let vector = expected[row[0]], row[0] != "S3" { #expect(vector.matches(account), "\(row[0])") }
      #expect(try CodeGenerator.code(for: account, at: 1_234_567_890) == row[8], "\(row[0])")
      #expect(try CodeGenerator.code(for: account, at: 1_700_000_000) == row[9], "\(row[0])")
    }
  }

  @Test func stratumEncryptedWithTheWrongPasswordOrNone() throws {
    let input = try Vectors.input("stratum/data/ente.encrypted.json")
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: ReadContext(password: PasswordProvider { _ in "test1" }))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) {
      try format.read(input, context: ReadContext())
    }
  }
}
