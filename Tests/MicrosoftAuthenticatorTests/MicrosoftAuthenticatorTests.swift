import CSQLite
import Foundation
import MicrosoftAuthenticator
import OTPCore
import TestSupport
import Testing

@Suite struct MicrosoftAuthenticatorTests {
  let format = MicrosoftAuthenticatorFormat()

  @Test func aegisFixtureGivesSevenSHA1SixDigitTOTPs() throws {
    // aegis/EXPECTED.md: 7 entries, all TOTP SHA1 6 30 (even the HOTP and Steam secrets);
    // issuer = column name, name = column username.
    let input = try Vectors.input("aegis/importers/microsoft_authenticator.sqlite")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    for (index, id) in ["V1", "V2", "V3", "V4", "V5", "V6", "V7"].enumerated() {
      let vector = try #require(expected[id])
      let account = result.accounts[index]
      #expect(account.kind == .totp && account.algorithm == .sha1 && account.digits == 6 && account.period == 30)
      #expect(account.issuer == vector.issuer && account.name == vector.name)
      #expect(account.secret.revealBase32() == vector.secretBase32)
      #expect(Classifier.classify(account).isMicrosoft == false)
    }
  }

  /// A PhoneFactor database with one row of each kind, in WAL mode with the rows still in the -wal.
  static func makeDatabase(in folder: String) throws -> (path: String, connection: OpaquePointer?) {
    let path = folder + "/PhoneFactor"
    var database: OpaquePointer?
    #expect(sqlite3_open(path, &database) == SQLITE_OK)
    let statements = [
      "PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0",
      "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, name TEXT NOT NULL, username TEXT NOT NULL, paws_url TEXT NOT NULL, oath_secret_key TEXT NOT NULL, account_type INTEGER NOT NULL, encrypted_oath_secret_key TEXT NOT NULL)",
      "INSERT INTO accounts VALUES (1, 'GitHub', 'octo', '', 'jbsw y3dp ehpk 3pxp', 0, '')",
      "INSERT INTO accounts VALUES (2, 'Microsoft', 'bob@outlook.com', '', 'AAECAwQFBgcICQoLDA0ODxAREhM=', 1, '')",
      "INSERT INTO accounts VALUES (3, 'Contoso', 'alice@contoso.com', 'https://mobileappcommunicator.auth.microsoft.com/mac/MobileAppCommunicator.svc/1', 'abcdefghijklmnop', 2, '')",
      "INSERT INTO accounts VALUES (4, 'Fabrikam', 'carol', '', '', 0, 'AQIDBA==')",
      "INSERT INTO accounts VALUES (5, 'Passwordless', 'dan', '', '', 2, '')",
      "INSERT INTO accounts VALUES (6, 'Odd', 'eve', '', 'JBSWY3DP', 7, '')",
    ]
    for sql in statements { #expect(sqlite3_exec(database, sql, nil, nil, nil) == SQLITE_OK, "\(sql)") }
    return (path, database)
  }

  @Test func everyRowGetsAVerdictAndTheWalIsRead() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("msauth-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let (path, connection) = try Self.makeDatabase(in: folder)
    defer { sqlite3_close(connection) }
    #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    let input = InputFile(name: path, bytes: Array(FileManager.default.contents(atPath: path)!))

    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["GitHub", "Microsoft"])
    #expect(result.accounts[0].secret.revealBase32() == "JBSWY3DPEHPK3PXP")
    #expect(result.accounts[1].digits == 8)
    #expect(result.accounts[1].secret.bytes == Array(0..<20))
    #expect(
      result.findings.map(\.code) == [
        "MS_PERSONAL_DEVICE_CREDENTIAL", "MS_WORK_REGISTRATION", "MS_ENCRYPTED_SECRET", "MS_NO_SECRET", "MS_UNRECOGNISED_ENTRY",
      ])
    #expect(result.findings.map(\.entrySkipped) == [false, true, true, true, true])
    #expect(result.findings[1].message.hasPrefix("Contoso (alice@contoso.com): "))
    #expect(result.findings[1].remedy?.contains("I want to use a different authenticator app") == true)
    #expect(!result.findings.map(\.description).joined().lowercased().contains("abcdefghijklmnop"))

    // Without its -wal beside it the copy has not even the table, and the error says where it is.
    do {
      _ = try format.read(InputFile(name: "elsewhere/PhoneFactor", bytes: input.bytes), context: ReadContext())
      Issue.record("a WAL database without its -wal should not read")
    } catch let error as OTPError {
      #expect(error.description.contains("PhoneFactor-wal"))
      #expect(error.exitCode == 3)
    }
  }

  @Test func otherSQLiteFilesAreNotTakenForIt() throws {
    let google = try Vectors.input("aegis/importers/google_authenticator.sqlite")
    #expect(format.sniff(google) == .no)
    #expect(throws: OTPError.self) { try format.read(google, context: ReadContext()) }
  }
}
