import Foundation
import OTPCore
import OTPCrypto
import Testing

@testable import Aegis

@Suite struct AegisKDFStrengthTests {
  /// A vault whose only password slot uses scrypt N=1024, made here with the same primitives.
  static func weakVault(password: String) throws -> [UInt8] {
    let database = Array(#"{"version":3,"entries":[],"groups":[]}"#.utf8)
    let masterKey = Cipher.randomBytes(32), salt = Cipher.randomBytes(32)
    let slotKey = try KeyDerivation.scrypt(password: Array(password.utf8), salt: salt, n: 1024, r: 8, p: 1, length: 32)
    let slotNonce = Cipher.randomBytes(12), dbNonce = Cipher.randomBytes(12)
    let wrapped = try Cipher.aesGCMSeal(key: slotKey, plaintext: masterKey, nonce: slotNonce)
    let sealed = try Cipher.aesGCMSeal(key: masterKey, plaintext: database, nonce: dbNonce)
    func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
    let vault = """
      {"version": 1, "header": {"slots": [{"type": 1, "uuid": "6d2b3e1f-0000-4000-8000-000000000001", "key": "\(hex(wrapped.ciphertext))",
      "key_params": {"nonce": "\(hex(slotNonce))", "tag": "\(hex(wrapped.tag))"}, "n": 1024, "r": 8, "p": 1, "salt": "\(hex(salt))",
      "repaired": true, "is_backup": false}], "params": {"nonce": "\(hex(dbNonce))", "tag": "\(hex(sealed.tag))"}},
      "db": "\(Data(sealed.ciphertext).base64EncodedString())"}
      """
    return Array(vault.utf8)
  }

  @Test func aSlotCheaperThanAegisOwnSaysSo() throws {
    let result = try AegisFormat().read(
      InputFile(name: "weak.json", bytes: try Self.weakVault(password: "pw")),
      context: ReadContext(password: PasswordProvider { _ in "pw" }))
    let finding = try #require(result.findings.first { $0.code == "KDF_WEAKER_THAN_DEFAULT" })
    #expect(finding.message.contains("N=1024"))
    let written = try AegisFormat().write([], context: WriteContext(newPassword: PasswordProvider { _ in "pw" }))
    let strong = try AegisFormat().read(
      InputFile(name: "v.json", bytes: written.bytes), context: ReadContext(password: PasswordProvider { _ in "pw" }))
    #expect(!strong.findings.contains { $0.code == "KDF_WEAKER_THAN_DEFAULT" })
  }
}
