import Foundation
import OTPCore
import OTPCrypto
import TestSupport
import Testing

@testable import TwoFAS

/// The schema 4 writer writes and encrypts as 2FAS does; the reader tells damage from a wrong password.
/// (Round trips and wrong passwords in general: FormatContractTests.)
@Suite struct TwoFASWriterTests {
  let format = TwoFASFormat()

  func readBack(_ bytes: [UInt8], password: String? = nil) throws -> ReadResult {
    try TestSupport.readBack(bytes, with: format, name: "out.2fas", password: password)
  }

  func object(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
  }

  @Test func encryptedOutputIsAndroidShaped() throws {
    let accounts = RandomAccounts.make(count: 2, fitting: format.descriptor.capabilities, seed: 6)
    let written = try format.write(accounts, context: WriteContext(newPassword: .fixed("test")))
    let top = try object(written.bytes)
    #expect(top["schemaVersion"] as? Int == 4)
    #expect((top["services"] as? [Any])?.isEmpty == true)
    let servicesText = try #require(top["servicesEncrypted"] as? String)
    let referenceText = try #require(top["reference"] as? String)
    let services = try #require(TwoFASCrypto.Sealed(servicesText))
    let reference = try #require(TwoFASCrypto.Sealed(referenceText))
    #expect(services.salt.count == 256 && services.iv.count == 12)
    #expect(reference.salt == services.salt && reference.iv != services.iv)
    var keys = TwoFASCrypto.Keys(password: "test")
    #expect(String(decoding: try TwoFASCrypto.open(reference, keys: &keys), as: UTF8.self) == TwoFASCrypto.referenceText)
  }

