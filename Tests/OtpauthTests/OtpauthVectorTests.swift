import OTPCore
import Otpauth
import TestSupport
import Testing

/// Real otpauth lists from other projects' test suites, checked against their EXPECTED.md.
@Suite struct OtpauthVectorTests {
  let format = OtpauthListFormat()

  @Test func aegisPlainTxtGivesTheSevenVectorsInOrder() throws {
    let input = try Vectors.input("aegis/importers/plain.txt")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    for (index, id) in ["V1", "V2", "V3", "V4", "V5", "V6", "V7"].enumerated() {
      let vector = try #require(expected[id])
      #expect(vector.matches(result.accounts[index]), "\(id) at line \(index + 1)")
      #expect(result.accounts[index].origin == Origin(file: input.name, place: .line(index + 1)))
      #expect(result.accounts[index].labelIssuer == nil)
    }
  }

  @Test func aegisPlainTxtCodesMatchTheSampleTable() throws {
    let result = try format.read(try Vectors.input("aegis/importers/plain.txt"), context: ReadContext())
    // aegis/EXPECTED.md "Sample codes": V1 V2 V3 at T=1234567890 and T=1700000000, V7 Steam, V4–V6 HOTP.
    let rows = try Vectors.tableRows("aegis/EXPECTED.md").filter { $0.count == 4 && $0[0].hasPrefix("V") }
    let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0].split(separator: " ")[0], $0) })
    for (index, id) in ["V1", "V2", "V3", "V7"].enumerated() {
      let account = result.accounts[index == 3 ? 6 : index]
      let row = try #require(byID[Substring(id)])
      #expect(try CodeGenerator.code(for: account, at: 1_234_567_890) == row[1], "\(id)")
      #expect(try CodeGenerator.code(for: account, at: 1_700_000_000) == row[2], "\(id)")
    }
    for (offset, id) in ["V4", "V5", "V6"].enumerated() {
      let account = result.accounts[3 + offset]
      let codes = try #require(byID[Substring(id)])[3].components(separatedBy: " / ")
      #expect(try CodeGenerator.code(for: account, counter: account.counter) == codes[0], "\(id)")
      #expect(try CodeGenerator.code(for: account, counter: account.counter + 1) == codes[1], "\(id)")
    }
  }

  @Test func enteAuthPlainExportGivesTheSevenVectors() throws {
    // Lower-case algorithm, a stray period on an hotp URI, other parameter order, codeDisplay JSON.
    let result = try format.read(try Vectors.input("aegis/importers/ente_auth.txt"), context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    for id in ["V1", "V2", "V3", "V4", "V5", "V6", "V7"] {
      let vector = try #require(expected[id])
      #expect(result.accounts.contains { vector.matches($0) }, "\(id)")
    }
    // Ente's codeDisplay is not ours to interpret here, but it is kept, not dropped.
    #expect(result.accounts.allSatisfy { $0.extraParameters.map(\.name) == ["codeDisplay"] })
  }

  @Test func stratumURIListGivesTheSevenVectors() throws {
    let result = try format.read(try Vectors.input("stratum/data/urilist.txt"), context: ReadContext())
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    for id in ["S1", "S2", "S4", "S5", "S6", "S7"] {
      let vector = try #require(expected[id])
      #expect(result.accounts.contains { vector.matches($0) }, "\(id)")
    }
    // S3 is `otpauth://totp/NoIssuer?…&issuer=NoIssuer`: no prefix, issuer from the parameter.
    let s3 = try #require(result.accounts.first { $0.name == "NoIssuer" })
    #expect(s3.issuer == "NoIssuer")
    #expect(s3.labelIssuer == nil)
  }

  @Test func stratumCodesAtTheirInstants() throws {
    let result = try format.read(try Vectors.input("stratum/data/urilist.txt"), context: ReadContext())
    let rows = try Vectors.tableRows("stratum/EXPECTED.md").filter { $0.count == 10 && $0[0].hasPrefix("S") }
    #expect(rows.count == 7)
    for row in rows where row[1] == "totp" {
      let account = try #require(result.accounts.first { $0.secret.revealBase32() == row[4] })
      #expect(try CodeGenerator.code(for: account, at: 1_234_567_890) == row[8], "\(row[0])")
      #expect(try CodeGenerator.code(for: account, at: 1_700_000_000) == row[9], "\(row[0])")
    }
  }
}
