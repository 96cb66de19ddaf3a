import CSQLite
import Foundation
import GoogleAuthenticatorDB
import OTPCore
import TestSupport
import Testing

@Suite struct GoogleAuthenticatorDBTests {
  let format = GoogleAuthenticatorDBFormat()

  /// aegis/EXPECTED.md: V1–V6, all SHA1, 6 digits, 30 s (the table has no columns for more); HOTP
  /// counters kept; name = the part of `email` after ':', issuer = the `issuer` column.
  @Test func aegisFixtureGivesV1ToV6AsGoogleAuthenticatorHasThem() throws {
    let input = try Vectors.input("aegis/importers/google_authenticator.sqlite")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 6)
    for (index, id) in ["V1", "V2", "V3", "V4", "V5", "V6"].enumerated() {
      let vector = try #require(expected[id])
      let account = result.accounts[index]
      #expect(account.kind == vector.kind, "\(id)")
      #expect(account.algorithm == .sha1 && account.digits == 6 && account.period == 30, "\(id)")
      #expect(account.issuer == vector.issuer && account.name == vector.name && account.labelIssuer == nil, "\(id)")
      #expect(account.secret.revealBase32() == vector.secretBase32, "\(id)")
      if vector.kind == .hotp { #expect(account.counter == UInt64(vector.periodOrCounter), "\(id)") }
    }
  }

  /// Rows of every kind, in WAL mode with the rows still in the -wal beside the file: a label
  /// whose prefix differs from the issuer, a label without one, an unknown type, a bad secret.
  @Test func everyRowIsReadOrNamedAndTheWalIsRead() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gadb-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/databases"
    var database: OpaquePointer?
    #expect(sqlite3_open(path, &database) == SQLITE_OK)
    defer { sqlite3_close(database) }
    let statements = [
      "PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0",
      "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL, counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL, original_name TEXT DEFAULT NULL)",
      "INSERT INTO accounts VALUES (1, 'Contoso:alice@contoso.com', 'jbsw y3dp ehpk 3pxp', 0, 0, 0, 'Microsoft', 'Contoso:alice@contoso.com')",
      "INSERT INTO accounts VALUES (2, 'bob', 'JBSWY3DPEHPK3PXP', 7, 1, 0, 'Example', 'bob')",
      "INSERT INTO accounts VALUES (3, 'odd', 'JBSWY3DPEHPK3PXP', 0, 5, 0, NULL, 'odd')",
      "INSERT INTO accounts VALUES (4, 'Bad:secret', 'not base32!', 0, 0, 0, 'Bad', 'Bad:secret')",
    ]
    for sql in statements { #expect(sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK, "\(sql)") }
    // The main file alone, before a checkpoint, has no table yet: SQLite keeps it in the -wal.
    let input = InputFile(name: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    #expect(format.sniff(input) != .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.count == 2)
    #expect(result.accounts[0].issuer == "Microsoft" && result.accounts[0].labelIssuer == "Contoso")
    #expect(result.accounts[0].name == "alice@contoso.com" && result.accounts[0].kind == .totp)
    #expect(result.accounts[1].kind == .hotp && result.accounts[1].counter == 7 && result.accounts[1].name == "bob")
    #expect(result.findings.map(\.code) == ["GADB_UNKNOWN_TYPE", "GADB_BAD_SECRET"])
    #expect(result.findings.allSatisfy { $0.entrySkipped && !$0.message.contains("not base32!") })
  }

  /// A database built with `statements`, as its bytes.
  static func database(_ statements: [String]) throws -> InputFile {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gadb-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var database: OpaquePointer?
    #expect(sqlite3_open(folder + "/databases", &database) == SQLITE_OK)
    for sql in statements { #expect(sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK, "\(sql)") }
    sqlite3_close(database)
    return InputFile(name: "databases", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/databases"))))
  }

  static let table =
    "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL, counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL, original_name TEXT DEFAULT NULL, isencrypted INTEGER DEFAULT 0)"

  /// Newer versions encrypt a secret with the phone's keystore: such a row is named, never read
  /// as a base32 secret, even when its text would decode.
  @Test func aKeystoreEncryptedSecretIsNamedNotRead() throws {
    let input = try Self.database([
      Self.table,
      "INSERT INTO accounts VALUES (1, 'A:a', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 0, 0, 0, 'A', 'A:a', 1)",
      "INSERT INTO accounts VALUES (2, 'B:b', 'JBSWY3DPEHPK3PXP', 0, 0, 0, 'B', 'B:b', 0)",
    ])
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["B"])
    #expect(result.findings.map(\.code) == ["GADB_ENCRYPTED_SECRET"] && result.findings[0].remedy?.contains("Transfer") == true)
  }

  /// `accounts` as a view whose rows never end (a recursive query): refused as not a table,
  /// instead of SQLite computing and spilling rows until the disk is full.
  @Test func aViewPosingAsTheTableIsRefused() throws {
    let input = try Self.database([
      "CREATE TABLE decoy (x TEXT DEFAULT 'accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL provider INTEGER')",
      "CREATE VIEW accounts AS WITH RECURSIVE n(_id) AS (SELECT 1 UNION ALL SELECT _id + 1 FROM n) SELECT _id, 'e' AS email, 'JBSWY3DPEHPK3PXP' AS secret, 0 AS counter, 0 AS type, 'i' AS issuer FROM n",
    ])
    #expect(throws: OTPError.self) { try format.read(input, context: ReadContext()) }
  }

  @Test func aMicrosoftDatabaseIsNotGoogles() throws {
    let input = try Vectors.input("aegis/importers/microsoft_authenticator.sqlite")
    #expect(format.sniff(input) == .no)
    #expect(throws: OTPError.self) { try format.read(input, context: ReadContext()) }
  }
}
