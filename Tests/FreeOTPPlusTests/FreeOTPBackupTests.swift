import Foundation
import FreeOTPPlus
import OTPCore
import TestSupport
import Testing

@Suite struct FreeOTPBackupTests {
  let format = FreeOTPBackupFormat()

  /// aegis/EXPECTED.md: each of the four backups (password `test`) holds V1–V6, with the HOTP
  /// counters of the vectors (1, 50, 10300: FreeOTP 2 stores no counter one lower).
  @Test(arguments: ["api23", "api25", "api27", "api34"])
  func aegisBackupsGiveV1ToV6(api: String) throws {
    let result = try readVector("aegis/importers/freeotp_v2_\(api).xml", with: format, password: "test")
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(result.findings)")
    #expect(result.accounts.count == 6)
    for id in ["V1", "V2", "V3", "V4", "V5", "V6"] {
      let vector = try #require(expected[id])
      let account = try #require(result.accounts.first { $0.secret.revealBase32() == vector.secretBase32 }, "\(api) \(id)")
      #expect(vector.matches(account), "\(api) \(id): \(account)")
    }
  }

  /// A token with no algo, digits or period is V1 with FreeOTP's defaults.
  @Test func aTokenWithoutSettingsGetsTheDefaults() throws {
    let result = try readVector("aegis/importers/freeotp_v2_null_algo.xml", with: format, password: "test")
    let v1 = try #require(try Vectors.expectedAccounts("aegis/EXPECTED.md")["V1"])
    #expect(result.accounts.count == 1 && v1.matches(result.accounts[0]))
  }

  /// stratum/EXPECTED.md: S1–S7 (S3 without an issuer), the HOTP counter 10.
  @Test func stratumBackupGivesS1ToS7() throws {
    let result = try readVector("stratum/data/freeotp.bin", with: format, password: "test")
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    #expect(result.findings.isEmpty && result.accounts.count == 7)
    for id in ["S1", "S2", "S3", "S4", "S5", "S6", "S7"] {
      var vector = try #require(expected[id])
      if id == "S3" { vector.issuer = "" }
      let account = try #require(result.accounts.first { $0.secret.revealBase32() == vector.secretBase32 }, "\(id)")
      #expect(vector.matches(account), "\(id): \(account)")
    }
  }

  @Test func aWrongPasswordAndNoneAreToldApart() throws {
    let input = try Vectors.input("stratum/data/freeotp.bin")
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: ReadContext(password: .fixed("test1")))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) {
      try format.read(input, context: ReadContext(password: .fixed(nil)))
    }
  }

  /// A Java-serialized HashMap<String, String> as FreeOTP writes it (Java Object Serialization
  /// Specification §6.4), with `count` claimed in its size block.
  static func hashMap(_ entries: [(String, String)], claimedCount: Int? = nil) -> [UInt8] {
    var bytes: [UInt8] = [0xAC, 0xED, 0x00, 0x05, 0x73, 0x72]
    func utf(_ text: String) { bytes += [UInt8(text.utf8.count >> 8), UInt8(text.utf8.count & 0xFF)] + Array(text.utf8) }
    func int(_ value: Int) { bytes += (0..<4).map { UInt8((value >> (8 * (3 - $0))) & 0xFF) } }
    utf("java.util.HashMap")
    bytes += [0x05, 0x07, 0xDA, 0xC1, 0xC3, 0x16, 0x60, 0xD1, 0x03, 0x00, 0x01, UInt8(ascii: "F")]
    utf("loadFactor")
    bytes += [0x78, 0x70, 0x3F, 0x40, 0x00, 0x00, 0x77, 0x08]
    int(16)
    int(claimedCount ?? entries.count)
    for (key, value) in entries {
      bytes.append(0x74)
      utf(key)
      bytes.append(0x74)
      utf(value)
    }
    return bytes + [0x78]
  }

  @Test func hostileMapsAreRefusedCheaply() throws {
    func refusal(_ bytes: [UInt8]) -> OTPError? {
      do {
        _ = try format.read(InputFile(name: "b.xml", bytes: bytes), context: ReadContext(password: .fixed("x")))
        return nil
      } catch { return error as? OTPError }
    }
    // Two billion entries claimed in a few bytes: refused before anything is reserved.
    guard case .corrupted = refusal(Self.hashMap([], claimedCount: Int(Int32.max))) else {
      Issue.record("a lying size was not refused")
      return
    }
    // Cut anywhere: damage, never a crash.
    let good = Self.hashMap([("masterKey", "{}"), ("a-token", "{}")])
    for cut in stride(from: 0, to: good.count, by: 3) {
      #expect(refusal(Array(good.prefix(cut))) != nil)
    }
    // A million iterations asked for: the limit speaks before PBKDF2 runs.
    let costly =
      #"{"mAlgorithm":"PBKDF2withHmacSHA512","mIterations":2000000000,"mSalt":[1,2,3],"#
      + #""mEncryptedKey":{"mCipherText":[1],"mParameters":[4,0],"mToken":"AES"}}"#
    let error = refusal(Self.hashMap([("masterKey", costly)]))
    #expect(error?.description.contains("PBKDF2") == true, "\(String(describing: error))")
    // A master key whose ciphertext is shorter than its tag is damage, not a wrong password.
    let short =
      #"{"mAlgorithm":"PBKDF2withHmacSHA1","mIterations":1000,"mSalt":[1,2,3,4],"#
      + #""mEncryptedKey":{"mCipherText":[1,2],"mParameters":[4,12,1,2,3,4,5,6,7,8,9,10,11,12],"mToken":"AES"}}"#
    guard case .corrupted = refusal(Self.hashMap([("masterKey", short)])) else {
      Issue.record("a master key shorter than its tag was not damage")
      return
    }
    // A null where a string belongs (FreeOTP writes none): 32 bytes of it cost no more than that.
    var nulls = Self.hashMap([], claimedCount: 4)
    nulls.removeLast()
    nulls += Array(repeating: 0x70, count: 8) + [0x78]
    guard case .corrupted = refusal(nulls) else {
      Issue.record("null strings were read")
      return
    }
    // A reference to a string the stream never gave.
    var dangling = Self.hashMap([("masterKey", "{}")])
    dangling.replaceSubrange((dangling.count - 4)..<(dangling.count - 1), with: [0x71, 0x00, 0x7E, 0x00, 0x09, 0x00])
    #expect(refusal(dangling) != nil)
  }
}
