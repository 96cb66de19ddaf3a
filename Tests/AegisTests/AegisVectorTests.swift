import Aegis
import Foundation
import OTPCore
import TestSupport
import Testing

/// Aegis's and Stratum's Aegis vaults, checked against their EXPECTED.md.
@Suite struct AegisVectorTests {
  let format = AegisFormat()

  static func password(_ text: String) -> ReadContext {
    ReadContext(password: PasswordProvider { _ in text })
  }

  func read(_ file: String, password: String? = nil) throws -> ReadResult {
    let input = try Vectors.input(file)
    #expect(format.sniff(input) == .certain, "\(file)")
    return try format.read(input, context: password.map(Self.password) ?? ReadContext())
  }

  /// V1–V7 in order, and nothing an Aegis test would not expect (aegis/EXPECTED.md).
  func expectV1ToV7(_ result: ReadResult, file: String) throws {
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(file): \(result.findings)")
    #expect(result.accounts.count == 7, "\(file)")
    for (index, id) in ["V1", "V2", "V3", "V4", "V5", "V6", "V7"].enumerated() where index < result.accounts.count {
      let account = result.accounts[index]
      #expect(try #require(expected[id]).matches(account), "\(file): \(id)")
      #expect(account.origin == Origin(file: file, place: .entry(index + 1)))
      #expect(account.note.isEmpty && !account.favorite && account.icon == nil && account.labelIssuer == nil)
    }
  }

  @Test func plainVaultGivesV1ToV7() throws {
    let file = "aegis/importers/aegis_plain.json"
    let result = try read(file)
    try expectV1ToV7(result, file: file)
    #expect(result.accounts.allSatisfy { $0.groups.isEmpty })
  }

  @Test func encryptedVaultGivesV1ToV7WithItsPassword() throws {
    let file = "aegis/importers/aegis_encrypted.json"
    try expectV1ToV7(try read(file, password: "test"), file: file)
  }