  @Test func plainOutputHasWhatBothAppsNeed() throws {
    let accounts = [
      Account(
        kind: .hotp, issuer: "Air Canada", name: "b", secret: Secret([1, 2, 3, 4, 5]), algorithm: .sha256, digits: 7, counter: 50,
        groups: ["Work"], origin: Origin(file: "t", place: .entry(1))),
      Account(kind: .steam, issuer: "Steam", name: "g", secret: Secret([9, 9, 9]), origin: Origin(file: "t", place: .entry(2))),
    ]
    let top = try object(try format.write(accounts, context: WriteContext()).bytes)
    let services = try #require(top["services"] as? [[String: Any]])
    let groups = try #require(top["groups"] as? [[String: Any]])
    #expect(groups.count == 1 && groups[0]["name"] as? String == "Work")
    #expect(services[0]["groupId"] as? String == groups[0]["id"] as? String)
    let hotp = try #require(services[0]["otp"] as? [String: Any])
    #expect(hotp["tokenType"] as? String == "HOTP" && hotp["counter"] as? Int == 50 && hotp["period"] == nil)
    #expect(hotp["source"] as? String == "Link")
    #expect(
      hotp["link"] as? String
        == "otpauth://hotp/Air%20Canada:b?secret=AEBAGBAF&issuer=Air%20Canada&algorithm=SHA256&digits=7&counter=50")
    let steam = try #require(services[1]["otp"] as? [String: Any])
    #expect(steam["tokenType"] as? String == "STEAM" && steam["digits"] as? Int == 5 && steam["period"] as? Int == 30)
    #expect((services[1]["order"] as? [String: Any])?["position"] as? Int == 1)
  }

  @Test func aSecondGroupIsReportedNotWrittenSilently() throws {
    let account = Account(
      kind: .totp, issuer: "I", secret: Secret([1, 2, 3]), groups: ["A", "B"], origin: Origin(file: "t", place: .entry(1)))
    let written = try format.write([account], context: WriteContext())
    #expect(written.findings.map(\.code) == ["TWOFAS_ONE_GROUP_ONLY"])
    #expect(try readBack(written.bytes).accounts.first?.groups == ["A"])
  }

  @Test func aNonASCIIPasswordWorksButWarnsAboutIOS() throws {
    let account = Account(kind: .totp, issuer: "I", secret: Secret([1, 2, 3]), origin: Origin(file: "t", place: .entry(1)))
    let written = try format.write([account], context: WriteContext(newPassword: .fixed("你好世界")))
    #expect(written.findings.map(\.code) == ["TWOFAS_PASSWORD_NOT_ASCII"])
    #expect(try readBack(written.bytes, password: "你好世界").accounts.count == 1)
    #expect(try format.write([account], context: WriteContext(newPassword: .fixed("test123!?%"))).findings.isEmpty)
  }

  // MARK: Damage, versions, passwords

  /// An encrypted backup made here, with `salt` and with or without `reference`.
  func encryptedBackup(salt: [UInt8], withReference: Bool, damageServices: Bool = false) throws -> [UInt8] {
    var keys = TwoFASCrypto.Keys(password: "pw")
    let servicesJSON = Array(#"[{"name":"A","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"a","tokenType":"TOTP"}}]"#.utf8)
    var services = try TwoFASCrypto.seal(servicesJSON, salt: salt, keys: &keys)
    if damageServices { services.ciphertextAndTag[3] ^= 1 }
    var text = #"{"services":[],"groups":[],"schemaVersion":4,"servicesEncrypted":"\#(services.text)""#
    if withReference {
      text += #","reference":"\#(try TwoFASCrypto.seal(Array(TwoFASCrypto.referenceText.utf8), salt: salt, keys: &keys).text)""#
    }
    return Array((text + "}").utf8)
  }

  @Test func anyLengthOfSaltIsRead() throws {
    for length in [32, 256, 7] {
      let bytes = try encryptedBackup(salt: Cipher.randomBytes(length), withReference: true)
      #expect(try readBack(bytes, password: "pw").accounts.map(\.issuer) == ["A"], "salt of \(length) bytes")
    }
  }

  @Test func theReferenceTellsDamagedServicesFromAWrongPassword() throws {
    let salt = Cipher.randomBytes(32)
    let damaged = try encryptedBackup(salt: salt, withReference: true, damageServices: true)
    #expect(
      throws: OTPError.corrupted(
        file: "out.2fas", place: "servicesEncrypted",
        reason: "the password is right, but the services fail their authentication tag")
    ) {
      try readBack(damaged, password: "pw")
    }
    #expect(throws: OTPError.wrongPassword(file: "out.2fas")) { try readBack(damaged, password: "px") }
    // Without a reference, a failing tag can only be reported as a wrong password.
    let unchecked = try encryptedBackup(salt: salt, withReference: false, damageServices: true)
    #expect(throws: OTPError.wrongPassword(file: "out.2fas")) { try readBack(unchecked, password: "pw") }
    #expect(try readBack(try encryptedBackup(salt: salt, withReference: false), password: "pw").accounts.count == 1)
  }

  @Test func aTruncatedFileIsDamaged() throws {
    for (file, password) in [
      ("aegis/importers/2fas_authenticator_plain_v4.2fas", nil), ("aegis/importers/2fas_authenticator_encrypted_v4.2fas", "test"),
    ] {
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

  @Test func unknownSchemasAreUnsupported() throws {
    for schema in [0, 5] {
      let text = #"{"services":[],"groups":[],"schemaVersion":\#(schema)}"#
      #expect(throws: OTPError.unsupportedVersion(file: "out.2fas", version: "schema \(schema)", supported: "schemas 1 to 4")) {
        try readBack(Array(text.utf8))
      }
    }
  }

  @Test func badServicesAreFindingsAndTheRestConverts() throws {
    let text = """
      {"schemaVersion": 4, "groups": [{"id": "g1", "name": "G"}], "services": [
        {"name": "ok1", "secret": "jbsw y3dp ehpk 3pxp", "otp": {"account": "a", "tokenType": "TOTP"}, "groupId": "G1"},
        {"name": "x", "secret": "JBSWY3DPEHPK3PXP", "otp": {"tokenType": "YAOTP"}},
        {"name": "x", "secret": "NOT*BASE32"},
        {"name": "x"},
        {"name": "x", "secret": "JBSWY3DPEHPK3PXP", "otp": {"algorithm": "SHA224"}},
        {"name": "x", "secret": "JBSWY3DPEHPK3PXP", "otp": {"digits": 0}},
        {"name": "x", "secret": "JBSWY3DPEHPK3PXP", "otp": {"period": -30}},
        {"name": "", "secret": "JBSWY3DPEHPK3PXP", "otp": {"issuer": "ok2", "tokenType": "hotp", "counter": 3}, "groupId": "nope"}
      ]}
      """
    let result = try readBack(Array(text.utf8))
    #expect(result.accounts.map(\.issuer) == ["ok1", "ok2"])
    #expect(result.accounts.first?.groups == ["G"])
    #expect(result.accounts.last?.kind == .hotp && result.accounts.last?.counter == 3)
    let skipped = result.findings.filter(\.entrySkipped)
    #expect(skipped.map { $0.origin?.place } == (2...7).map { Origin.Place.entry($0) })
    #expect(
      skipped.map(\.code) == [
        "TWOFAS_UNKNOWN_TOKEN_TYPE", "TWOFAS_BAD_SECRET", "TWOFAS_BAD_SERVICE", "TWOFAS_UNSUPPORTED_ALGORITHM",
        "TWOFAS_BAD_DIGITS", "TWOFAS_BAD_PERIOD",
      ])
    #expect(skipped[2].message.contains("'secret' is missing"))
    #expect(result.findings.filter { !$0.entrySkipped }.map(\.code) == ["TWOFAS_UNKNOWN_GROUP"])
    #expect(!result.findings.map(\.description).joined().contains("NOT*BASE32"))
  }
}
