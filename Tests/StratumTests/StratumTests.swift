import Foundation
import OTPCore
import TestSupport
import Testing

@testable import Stratum

@Suite struct StratumTests {
  let format = StratumFormat()

  func read(_ path: String, password: String? = nil) throws -> ReadResult {
    try readVector(path, with: format, password: password)
  }

  /// aegis/EXPECTED.md: V1–V7 exactly, plain, strong and legacy (password `test`).
  @Test(
    arguments: [
      ("aegis/importers/stratum_plain.json", nil), ("aegis/importers/stratum_encrypted.bin", "test"),
      ("aegis/importers/stratum_encrypted_legacy.bin", "test"),
    ] as [(String, String?)])
  func aegisFixturesGiveV1ToV7(path: String, password: String?) throws {
    let result = try read(path, password: password)
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(path): \(result.findings)")
    #expect(result.accounts.count == 7)
    for (index, id) in ["V1", "V2", "V3", "V4", "V5", "V6", "V7"].enumerated() {
      let vector = try #require(expected[id])
      #expect(vector.matches(result.accounts[index]), "\(path) \(id): \(result.accounts[index])")
    }
  }

  /// stratum/EXPECTED.md: the strong and legacy backups (password `test`) hold S1–S7.
  @Test(arguments: ["stratum/data/backup.strong.authpro", "stratum/data/backup.legacy.authpro"])
  func stratumBackupsGiveS1ToS7(path: String) throws {
    let result = try read(path, password: "test")
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    let secrets = Set(result.accounts.map { $0.secret.revealBase32() })
    #expect(secrets == Set(["S1", "S2", "S3", "S4", "S5", "S6", "S7"].compactMap { expected[$0]?.secretBase32 }))
    #expect(throws: OTPError.self) { try read(path, password: "testing1") }
  }

  /// A category binding repeated 100,000 times is one group (and the file reads in linear time).
  @Test func aRepeatedBindingIsOneGroup() throws {
    let binding = #"{"CategoryId": "c", "AuthenticatorSecret": "JBSWY3DPEHPK3PXP"}"#
    let text =
      #"{"Authenticators": [{"Type": 2, "Issuer": "I", "Username": "u", "Secret": "JBSWY3DPEHPK3PXP"}], "#
      + #""Categories": [{"Id": "c", "Name": "Work"}], "AuthenticatorCategories": ["#
      + Array(repeating: binding, count: 100_000).joined(separator: ",") + "]}"
    let result = try format.read(InputFile(name: "b.authpro", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.accounts.map(\.groups) == [["Work"]])
  }

  @Test func aWrongPasswordIsAWrongPassword() throws {
    for path in ["aegis/importers/stratum_encrypted.bin", "aegis/importers/stratum_encrypted_legacy.bin"] {
      #expect {
        try read(path, password: "not it")
      } throws: { error in
        guard case OTPError.wrongPassword = error else { return false }
        return true
      }
    }
  }

  /// The demo backup: 15 authenticators with made-up secrets, some not base32 or hex, named in
  /// findings; its 4 categories become groups; the legacy-encrypted copy (password "demo") reads
  /// the same.
  @Test func demoBackupReadsWhatItCanAndNamesTheRest() throws {
    let plain = try read("stratum/extra/backup_test/demo.authpro")
    let encrypted = try read("stratum/extra/backup_test/demo.encrypted.authpro", password: "demo")
    #expect(plain.accounts.count + plain.findings.filter(\.entrySkipped).count == 15)
    #expect(plain.accounts.map(\.secret) == encrypted.accounts.map(\.secret))
    #expect(plain.accounts.contains { !$0.groups.isEmpty })
    #expect(plain.findings.filter(\.entrySkipped).allSatisfy { $0.code == "STRATUM_BAD_SECRET" })
  }
}

extension StratumTests {
  /// aegis/EXPECTED.md: the app's own database gives V1–V7.
  @Test func theAppsDatabaseGivesV1ToV7() throws {
    let result = try read("aegis/importers/stratum_internal.db")
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(result.findings)")
    #expect(result.accounts.count == 7)
    for (account, id) in zip(result.accounts, ["V1", "V2", "V3", "V4", "V5", "V6", "V7"]) {
      #expect(try #require(expected[id]).matches(account), "\(id): \(account)")
    }
  }

