import OTPCore
import TestSupport
import Testing

@testable import GoogleMigration

/// Real transfer links from other projects' test suites, checked against their EXPECTED.md.
@Suite struct GoogleMigrationVectorTests {
  let format = GoogleMigrationFormat()

  /// stratum/EXPECTED.md: Sha:512, Sha:256, Standard:Totp, Standard:Hotp (counter 10), NoIssuer
  /// (no issuer) and Long:Period, which comes in at 30 s because the format has no period.
  @Test func stratumLinkGivesTheSixEntriesInOrder() throws {
    let input = try Vectors.input("stratum/data/googleauthenticator.txt")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.findings.isEmpty)
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    let ids = ["S5", "S4", "S7", "S6", "S3", "S1"]
    try #require(result.accounts.count == ids.count)
    for (index, id) in ids.enumerated() {
      var vector = try #require(expected[id])
      if id == "S3" { vector.issuer = "" }
      if id == "S1" { vector.periodOrCounter = 30 }
      #expect(vector.matches(result.accounts[index]), "\(id) at entry \(index + 1)")
      #expect(result.accounts[index].labelIssuer == nil)
      #expect(result.accounts[index].origin == Origin(file: input.name, place: .entry(index + 1)))
    }
  }

  @Test func stratumLinkGivesTheListedCodes() throws {
    let accounts = try format.read(try Vectors.input("stratum/data/googleauthenticator.txt"), context: ReadContext()).accounts
    // The S-set table's codes at T=1234567890 and T=1700000000 (S1 is 30 s here, so not compared).
    let rows = try Vectors.tableRows("stratum/EXPECTED.md").filter { $0.count == 10 && ["S3", "S4", "S5", "S7"].contains($0[0]) }
    let positions = ["S5": 0, "S4": 1, "S7": 2, "S3": 4]
    for row in rows {
      let account = accounts[positions[row[0]]!]
      #expect(try CodeGenerator.code(for: account, at: 1_234_567_890) == row[8], "\(row[0])")
      #expect(try CodeGenerator.code(for: account, at: 1_700_000_000) == row[9], "\(row[0])")
    }
    #expect(try CodeGenerator.code(for: accounts[3], counter: 10) == "651512")
    #expect(try CodeGenerator.code(for: accounts[3], counter: 11) == "001896")
  }

  @Test func stratumPayloadHasItsNegativeBatchID() throws {
    let text = try Vectors.text("stratum/data/googleauthenticator.txt").trimmingWhitespace()
    let payload = try MigrationPayload(serializedBytes: try MigrationLink.payloadBytes(of: text))
    #expect(payload.version == 1)
    #expect(payload.batchSize == 1)
    #expect(payload.hasBatchIndex && payload.batchIndex == 0)
    #expect(payload.batchID == -2_115_474_809)
  }

  /// bitwarden-authenticator-ios/EXPECTED.md: version 2, no batch id, a raw `/` and `%3D` padding.
  @Test func bitwardenLinkGivesNameAndName2() throws {
    let input = try Vectors.input("bitwarden-authenticator-ios/google_migration_from_GoogleImporterTests.txt")
    let result = try format.read(input, context: ReadContext())
    #expect(result.findings.isEmpty)
    try #require(result.accounts.count == 2)
    let expected = [("Name", "JBSWY3DPEHPK3PXP"), ("Name2", "ABCI23HDJWHD73YEVDJA")]
    for (account, (name, secret)) in zip(result.accounts, expected) {
      #expect(account.kind == .totp)
      #expect(account.issuer == "")
      #expect(account.name == name)
      #expect(account.secret.revealBase32() == secret)
      #expect(account.algorithm == .sha1 && account.digits == 6 && account.period == 30)
    }
  }
}

extension MigrationLink {
  /// `payloadBytes(of:)` for a link the tests hold as text.
  static func payloadBytes(of link: String) throws(EntryProblem) -> [UInt8] {
    let result = Array(link.utf8).withUnsafeBufferPointer { bytes in
      Result { () throws(EntryProblem) in try payloadBytes(of: bytes) }
    }
    return try result.get()
  }
}
