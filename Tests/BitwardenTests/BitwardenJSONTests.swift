import Foundation
import OTPCore
import TestSupport
import Testing

@testable import Bitwarden

/// Bitwarden JSON exports, plain and password-protected (formats.md §4.2–§4.4).
@Suite struct BitwardenJSONTests {
  let format = BitwardenJSONFormat()
  static let stratumPassword = "rud9^5S6$^Ewmr%d"

  func read(_ file: String, password: String? = nil) throws -> ReadResult {
    try format.read(try Vectors.input(file), context: ReadContext(password: PasswordProvider { _ in password }))
  }

  func base32(_ text: String) throws -> String {
    Secret(try Base32.decode(text)).revealBase32()
  }

  /// Stratum's file: S1–S5 and S7 as URIs, a bare secret and a steam:// item, 3 items without OTP.
  func checkStratum(_ result: ReadResult) throws {
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    let accounts = result.accounts
    #expect(accounts.count == 8)
    for id in ["S1", "S2", "S4", "S5", "S7"] {
      #expect(accounts.contains { expected[id]!.matches($0) }, "\(id)")
    }
    var s3 = expected["S3"]!
    s3.issuer = "NoIssuer"
    #expect(accounts.contains { s3.matches($0) })
    let bare = try #require(accounts.first { $0.issuer == "Secret" })
    #expect(bare.name == "Only" && bare.kind == .totp && bare.secret.revealBase32() == expected["S6"]!.secretBase32)
    #expect(bare.digits == 6 && bare.period == 30 && bare.algorithm == .sha1)
    let steam = try #require(accounts.first { $0.kind == .steam })
    #expect(steam.issuer == "Steam" && steam.name == "john@example.com" && steam.digits == 5)
    #expect(steam.secret.revealBase32() == "GJD4ZX3RQMLCAXKCT7GGQ4U27VN4FPK6")
    #expect(accounts.filter { $0.groups == ["My Folder"] }.map(\.issuer).sorted() == ["Long", "Many", "NoIssuer"])
    #expect(accounts.first { $0.issuer == "Long" }?.favorite == true)
    #expect(accounts.first { $0.issuer == "Standard" }?.note == "This is a note")
    #expect(accounts.allSatisfy { $0.extraParameters.first?.name == "url" })
    #expect(result.findings.filter { $0.code == "PASSWORDS_NOT_READ" }.count == 1)
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("3 item") })
    #expect(!result.findings.contains { $0.entrySkipped })
  }

  @Test func stratumUnencrypted() throws {
    try checkStratum(try read("stratum/data/bitwarden.unencrypted.json"))
  }

  @Test func stratumPBKDF2() throws {
    try checkStratum(try read("stratum/data/bitwarden.encrypted.pbkdf2.json", password: Self.stratumPassword))
  }

  @Test func stratumArgon2id() throws {
    try checkStratum(try read("stratum/data/bitwarden.encrypted.argon2id.json", password: Self.stratumPassword))
  }

  @Test(arguments: ["stratum/data/bitwarden.encrypted.pbkdf2.json", "stratum/data/bitwarden.encrypted.argon2id.json"])
  func wrongOrMissingPassword(file: String) throws {
    #expect(throws: OTPError.wrongPassword(file: file)) { try read(file, password: "wrong password") }
    #expect(throws: OTPError.wrongPassword(file: file)) { try read(file, password: "") }
    #expect(throws: OTPError.passwordRequired(file: file)) { try read(file) }
  }

  @Test func accountRestrictedExportIsRefusedWithTheWayOut() throws {
    let file = "stratum/data/bitwarden.encrypted.accountrestricted.json"
    do {
      _ = try read(file, password: "password")
      Issue.record("read an account-restricted export")
    } catch let error as OTPError {
      guard case .cannotOpen(_, let reason) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(reason.contains("account-restricted") && reason.contains("Password protected"))
    }
  }

  @Test func stratumBitwardenAuthenticator() throws {
    let result = try read("stratum/data/bitwardenauthenticator.json")
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    var s3 = expected["S3"]!
    s3.issuer = "NoIssuer"
    let wanted = [expected["S7"]!, s3, expected["S4"]!, expected["S5"]!, expected["S2"]!, expected["S1"]!]
    #expect(result.accounts.count == wanted.count)
    for (account, vector) in zip(result.accounts, wanted) {
      #expect(vector.matches(account), "\(vector.id)")
    }
  }

  @Test func aegisFixture() throws {
    let result = try read("aegis/importers/bitwarden.json")
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.accounts.count == 4)
    for (account, id) in zip(result.accounts, ["V1", "V2", "V3"]) {
      #expect(expected[id]!.matches(account), "\(id)")
    }
    let steam = result.accounts[3]
    #expect(steam.kind == .steam && steam.secret.revealBase32() == expected["V7"]!.secretBase32)
    #expect(steam.issuer == "Test Steam" && steam.digits == 5 && steam.period == 30)
  }

  @Test func keepassxcFixtures() throws {
    let plain = try read("keepassxc/tests/data/bitwarden_export.json")
    #expect(plain.accounts.count == 1)
    let google = plain.accounts[0]
    #expect(google.issuer == "Google" && google.name == "myusername@gmail.com" && google.groups == ["My Folder"])
    #expect(google.secret.revealBase32() == (try base32("DFDFDEF")))
    #expect(google.extraParameters.map(\.value) == ["https://mail.google.com", "https://google.com", "https://gmail.com"])
    for file in [
      "keepassxc/tests/data/bitwarden_encrypted_export.json", "keepassxc/tests/data/bitwarden_encrypted_argon2id_export.json",
    ] {
      let result = try read(file, password: "a")
      #expect(result.accounts.count == 1)
      #expect(result.accounts.first?.issuer == "KeePassXC")
      #expect(result.accounts.first?.secret.revealBase32() == (try base32("fsfsfsfsefefef")))
      #expect(result.findings.contains { $0.code == "BASE32_TRAILING_BITS" })
      #expect(throws: OTPError.wrongPassword(file: file)) { try read(file, password: "b") }
    }
  }

  @Test func bitwardenAuthenticatorIOSFixture() throws {
    let result = try read("bitwarden-authenticator-ios/Fixtures/BitwardenExport.json")
    #expect(result.accounts.count == 2)
    let first = result.accounts[0], steam = result.accounts[1]
    #expect(first.issuer == "Bitwarden" && first.name == "person@example.com" && !first.favorite)
    #expect(first.secret.revealBase32() == (try base32("EXAMPLE")))
    #expect(steam.kind == .steam && steam.issuer == "Steam" && steam.name == "person@example.com" && steam.favorite)
  }

  @Test func damageIsNotAWrongPassword() throws {
    let file = "keepassxc/tests/data/bitwarden_encrypted_export.json"
    let original = try Vectors.text(file)
    func readText(_ text: String) throws -> ReadResult {
      try format.read(
        InputFile(name: "f.json", bytes: Array(text.utf8)), context: ReadContext(password: PasswordProvider { _ in "a" }))
    }
    // A flipped byte in the data's ciphertext fails its MAC after the password proved right.
    let json = try JSONSerialization.jsonObject(with: Data(original.utf8)) as! [String: Any]
    var parts = (json["data"] as! String).split(separator: "|").map(String.init)
    var ciphertext = Array(Data(base64Encoded: parts[1])!)
    ciphertext[5] ^= 1
    parts[1] = Data(ciphertext).base64EncodedString()
    var tampered = json
    tampered["data"] = parts.joined(separator: "|")
    let text = String(decoding: try JSONSerialization.data(withJSONObject: tampered), as: UTF8.self)
    #expect(
      throws: OTPError.corrupted(
        file: "f.json", place: "data", reason: "the data's MAC does not match, though the password is right")
    ) {
      try readText(text)
    }
    #expect(throws: OTPError.self) { try readText(String(original.prefix(200))) }
    var unknownKDF = json
    unknownKDF["kdfType"] = 7
    #expect(
      throws: OTPError.unsupportedVersion(
        file: "f.json", version: "kdfType 7", supported: "kdfType 0 (PBKDF2-SHA256) and 1 (Argon2id)")
    ) {
      try readText(String(decoding: try JSONSerialization.data(withJSONObject: unknownKDF), as: UTF8.self))
    }
  }

  func roundTrip(_ accounts: [Account], password: String?) throws -> (bytes: [UInt8], accounts: [Account]) {
    let written = try format.write(accounts, context: WriteContext(newPassword: PasswordProvider { _ in password }))
    let back = try format.read(
      InputFile(name: "o.json", bytes: written.bytes), context: ReadContext(password: PasswordProvider { _ in password }))
    #expect(back.findings.allSatisfy { $0.severity == .info })
    #expect(back.accounts.count == accounts.count)
    expectSameAccounts(accounts, back.accounts)
    return (written.bytes, back.accounts)
  }

  @Test(arguments: [1, 2, 3]) func randomAccountsRoundTripPlain(seed: UInt64) throws {
    let accounts = RandomAccounts.make(count: Int(seed) * 150, fitting: format.descriptor.capabilities, seed: seed)
    let result = try roundTrip(accounts, password: nil)
    #expect(String(decoding: result.bytes, as: UTF8.self).contains("\"encrypted\" : false"))
  }

  /// Steam is always `steam://SECRET`, the one Steam form Bitwarden shows Steam codes for: what
  /// it cannot hold (period, length, label prefix, icon, extra values but `url`) the loss report
  /// changes before writing, and the fitted account reads back exactly.
  @Test func steamIsWrittenAsBitwardenDoes() throws {
    let origin = Origin(file: "t", place: .whole)
    let odd = Account(
      kind: .steam, issuer: "Valve", name: "gaben", labelIssuer: "Steam", secret: Secret([1, 2, 3, 4, 5]), digits: 7,
      period: 60, note: "n", favorite: true, groups: ["Games"], icon: "data:image/png;base64,AAAA",
      extraParameters: [.init(name: "url", value: "https://store.steampowered.com"), .init(name: "x", value: "1")],
      origin: origin)
    let outcome = try #require(LossReport(accounts: [odd], target: format.descriptor).outcomes.first)
    #expect(
      outcome.changes.map(\.field) == [.digits, .period, .field(.labelIssuer), .field(.icon), .field(.extraParameters)])
    let fitted = try #require(outcome.converted)
    #expect(fitted.extraParameters.map(\.name) == ["url"] && fitted.issuer == "Valve" && fitted.groups == ["Games"])
    let written = try format.write([fitted], context: WriteContext())
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(text.contains("\"totp\" : \"steam://AEBAGBAF\"") && !text.contains("otpauth"))
    #expect(written.findings.isEmpty)
    _ = try roundTrip([fitted], password: nil)
  }

  @Test func passwordProtectedRoundTrip() throws {
    let accounts = RandomAccounts.make(count: 40, fitting: format.descriptor.capabilities, seed: 9)
    let result = try roundTrip(accounts, password: "pässword ✓")
    let json = try JSONSerialization.jsonObject(with: Data(result.bytes)) as! [String: Any]
    #expect(
      json["passwordProtected"] as? Bool == true && json["kdfType"] as? Int == 0 && json["kdfIterations"] as? Int == 600_000)
    #expect((json["data"] as? String)?.hasPrefix("2.") == true)
    #expect(!String(decoding: result.bytes, as: UTF8.self).contains(accounts[0].secret.revealBase32()))
    let input = InputFile(name: "o.json", bytes: result.bytes)
    #expect(throws: OTPError.wrongPassword(file: "o.json")) {
      try format.read(input, context: ReadContext(password: PasswordProvider { _ in "password" }))
    }
  }
}

