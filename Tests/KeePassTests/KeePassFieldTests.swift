import Foundation
import LoginItems
import OTPCore
import OTPCrypto
import TestSupport
import Testing

@testable import KeePass

/// The forms of one-time password a KeePass entry holds (formats.md §10.5; keepassxc/EXPECTED.md
/// gives KeePassXC's own cases), the key files KeePass accepts, and the writer read back.
@Suite struct KeePassFieldTests {
  let origin = Origin(file: "db.kdbx", place: .entry(1))
  let rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  // "12345678901234567890"

  func parse(_ fields: [String: String]) throws(EntryProblem) -> Account {
    let item = LoginItem(title: "T", username: "u", otp: fields["otp"] ?? "")
    guard let form = KeePassOTPFields.form(of: fields) else {
      throw EntryProblem(KeePassCode.badOTPFields, "no one-time password")
    }
    return item.completed(try KeePassOTPFields.parse(form, fields: fields, item: item, origin: origin)).account
  }

  @Test func legacySettingsAsKeePassXCReadsThem() throws {
    let eight = try parse(["TOTP Seed": rfcSecret.lowercased(), "TOTP Settings": "30;8"])
    #expect(
      eight.kind == .totp && eight.digits == 8 && eight.period == 30 && eight.secret.bytes == Array("12345678901234567890".utf8))
    let steam = try parse(["TOTP Seed": "63BEDWCQZKTQWPESARIERL5DTTQFCJTK", "TOTP Settings": "30;S"])
    #expect(steam.kind == .steam && steam.digits == 5)
    #expect(try CodeGenerator.code(for: steam, at: 1_511_200_518) == "FR8RV")
    let plain = try parse(["TOTP Seed": rfcSecret, "TOTP Settings": ""])
    #expect(plain.digits == 6 && plain.period == 30)
    #expect(throws: EntryProblem.self) { try parse(["TOTP Seed": "", "TOTP Settings": "30;8"]) }
    // The legacy pair wins over `otp`, as in KeePassXC.
    let both = try parse(["TOTP Seed": rfcSecret, "TOTP Settings": "45;7", "otp": "otpauth://totp/x?secret=AAAA"])
    #expect(both.period == 45 && both.digits == 7)
  }

  @Test func keeOTPStrings() throws {
    let account = try parse(["otp": "key=HXDMVJECJJWSRBY%3d&step=25&size=8&otpHashMode=Sha256"])
    #expect(account.algorithm == .sha256 && account.digits == 8 && account.period == 25)
    #expect(account.secret.revealBase32().hasPrefix("HXDMVJECJJWSRBY"))
    #expect(account.issuer == "T" && account.name == "u")
    #expect(throws: EntryProblem.self) { try parse(["otp": "key=ABC&type=Hotp"]) }
  }

  @Test func keePass251Fields() throws {
    let sha256 = try parse(["TimeOtp-Secret-Base32": rfcSecret, "TimeOtp-Algorithm": "HMAC-SHA-256", "TimeOtp-Length": "8"])
    #expect(sha256.algorithm == .sha256 && sha256.digits == 8 && sha256.period == 30)
    let hex = try parse(["TimeOtp-Secret-Hex": "3132 3334", "TimeOtp-Period": "60"])
    #expect(hex.secret.bytes == Array("1234".utf8) && hex.period == 60)
    let base64 = try parse(["TimeOtp-Secret-Base64": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA="])
    #expect(try CodeGenerator.code(for: base64, at: 1_234_567_890) == "005924")
    let hotp = try parse(["HmacOtp-Secret": "12345678901234567890", "HmacOtp-Counter": "1"])
    #expect(hotp.kind == .hotp && hotp.counter == 1)
    #expect(try CodeGenerator.code(for: hotp, counter: 1) == "287082")
    #expect(throws: EntryProblem.self) { try parse(["TimeOtp-Secret-Base32": rfcSecret, "TimeOtp-Algorithm": "MD5"]) }
    #expect(throws: EntryProblem.self) { try parse(["TimeOtp-Secret-Hex": "xyz"]) }
    #expect(throws: EntryProblem.self) { try parse(["HmacOtp-Secret-Base32": rfcSecret, "HmacOtp-Counter": "-1"]) }
  }

  @Test func keyFilesOfEveryKind() throws {
    let key = Array(0..<32).map(UInt8.init)
    #expect(try KDBXCrypto.keyFileKey(key, file: "k") == key)
    #expect(try KDBXCrypto.keyFileKey(Array(Hex.encode(key).utf8), file: "k") == key)
    let hash = Hex.encode(Array(Digest.sha256(key).prefix(4))).uppercased()
    let hexGroups = stride(from: 0, to: 64, by: 8).map { Array(Hex.encode(key).uppercased())[$0..<($0 + 8)] }.map { String($0) }
    let version2 = """
      <?xml version="1.0" encoding="utf-8"?>
      <KeyFile><Meta><Version>2.0</Version></Meta><Key><Data Hash="\(hash)">\(hexGroups.joined(separator: " "))</Data></Key></KeyFile>
      """
    #expect(try KDBXCrypto.keyFileKey(Array(version2.utf8), file: "k") == key)
    let damaged = version2.replacingOccurrences(of: "Hash=\"\(hash)\"", with: "Hash=\"00000000\"")
    #expect(throws: OTPError.self) { try KDBXCrypto.keyFileKey(Array(damaged.utf8), file: "k") }
    let version1 =
      "<KeyFile><Meta><Version>1.00</Version></Meta><Key><Data>\(Data(key).base64EncodedString())</Data></Key></KeyFile>"
    #expect(try KDBXCrypto.keyFileKey(Array(version1.utf8), file: "k") == key)
    let other = Array("any file at all".utf8)
    #expect(try KDBXCrypto.keyFileKey(other, file: "k") == Digest.sha256(other))
  }

  @Test func writtenDatabasesReadBackExactly() throws {
    let accounts = RandomAccounts.make(count: 150, fitting: KeePassFormat().descriptor.capabilities, seed: 20)
    let written = try KeePassFormat().write(accounts, context: WriteContext(newPassword: .fixed("pässword ∑")))
    #expect(written.findings.isEmpty)
    // Entries come back group by group (a KeePass group holds its entries together); issuers are unique.
    let back = try readBack(written.bytes, with: KeePassFormat(), name: "out.kdbx", password: "pässword ∑")
    let differences = accountDifferences(
      back.accounts.sorted { $0.issuer < $1.issuer }, accounts.sorted { $0.issuer < $1.issuer })
    #expect(differences.isEmpty, "\(differences.prefix(5))")
    #expect(throws: OTPError.wrongPassword(file: "out.kdbx")) {
      try readBack(written.bytes, with: KeePassFormat(), name: "out.kdbx", password: "pässword")
    }
    // KDBX 4.0, AES-256, Argon2id with the parameters the writer promises.
    let header = try KDBXHeader.parse(written.bytes, file: "out.kdbx")
    #expect(header.major == 4 && header.cipher == .aes256)
    guard case .argon2(.id, _, let passes, let memory, let lanes, 0x13) = header.kdf else {
      Issue.record("not Argon2id")
      return
    }
    #expect(passes == KeePassFormat.writtenKDF.iterations && memory == 64 << 20 && lanes == 2)
  }

  @Test func accountsInSeveralGroupsGoToTheFirst() throws {
    let account = Account(
      kind: .totp, issuer: "A", name: "b", secret: Secret([1, 2, 3, 4, 5]), groups: ["Work/Mail", "Home"],
      origin: Origin(file: "t", place: .whole))
    let written = try KeePassFormat().write([account], context: WriteContext(newPassword: .fixed("p")))
    #expect(written.findings.map(\.code) == ["KEEPASS_ONE_GROUP"])
    let back = try readBack(written.bytes, with: KeePassFormat(), name: "o", password: "p")
    #expect(back.accounts.map(\.groups) == [["Work/Mail"]])
  }

  @Test func writingWithoutAPasswordIsRefused() {
    #expect(throws: OTPError.self) { try KeePassFormat().write([], context: WriteContext()) }
  }
}

