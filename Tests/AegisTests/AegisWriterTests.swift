import Foundation
import OTPCore
import OTPCrypto
import TestSupport
import Testing

@testable import Aegis

/// The writer writes and encrypts as Aegis does, and the reader tells damage from a wrong password.
/// (Round trips and wrong passwords in general: FormatContractTests.)
@Suite struct AegisWriterTests {
  let format = AegisFormat()

  func readBack(_ bytes: [UInt8], password: String? = nil) throws -> ReadResult {
    try TestSupport.readBack(bytes, with: format, name: "out.json", password: password)
  }

  @Test func encryptedOutputHasOnePasswordSlotWithAegisDefaultsAndFreshRandomness() throws {
    let accounts = RandomAccounts.make(count: 2, fitting: format.descriptor.capabilities, seed: 8)
    let context = WriteContext(newPassword: .fixed("test"))
    let first = try JSONDecoder().decode(Envelope.self, from: Data(try format.write(accounts, context: context).bytes))
    let second = try JSONDecoder().decode(Envelope.self, from: Data(try format.write(accounts, context: context).bytes))
    #expect(first.version == 1)
    #expect(first.header.slots.count == 1)
    let slot = first.header.slots[0]
    #expect(slot.type == 1 && slot.n == 32768 && slot.r == 8 && slot.p == 1)
    #expect(slot.salt.count == 64 && slot.key.count == 64)
    #expect(slot.key_params.nonce.count == 24 && slot.key_params.tag.count == 32)
    #expect(first.header.params.nonce.count == 24 && first.header.params.tag.count == 32)
    let other = second.header.slots[0]
    #expect(slot.salt != other.salt && slot.key_params.nonce != other.key_params.nonce)
    #expect(first.header.params.nonce != second.header.params.nonce && first.db != second.db)
  }

  struct Envelope: Decodable {
    struct Params: Decodable { var nonce: String, tag: String }
    struct Slot: Decodable {
      var type: Int, n: Int, r: Int, p: Int, salt: String, key: String, key_params: Params
    }
    struct Header: Decodable { var slots: [Slot], params: Params }
    var version: Int
    var header: Header
    var db: String
  }

  @Test func plainOutputHasNullSlotsAndDatabaseVersion3() throws {
    let accounts = [
      Account(
        kind: .hotp, issuer: "I", name: "n", secret: Secret([1, 2, 3, 4, 5]), counter: 42, note: "recovery",
        favorite: true, groups: ["A", "B"], origin: Origin(file: "t", place: .whole))
    ]
    let text = String(decoding: try format.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let header = try #require(object["header"] as? [String: Any])
    #expect(header["slots"] is NSNull && header["params"] is NSNull)
    let db = try #require(object["db"] as? [String: Any])
    #expect(db["version"] as? Int == 3)
    let groups = try #require(db["groups"] as? [[String: Any]])
    #expect(groups.compactMap { $0["name"] as? String } == ["A", "B"])
    let entry = try #require((db["entries"] as? [[String: Any]])?.first)
    #expect(entry["groups"] as? [String] == groups.compactMap { $0["uuid"] as? String })
    #expect(entry["icon"] is NSNull && entry["icon_mime"] == nil)
    let info = try #require(entry["info"] as? [String: Any])
    #expect(info["counter"] as? Int == 42 && info["period"] == nil && info["pin"] == nil)
    #expect(info["secret"] as? String == "AEBAGBAF")
  }

  /// Aegis reads an mOTP or Yandex PIN with getString: without the key it drops the entry, and
  /// null would be the text "null". A missing PIN is written as "", which reads back as none.
  @Test func aMissingPINIsWrittenEmptyNeverLeftOut() throws {
    let accounts = [OTPKind.motp, .yandex].map { kind in
      Account(
        kind: kind, issuer: "I", name: kind.rawValue, secret: Secret(Array(repeating: 7, count: 16)),
        origin: Origin(file: "t", place: .whole))
    }
    let bytes = try format.write(accounts, context: WriteContext()).bytes
    let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    let entries = try #require((object["db"] as? [String: Any])?["entries"] as? [[String: Any]])
    #expect(entries.map { ($0["info"] as? [String: Any])?["pin"] as? String } == ["", ""])
    #expect(try readBack(bytes).accounts.map(\.pin) == [nil, nil])
  }

  @Test func anIconThatIsNotAnEmbeddedImageIsReportedNotWritten() throws {
    var account = Account(kind: .totp, issuer: "I", secret: Secret([1, 2, 3]), origin: Origin(file: "t", place: .entry(1)))
    account.icon = "https://example.com/icon.png"
    let written = try format.write([account], context: WriteContext())
    #expect(written.findings.map(\.code) == ["AEGIS_ICON_NOT_WRITTEN"])
    #expect(try readBack(written.bytes).accounts.first?.icon == nil)
  }

  // MARK: Damage, versions, passwords

  @Test func aTruncatedFileIsDamaged() throws {
    for (file, password) in [("aegis/importers/aegis_plain.json", nil), ("aegis/importers/aegis_encrypted.json", "test")] {
      let bytes = try Vectors.input(file).bytes
      for length in [0, 10, bytes.count / 2, bytes.count - 3] {
        do {
          _ = try readBack(Array(bytes.prefix(length)), password: password)
          Issue.record("\(file) cut at \(length) was read")
        } catch {
          guard case .corrupted = error as? OTPError else { Issue.record("\(file) cut at \(length): \(error)"); continue }
        }
      }
    }
  }

  @Test func aDatabaseThatFailsItsTagAfterTheSlotOpenedIsDamagedNotAWrongPassword() throws {
    var text = try Vectors.text("aegis/importers/aegis_encrypted.json")
    let start = try #require(text.range(of: "\"db\": \""))
    let index = text.index(start.upperBound, offsetBy: 10)
    text.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
    #expect(
      throws: OTPError.corrupted(
        file: "out.json", place: "db",
        reason: "the password is right, but the encrypted database fails its authentication tag")
    ) {
      try readBack(Array(text.utf8), password: "test")
    }
  }