@Suite struct BitwardenKDFStrengthTests {
  @Test func anExportBelowBitwardensDefaultsSaysSo() throws {
    // KeePassXC's fixture uses PBKDF2 with 100,000 iterations; Bitwarden now uses 600,000.
    let input = try Vectors.input("keepassxc/tests/data/bitwarden_encrypted_export.json")
    let result = try BitwardenJSONFormat().read(input, context: ReadContext(password: PasswordProvider { _ in "a" }))
    let finding = try #require(result.findings.first { $0.code == "KDF_WEAKER_THAN_DEFAULT" })
    #expect(finding.severity == .warning)
    #expect(finding.message.contains("100000"))
    let current = try Vectors.input("stratum/data/bitwarden.encrypted.pbkdf2.json")
    let strong = try BitwardenJSONFormat().read(
      current, context: ReadContext(password: PasswordProvider { _ in "rud9^5S6$^Ewmr%d" }))
    #expect(!strong.findings.contains { $0.code == "KDF_WEAKER_THAN_DEFAULT" })
  }

  /// The plain export is the text `JSONEncoder` (pretty, sorted keys, slashes as they are) writes
  /// for the same items, byte for byte.
  @Test func plainExportIsWhatJSONEncoderWrites() throws {
    let format = BitwardenJSONFormat()
    let accounts = RandomAccounts.make(count: 300, fitting: format.descriptor.capabilities, seed: 33)
    let bytes = try format.write(accounts, context: WriteContext()).bytes
    let export = try JSONDecoder().decode(BitwardenJSONFormat.ExportFile.self, from: Data(bytes))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    #expect(bytes == Array(try encoder.encode(export)))
  }
}