/// KeePassXC's reading of the legacy settings and of fields it leaves empty (Entry::updateTotp,
/// Totp::parseSettings), and the bounds every reader of otpbridge keeps.
@Suite struct KeePassFieldEdgeTests {
  let origin = Origin(file: "db.kdbx", place: .entry(1))
  let rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

  func parse(_ fields: [String: String]) throws(EntryProblem) -> Account {
    let item = LoginItem(title: "T", username: "u", otp: fields["otp"] ?? "")
    guard let form = KeePassOTPFields.form(of: fields) else {
      throw EntryProblem(KeePassCode.badOTPFields, "no one-time password")
    }
    return item.completed(try KeePassOTPFields.parse(form, fields: fields, item: item, origin: origin)).account
  }

  @Test func legacySettingsVariants() throws {
    #expect(try parse(["TOTP Seed": rfcSecret, "TOTP Settings": "45"]).period == 45)
    let steam = try parse(["TOTP Seed": rfcSecret, "TOTP Settings": "60;S"])
    #expect(steam.kind == .steam && steam.period == 30)
    let uri = try parse(["TOTP Seed": "", "TOTP Settings": "otpauth://totp/x:y?secret=\(rfcSecret)&digits=8"])
    #expect(uri.digits == 8)
    // A seed without settings comes after `otp`, which KeePassXC reads instead.
    let both = try parse(["TOTP Seed": "AAAAAAAA", "otp": "otpauth://totp/x:y?secret=\(rfcSecret)&period=60"])
    #expect(both.period == 60 && both.secret.revealBase32() == rfcSecret)
    #expect(try parse(["TOTP Seed": rfcSecret]).period == 30)
  }

