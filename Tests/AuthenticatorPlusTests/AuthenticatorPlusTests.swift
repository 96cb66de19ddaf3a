import AuthenticatorPlus
import Foundation
import OTPContainers
import OTPCore
import TestSupport
import Testing

@Suite struct AuthenticatorPlusTests {
  let format = AuthenticatorPlusFormat()

  /// aegis/EXPECTED.md: the export (ZipCrypto, password `testtesttest`) holds Accounts.txt, an
  /// otpauth list of V1–V7, read through the otpauth reader.
  @Test func exportZipGivesV1ToV7() throws {
    let input = try Vectors.input("aegis/importers/authenticator_plus.zip")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: Self.context(password: "testtesttest"))
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(result.findings)")
    #expect(result.accounts.count == 7)
    for (account, id) in zip(result.accounts, ["V1", "V2", "V3", "V4", "V5", "V6", "V7"]) {
      #expect(try #require(expected[id]).matches(account), "\(id): \(account)")
    }
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: Self.context(password: "test"))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) {
      try format.read(input, context: Self.context(password: nil))
    }
  }

  /// stratum/EXPECTED.md: the SQLCipher 3 backup (password `testtesttest`) holds S1–S7 and a
  /// Battle.net row. The database keeps no algorithm, digits or period, so S1, S2, S4 and S5 read
  /// with the defaults (and a finding says so); S3 and S5 are in the category "Category".
  @Test func sqlcipherBackupGivesItsEightRows() throws {
    let input = try Vectors.input("stratum/data/authplus.db")
    #expect(format.sniff(input) == .likely)
    let result = try format.read(input, context: Self.context(password: "testtesttest"))
    #expect(result.findings.map(\.code) == ["AUTHPLUS_DEFAULT_SETTINGS"])
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.accounts.count == 8)
    for (account, id) in zip(result.accounts, ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]) {
      let vector = try #require(expected[id])
      #expect(account.secret.revealBase32() == vector.secretBase32 && account.name == vector.name, "\(id)")
      #expect(account.issuer == (id == "S3" ? "" : vector.issuer) && account.kind == vector.kind, "\(id)")
      #expect(account.algorithm == .sha1 && account.digits == 6, "\(id)")
    }
    #expect(result.accounts[5].counter == 10)
    #expect(result.accounts.map(\.groups) == [[], [], ["Category"], [], ["Category"], [], [], []])
    let battleNet = result.accounts[7]
    #expect(battleNet.issuer == "Battle.net" && battleNet.name == "Username" && battleNet.digits == 8)
    #expect(battleNet.secret.revealBase32() == "S537QLHWSVWNIAOX7XYPIUV3RP2FYVNS")
  }

  @Test func aWrongPasswordAndADamagedBackupAreToldApart() throws {
    let input = try Vectors.input("stratum/data/authplus.db")
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: Self.context(password: "test"))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) {
      try format.read(input, context: Self.context(password: nil))
    }
    // A whole page cut off the end, with the right password: damage SQLCipher finds further in.
    let shorter = InputFile(name: input.name, bytes: Array(input.bytes.dropLast(1024)))
    #expect {
      try format.read(shorter, context: Self.context(password: "testtesttest"))
    } throws: { error in
      guard case OTPError.corrupted(_, _, let reason) = error else { return false }
      return reason.contains("malformed")
    }
    // A plain SQLite database is not the encrypted backup.
    #expect {
      try format.read(try Vectors.input("aegis/importers/google_authenticator.sqlite"), context: Self.context(password: "x"))
    } throws: { error in
      guard case OTPError.corrupted(_, _, let reason) = error else { return false }
      return reason.contains("plain SQLite")
    }
    // Cut short of a whole page: damage, not a wrong password.
    let cut = InputFile(name: input.name, bytes: Array(input.bytes.prefix(input.bytes.count - 100)))
    #expect {
      try format.read(cut, context: Self.context(password: "testtesttest"))
    } throws: { error in
      guard case OTPError.corrupted = error else { return false }
      return true
    }
  }

  /// The linked SQLite and SQLCipher live side by side: a plain SQLite database still reads
  /// through the linked one after SQLCipher was loaded.
  @Test func sqlcipherLoadsBesideTheLinkedSQLite() throws {
    #expect(PhoneDatabase.sqlcipherIsInstalled, "Debian's libsqlcipher0 is missing: run make bootstrap")
    _ = try format.read(try Vectors.input("stratum/data/authplus.db"), context: Self.context(password: "testtesttest"))
    let plain = try Vectors.input("aegis/importers/google_authenticator.sqlite")
    let count = try PhoneDatabase.reading(plain, name: "databases", maximumSize: 1 << 24) { database in
      var rows = 0
      try database.query("SELECT count(*) FROM accounts") { row in rows = Int(row.integer(0)) }
      return rows
    }
    #expect(count > 0)
  }

  static func context(password: String?) -> ReadContext {
    ReadContext(
      password: .fixed(password),
      nestedReader: { input, _ in
        // The export's Accounts.txt is an otpauth list: read it as the registry would.
        var result = ReadResult(accounts: [])
        for (index, line) in String(decoding: input.bytes, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated() {
          let origin = Origin(file: input.name, place: .line(index + 1))
          result.readEntry(at: origin, noun: "line", label: nil) { _ throws(EntryProblem) in
            try OtpauthURI.parse(line, origin: origin).account
          }
        }
        return result
      })
  }
}