  /// A database value of the wrong type is refused by name, not turned into another: a secret
  /// with a NUL inside, digits stored as text.
  @Test func theDatabasesOddValuesAreNamed() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let script = """
      import sqlite3, sys
      db = sqlite3.connect(sys.argv[1])
      db.execute('CREATE TABLE "authenticator" ("type" integer, "icon" varchar, "issuer" varchar(32), "username" varchar(40), '
                 '"secret" varchar primary key not null, "pin" varchar, "algorithm" integer, "digits" integer, '
                 '"period" integer, "counter" integer, "ranking" integer)')
      rows = [(2, 'Good', 'u', 'JBSWY3DPEHPK3PXP', 6, 0), (2, 'Nul', 'u', 'JBSWY3DP\\x00EHPK3PXP', 6, 1),
              (2, 'Text', 'u', 'GEZDGNBVGY3TQOJQ', '6abc', 2)]
      for kind, issuer, user, secret, digits, rank in rows:
          db.execute('INSERT INTO authenticator VALUES (?, NULL, ?, ?, ?, NULL, 0, ?, 30, 0, ?)',
                     (kind, issuer, user, secret, digits, rank))
      db.commit()
      """
    let path = folder + "/authenticator.db3"
    let made = try Subprocess.run("/usr/bin/python3", ["-c", script, path])
    #expect(made.status == 0, "\(String(decoding: made.stderr, as: UTF8.self))")
    let input = InputFile(name: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["Good"])
    #expect(result.findings.map(\.code) == ["STRATUM_BAD_SECRET", "STRATUM_BAD_DIGITS"])
  }

  /// stratum/EXPECTED.md: the HTML export's rows give S1–S7 (S3 with the issuer "NoIssuer"), then
  /// the mOTP and Yandex links, which Stratum itself fails on for want of a PIN.
  @Test func theHTMLExportGivesS1ToS7() throws {
    let result = try read("stratum/data/backup.html")
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    for (account, id) in zip(result.accounts, ["S1", "S2", "S4", "S5", "S6", "S7", "S3"]) {
      var vector = try #require(expected[id])
      if id == "S3" { vector.issuer = "NoIssuer" }
      #expect(vector.matches(account), "\(id): \(account)")
    }
    #expect(result.accounts.count + result.findings.filter(\.entrySkipped).count == 9)
    #expect(result.accounts.filter { $0.kind == .motp || $0.kind == .yandex }.allSatisfy { $0.pin == nil })
  }

  /// Stratum does not escape the name cells: a "<code>" in a username does not swallow the URI.
  @Test func aCodeTagInANameDoesNotHideTheURI() throws {
    let page = #"""
      <html><head><title>Stratum Backup</title></head><body><table>
      <tr><td>Evil</td><td>a<code>b</td><td><code>otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&amp;issuer=A</code></td></tr>
      </table></body></html>
      """#
    let result = try format.read(InputFile(name: "b.html", bytes: Array(page.utf8)), context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["A"] && result.findings.isEmpty)
  }

  /// Stratum's mOTP with its default period of 30 s makes codes no other app does: said.
  @Test func anMOTPPeriodOtherThanTenIsNamed() throws {
    let text =
      #"{"Authenticators": [{"Type": 3, "Issuer": "M", "Username": "u", "Secret": "0123456789abcdef", "Pin": "1234", "#
      + #""Digits": 6, "Period": 30}]}"#
    let result = try format.read(InputFile(name: "m.authpro", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.accounts.count == 1 && result.findings.map(\.code) == ["STRATUM_OWN_STEP"])
  }

  @Test func htmlEntitiesAreDecoded() {
    #expect(StratumHTML.unescaped("a&amp;b&lt;&#65;&#x42;&bogus;&") == "a&b<AB&bogus;&")
  }
}

/// What otpbridge writes for Stratum.
@Suite struct StratumWriterTests {
  let format = StratumFormat()

  /// Stratum's category ids are the first 8 hex characters of SHA-1 of the name: the test
  /// backup's own four categories have exactly these ids.
  @Test func categoryIdsAreStratumsOwn() throws {
    let names = ["Cryptocurrency": "3f9b3fd3", "Banking": "fff5a7e2", "Social Media": "3d84a8bd", "Work": "00040bab"]
    for (name, id) in names { #expect(StratumWriter.categoryID(name) == id, "\(name)") }
  }

  /// Two group names Stratum would give one id (the same first 32 characters) get two.
  @Test func categoriesThatWouldShareAnIdGetTwo() throws {
    let origin = Origin(file: "s", place: .whole)
    let base = String(repeating: "g", count: 32)
    let accounts = [base + "-one", base + "-two"].enumerated().map { index, group in
      Account(
        kind: .totp, issuer: "I\(index)", name: "n", secret: Secret([UInt8(index), 1, 2, 3, 4]), groups: [group], origin: origin)
    }
    let written = try format.write(accounts, context: WriteContext())
    let back = try readBack(written.bytes, with: format, name: "g.authpro")
    #expect(back.accounts.map(\.groups) == [[base + "-one"], [base + "-two"]])
  }

  /// 20,000 groups sharing their first 32 characters: one id each, in linear time.
  @Test func manyCollidingGroupsGetAnIdEach() throws {
    let base = String(repeating: "g", count: 32)
    let accounts = (0..<20_000).map { index in
      Account(
        kind: .totp, issuer: "I", name: "n", secret: Secret(withUnsafeBytes(of: UInt32(index)) { Array($0) } + [9, 9]),
        groups: [base + String(index)], origin: Origin(file: "s", place: .whole))
    }
    var findings: [Finding] = []
    let json = try StratumWriter.document(accounts, findings: &findings)
    let ids = try #require(
      (try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])?["Categories"] as? [[String: Any]])
    #expect(Set(ids.compactMap { $0["Id"] as? String }).count == 20_000)
  }

  /// Steam, mOTP and Yandex make codes from their own step: another period is changed, and said.
  @Test func aSteamPeriodIsStratums() {
    let steam = Account(
      kind: .steam, issuer: "Steam", name: "s", secret: Secret(Array(repeating: 1, count: 20)), period: 60,
      origin: Origin(file: "s", place: .whole))
    let outcome = LossReport(accounts: [steam], target: format.descriptor).outcomes[0]
    #expect(outcome.converted?.period == 30 && outcome.changes.contains { $0.breaksCodes })
  }

  /// Stratum's S set, written plain and strong, reads back to the same accounts, groups included.
  @Test(arguments: [nil, "pass ∑"] as [String?])
  func theSSetComesBack(password: String?) throws {
    let source = try readVector("stratum/data/backup.strong.authpro", with: format, password: "test").accounts.map {
      var account = $0
      account.groups = account.issuer == "Sha" ? ["Hashes"] : []
      return account
    }
    let report = LossReport(accounts: source, target: format.descriptor)
    let written = try format.write(
      report.convertedAccounts, context: WriteContext(newPassword: .fixed(password), outputName: "out.authpro"))
    let back = try readBack(written.bytes, with: format, name: "out.authpro", password: password)
    #expect(back.findings.isEmpty && written.findings.isEmpty)
    expectSameAccounts(report.convertedAccounts, back.accounts)
    #expect(back.accounts.filter { $0.groups == ["Hashes"] }.count == 2)
    if password != nil { #expect(written.bytes.starts(with: Array("AUTHENTICATORPRO".utf8))) }
  }

  /// Stratum stops a whole restore at an empty issuer: the loss report gives the name instead.
  /// It needs a Yandex account's PIN to make codes: one without gets an empty PIN and a warning.
  @Test func whatStratumWouldRefuseIsNeverWritten() throws {
    let origin = Origin(file: "s", place: .whole)
    let noIssuer = Account(kind: .totp, name: "alice", secret: Secret(Array("12345678901234567890".utf8)), origin: origin)
    let report = LossReport(accounts: [noIssuer], target: format.descriptor)
    #expect(report.convertedAccounts.first?.issuer == "alice")
    #expect(report.outcomes.first?.changes.first?.reason.contains("needs an issuer") == true)
    let yandex = Account(
      kind: .yandex, issuer: "Yandex", name: "y", secret: Secret(Array(repeating: 7, count: 16)), origin: origin)
    let written = try format.write([yandex], context: WriteContext())
    #expect(written.findings.map(\.code) == ["STRATUM_NO_PIN"])
    #expect(String(decoding: written.bytes, as: UTF8.self).contains(#""Pin" : """#))
    #expect(try readBack(written.bytes, with: format, name: "y.authpro").accounts.first?.pin == nil)
    // A Yandex secret shorter than Stratum takes is dropped with the reason, not a failed run.
    let short = Account(kind: .yandex, issuer: "Y", name: "y", secret: Secret([1, 2, 3]), pin: Secret([1]), origin: origin)
    let dropped = LossReport(accounts: [short], target: format.descriptor).outcomes[0]
    #expect(dropped.converted == nil && dropped.dropReason?.contains("shorter than 16 bytes") == true)
    // A 9-digit HOTP account is more than Stratum's HOTP holds (6–8).
    let hotp = Account(kind: .hotp, issuer: "I", name: "h", secret: noIssuer.secret, digits: 9, counter: 3, origin: origin)
    #expect(LossReport(accounts: [hotp], target: format.descriptor).convertedAccounts.first?.digits == 6)
  }
}