  @Test func anOtpauthURIWithAKeyParameterIsStillAURI() throws {
    let account = try parse(["otp": "otpauth://totp/x:y?secret=\(rfcSecret)&key=other&period=45"])
    #expect(account.period == 45 && account.secret.revealBase32() == rfcSecret)
  }

  @Test func emptySecretFieldsArePassedOver() throws {
    let account = try parse(["TimeOtp-Secret": "", "TimeOtp-Secret-Base32": rfcSecret])
    #expect(account.secret.revealBase32() == rfcSecret)
  }

  @Test func digitsAndPeriodsOutOfBoundsSkipTheEntry() {
    #expect(throws: EntryProblem.self) { try parse(["TimeOtp-Secret-Base32": rfcSecret, "TimeOtp-Length": "99"]) }
    #expect(throws: EntryProblem.self) { try parse(["otp": "key=\(rfcSecret)&size=50"]) }
    #expect(throws: EntryProblem.self) { try parse(["TOTP Seed": rfcSecret, "TOTP Settings": "30;12"]) }
    #expect(throws: EntryProblem.self) { try parse(["TimeOtp-Secret-Base32": rfcSecret, "TimeOtp-Period": "1000000"]) }
  }

  @Test func writtenBase32IsPaddedToWholeGroups() {
    let account = Account(kind: .totp, secret: Secret(Array(repeating: 7, count: 16)), origin: origin)
    let fields = KeePassOTPFields.fields(for: account, otpauth: "")
    let secret = fields.first { $0.key == "TimeOtp-Secret-Base32" }?.value ?? ""
    #expect(secret.count % 8 == 0 && secret.hasSuffix("="))
  }

  @Test func deepGroupPathsReadBackAsTheSamePath() throws {
    let path = (1...200).map { "g\($0)" }.joined(separator: "/")
    let account = Account(kind: .totp, issuer: "A", secret: Secret([1, 2, 3, 4, 5]), groups: [path], origin: origin)
    let written = try KeePassFormat().write([account], context: WriteContext(newPassword: .fixed("p")))
    let back = try readBack(written.bytes, with: KeePassFormat(), name: "deep.kdbx", password: "p")
    #expect(back.accounts.map(\.groups) == [[path]])
  }

  @Test func impossibleArgon2ParametersAreDamageNotALibraryError() throws {
    // A KDBX 4 header whose Argon2 salt is 4 bytes, with its SHA-256 right.
    var header = KDBXHeader(
      major: 4, minor: 0, cipher: .aes256, compressed: true, masterSeed: [UInt8](repeating: 1, count: 32),
      encryptionIV: [UInt8](repeating: 2, count: 16),
      kdf: .argon2(variant: .id, salt: [1, 2, 3, 4], iterations: 2, memoryBytes: 1 << 20, parallelism: 1, version: 0x13))
    let bytes = header.serialized()
    header.bytes = bytes
    let file = bytes + Digest.sha256(bytes) + [UInt8](repeating: 0, count: 100)
    do {
      _ = try KeePassFormat().read(InputFile(name: "bad.kdbx", bytes: file), context: ReadContext(password: .fixed("x")))
      Issue.record("read")
    } catch let error as OTPError {
      #expect("\(error)".contains("Argon2 parameters are impossible"), "\(error)")
    }
  }
}