  @Test func unknownVaultAndDatabaseVersionsAreUnsupported() throws {
    let plain = try Vectors.text("aegis/importers/aegis_plain.json")
    let vault2 = plain.replacingOccurrences(of: "{\n    \"version\": 1,", with: "{\n    \"version\": 2,")
    #expect(vault2 != plain)
    #expect(throws: OTPError.unsupportedVersion(file: "out.json", version: "2", supported: "vault version 1")) {
      try readBack(Array(vault2.utf8))
    }
    let db4 = plain.replacingOccurrences(of: "\"db\": {\n        \"version\": 1,", with: "\"db\": {\n        \"version\": 4,")
    #expect(db4 != plain)
    #expect(throws: OTPError.unsupportedVersion(file: "out.json", version: "db 4", supported: "db versions 1 to 3")) {
      try readBack(Array(db4.utf8))
    }
  }

  @Test func encryptedDatabaseOfAnUnknownVersionIsUnsupported() throws {
    let content = Array(#"{"version": 4, "entries": []}"#.utf8)
    let sealed = try AegisCrypto.seal(database: content, password: "pw")
    let vault = AegisWrittenVault(db: sealed.db, header: sealed.header)
    let bytes = Array(try AegisFormat.encoder().encode(vault))
    #expect(throws: OTPError.unsupportedVersion(file: "out.json", version: "db 4", supported: "db versions 1 to 3")) {
      try readBack(bytes, password: "pw")
    }
  }

  @Test func badEntriesAreFindingsAndTheRestConverts() throws {
    let text = """
      {"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 3, "groups": [], "entries": [
        {"type": "totp", "name": "ok1", "issuer": "A", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 30}},
        {"type": "blah", "name": "x", "issuer": "A", "info": {"secret": "JBSWY3DPEHPK3PXP"}},
        {"type": "totp", "name": "x", "issuer": "A", "info": {"secret": "NOT*BASE32"}},
        {"type": "totp", "name": "x", "issuer": "A"},
        {"type": "totp", "name": "x", "issuer": "A", "info": {"secret": "JBSWY3DPEHPK3PXP", "digits": "six"}},
        {"type": "hotp", "name": "x", "issuer": "A", "info": {"secret": "JBSWY3DPEHPK3PXP", "digits": 11, "counter": 1}},
        {"type": "totp", "name": "x", "issuer": "A", "info": {"secret": "JBSWY3DPEHPK3PXP", "period": 0}},
        {"type": "totp", "name": "x", "issuer": "A", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "MD4"}},
        {"type": "totp", "name": "ok2", "issuer": "B", "groups": ["nope"], "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "HmacSHA256"}}
      ]}}
      """
    let result = try readBack(Array(text.utf8))
    #expect(result.accounts.map(\.name) == ["ok1", "ok2"])
    #expect(result.accounts.last?.algorithm == .sha256)
    #expect(result.accounts.last?.origin.place == .entry(9))
    let skipped = result.findings.filter(\.entrySkipped)
    #expect(skipped.map { $0.origin?.place } == (2...8).map { Origin.Place.entry($0) })
    #expect(
      skipped.map(\.code) == [
        "AEGIS_UNKNOWN_TYPE", "AEGIS_BAD_SECRET", "AEGIS_BAD_ENTRY", "AEGIS_BAD_ENTRY", "AEGIS_BAD_DIGITS",
        "AEGIS_BAD_PERIOD", "AEGIS_BAD_ALGORITHM",
      ])
    #expect(skipped[2].message.contains("'info' is missing"))
    #expect(result.findings.filter { !$0.entrySkipped }.map(\.code) == ["AEGIS_UNKNOWN_GROUP"])
    #expect(!result.findings.map(\.description).joined().contains("NOT*BASE32"))
  }

  @Test func aVaultWithOnlyABiometricSlotCannotBeOpened() throws {
    var text = try Vectors.text("aegis/importers/aegis_encrypted.json")
    text = text.replacingOccurrences(of: "\"type\": 1,", with: "\"type\": 2,")
    do {
      _ = try readBack(Array(text.utf8), password: "test")
      Issue.record("expected an error")
    } catch let error as OTPError {
      guard case .cannotOpen = error else { Issue.record("\(error)"); return }
    }
  }

  // MARK: The unlocking details of formats.md §5.3

  @Test func theMasterKeyOfTheSampleVaultIsTheDocumentedOne() throws {
    let input = try Vectors.input("aegis/importers/aegis_encrypted.json")
    let vault = try JSONDecoder().decode(AegisVault.self, from: Data(input.bytes))
    let key = try AegisCrypto.unlock(vault.header, password: "test", file: input.name)
    #expect(Hex.encode(key) == "5bf3eea657754b176d076ea07078e22a8df3e2ca5abc886e2e25f7cef24d11a6")
  }

  @Test func javaEncoderArraySizes() {
    // ⌊4 × 1.1⌋ = 4: a short ASCII password is its own bytes.
    #expect(AegisCrypto.javaEncoderArray("test") == Array("test".utf8))
    // ⌊60 × 1.1⌋ = 66: six zero bytes follow.
    let sixty = String(repeating: "a", count: 60)
    #expect(AegisCrypto.javaEncoderArray(sixty) == Array(sixty.utf8) + [0, 0, 0, 0, 0, 0])
    // 3 UTF-16 units, 9 UTF-8 bytes: capacity 3, then 7, then 15.
    #expect(AegisCrypto.javaEncoderArray("你好世").count == 15)
  }

  /// A vault whose slot key came from the padded array: it opens while `repaired` is absent, not
  /// once Aegis marked the slot repaired (formats.md §5.3, Aegis issue #95).
  @Test func unrepairedSlotsAlsoTryTheOldPaddedPasswordBytes() throws {
    let password = String(repeating: "long password ", count: 5)  // 70 units → 77 bytes with padding
    let legacy = AegisCrypto.javaEncoderArray(password)
    #expect(legacy.count == 77)
    let masterKey = Cipher.randomBytes(32)
    let salt = Cipher.randomBytes(32)
    let slotKey = try KeyDerivation.scrypt(password: legacy, salt: salt, n: 1024, r: 8, p: 1, length: 32)
    let slotNonce = Cipher.randomBytes(12)
    let wrapped = try Cipher.aesGCMSeal(key: slotKey, plaintext: masterKey, nonce: slotNonce)
    let dbNonce = Cipher.randomBytes(12)
    let sealed = try Cipher.aesGCMSeal(key: masterKey, plaintext: Array(#"{"version": 3, "entries": []}"#.utf8), nonce: dbNonce)
    func vault(repaired: Bool?) throws -> [UInt8] {
      let slot = AegisSlot(
        type: 1, uuid: nil, key: Hex.encode(wrapped.ciphertext),
        keyParams: AegisCipherParams(nonce: Hex.encode(slotNonce), tag: Hex.encode(wrapped.tag)),
        n: 1024, r: 8, p: 1, salt: Hex.encode(salt), repaired: repaired, isBackup: nil)
      let header = AegisHeader(slots: [slot], params: AegisCipherParams(nonce: Hex.encode(dbNonce), tag: Hex.encode(sealed.tag)))
      let encrypted = AegisWrittenVault(db: Data(sealed.ciphertext).base64EncodedString(), header: header)
      return Array(try AegisFormat.encoder().encode(encrypted))
    }
    #expect(try readBack(try vault(repaired: nil), password: password).accounts.isEmpty)
    #expect(try readBack(try vault(repaired: false), password: password).accounts.isEmpty)
    #expect(throws: OTPError.wrongPassword(file: "out.json")) { try readBack(try vault(repaired: true), password: password) }
  }

  /// The plain vault (its entries written between a frame, as `convert` writes them a part at a
  /// time) is the text `JSONEncoder` (pretty, sorted keys, slashes as they are) writes for the
  /// whole vault, byte for byte, with groups, icons, notes and every kind in it; and so is a vault
  /// of no accounts. Every UUID is new on each write, so each is numbered by its first appearance
  /// on both sides before they are compared.
  @Test(arguments: [0, 1, 300]) func plainVaultIsWhatJSONEncoderWrites(count: Int) throws {
    var accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: 31)
    for index in accounts.indices where index % 3 == 0 {
      accounts[index].icon = "data:image/png;base64,iVBORw0KGgo="
      accounts[index].groups = ["Work", "Zoë/home"]
    }
    var findings: [Finding] = []
    let vault = AegisWrittenVault(db: AegisEntries.database(for: accounts, findings: &findings), header: AegisFormat.plainHeader)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let written = try format.write(accounts, context: WriteContext()).bytes
    #expect(try numberingUUIDs(written) == numberingUUIDs(Array(encoder.encode(vault))))
    #expect(try AegisFormat.encoder().encode(vault) == Array(encoder.encode(vault)))
  }
}