  @Test func encryptedVaultRefusesAWrongOrMissingPassword() throws {
    let input = try Vectors.input("aegis/importers/aegis_encrypted.json")
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: Self.password("test1"))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) {
      try format.read(input, context: ReadContext())
    }
  }

  @Test func codesMatchTheSampleTable() throws {
    let result = try read("aegis/importers/aegis_plain.json")
    let rows = try Vectors.tableRows("aegis/EXPECTED.md").filter { $0.count == 4 && $0[0].hasPrefix("V") }
    let byID = Dictionary(uniqueKeysWithValues: rows.map { (String($0[0].split(separator: " ")[0]), $0) })
    for (index, id) in [(0, "V1"), (1, "V2"), (2, "V3"), (6, "V7")] {
      let row = try #require(byID[id])
      #expect(try CodeGenerator.code(for: result.accounts[index], at: 1_234_567_890) == row[1], "\(id)")
      #expect(try CodeGenerator.code(for: result.accounts[index], at: 1_700_000_000) == row[2], "\(id)")
    }
    for (index, id) in [(3, "V4"), (4, "V5"), (5, "V6")] {
      let account = result.accounts[index]
      let codes = try #require(byID[id])[3].components(separatedBy: " / ")
      #expect(try CodeGenerator.code(for: account, counter: account.counter) == codes[0], "\(id)")
      #expect(try CodeGenerator.code(for: account, counter: account.counter + 1) == codes[1], "\(id)")
    }
  }

  @Test func version2GroupStringsBecomeMergedGroups() throws {
    let file = "aegis/vault/aegis_plain_grouped_v2.json"
    let result = try read(file)
    try expectV1ToV7(result, file: file)
    func check(_ accounts: [Account]) {
      #expect(Set(accounts.flatMap(\.groups)) == ["group1", "group2"])
      let group1 = accounts.filter { $0.groups == ["group1"] }.map { "\($0.issuer)/\($0.name)" }
      let group2 = accounts.filter { $0.groups == ["group2"] }.map { "\($0.issuer)/\($0.name)" }
      #expect(group1 == ["Deno/Mason", "Airbnb/Elijah"])
      #expect(group2 == ["Issuu/James"])
      #expect(accounts.filter { $0.groups.isEmpty }.count == 4)
    }
    check(result.accounts)
    // Written again (database version 3, groups by UUID), the same two groups come back.
    let written = try format.write(result.accounts, context: WriteContext())
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(!text.contains("\"group\""))
    #expect(text.components(separatedBy: "\"name\" : \"group1\"").count == 2)
    check(try format.read(InputFile(name: "again.json", bytes: written.bytes), context: ReadContext()).accounts)
  }

  /// Stratum's two Aegis vaults (database version 2): S1–S7 and four more (stratum/EXPECTED.md).
  func expectStratumEntries(_ result: ReadResult, everyEntryHasAnIcon: Bool) throws {
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(result.findings)")
    #expect(result.accounts.count == 11)
    for id in ["S1", "S2", "S4", "S5", "S6", "S7"] {
      let vector = try #require(expected[id])
      #expect(result.accounts.contains { vector.matches($0) }, "\(id)")
    }
    var s3 = try #require(expected["S3"])
    s3.issuer = "NoIssuer"
    #expect(result.accounts.contains { s3.matches($0) })

    let motp = try #require(result.accounts.first { $0.kind == .motp })
    #expect(motp.issuer == "Motp" && motp.name == "Motp")
    #expect(motp.secret.revealBase32() == "VKVKVKVKVKVKVKVKVKVKVKQ")
    #expect(motp.algorithm == .md5 && motp.digits == 6 && motp.period == 10)
    #expect(motp.pin == Secret(Array("1234".utf8)))

    let yandex = try #require(result.accounts.first { $0.kind == .yandex })
    #expect(yandex.name == "Yandex")
    #expect(yandex.secret.revealBase32() == "LA2V6KMCGYMWWVEW64RNP3JA3I")
    #expect(yandex.algorithm == .sha256 && yandex.digits == 8 && yandex.period == 30)
    #expect(yandex.pin == Secret(Array("7586".utf8)))

    let username = try #require(result.accounts.first { $0.name == "Username" })
    #expect(username.kind == .totp && username.issuer.isEmpty)
    #expect(username.secret.revealBase32() == "BBBBBBBBBBBBBBBBBBBBBBBB")
    #expect(username.groups == ["Group"])
    #expect(username.icon?.hasPrefix("data:image/png;base64,iVBORw0KGgo") == true)

    let steam = try #require(result.accounts.first { $0.kind == .steam })
    #expect(steam.issuer == "Steam" && steam.name == "Steam" && steam.digits == 5 && steam.period == 30)
    #expect(steam.secret.revealBase32() == "CCCCCCCCCCCCCCCCCCCCCCCCCCCCC")
    #expect(steam.groups == ["Group"])

    #expect(result.accounts.filter { !$0.groups.isEmpty }.count == 2)
    #expect(result.accounts.filter { $0.icon != nil }.count == (everyEntryHasAnIcon ? 11 : 1))
  }

  @Test func stratumPlainVault() throws {
    try expectStratumEntries(try read("stratum/data/aegis.unencrypted.json"), everyEntryHasAnIcon: false)
  }

  @Test func stratumEncryptedVault() throws {
    try expectStratumEntries(try read("stratum/data/aegis.encrypted.json", password: "test"), everyEntryHasAnIcon: true)
    let input = try Vectors.input("stratum/data/aegis.encrypted.json")
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: Self.password("test1"))
    }
  }

  @Test func stratumCodesAtTheirInstants() throws {
    let result = try read("stratum/data/aegis.unencrypted.json")
    let rows = try Vectors.tableRows("stratum/EXPECTED.md").filter { $0.count == 10 && $0[0].hasPrefix("S") }
    #expect(rows.count == 7)
    for row in rows where row[1] == "totp" {
      let account = try #require(result.accounts.first { $0.secret.revealBase32() == row[4] })
      #expect(try CodeGenerator.code(for: account, at: 1_234_567_890) == row[8], "\(row[0])")
      #expect(try CodeGenerator.code(for: account, at: 1_700_000_000) == row[9], "\(row[0])")
    }
  }

  @Test func iconsSurviveAWriteExactly() throws {
    let original = try read("stratum/data/aegis.encrypted.json", password: "test")
    let written = try format.write(original.accounts, context: WriteContext())
    #expect(written.findings.isEmpty)
    let back = try format.read(InputFile(name: "out.json", bytes: written.bytes), context: ReadContext())
    #expect(back.accounts.map(\.icon) == original.accounts.map(\.icon))
    // Aegis's icon hash is SHA-256 of the mime type and the image bytes (formats.md §5.4).
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(text.contains("\"icon_hash\""))
    #expect(text.contains("\"icon_mime\" : \"image/png\""))
  }

  /// The sample files in examples/aegis (made from examples/otpauth/accounts.txt; password in password.txt).
  @Test(arguments: ["vault.json", "vault-encrypted.json"])
  func examplesRead(file: String) throws {
    let folder = Vectors.packageRoot.appendingPathComponent("examples/aegis")
    let bytes = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent(file).path))
    let password = try String(contentsOf: folder.appendingPathComponent("password.txt"), encoding: .utf8).trimmingWhitespace()
    let result = try format.read(
      InputFile(name: file, bytes: Array(bytes)), context: ReadContext(password: PasswordProvider { _ in password }))
    #expect(result.accounts.count == 7)
    #expect(result.findings.isEmpty)
  }
}
