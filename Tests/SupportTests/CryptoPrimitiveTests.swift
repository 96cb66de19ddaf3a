import Foundation
import OTPCore
import TestSupport
import Testing

@testable import OTPCrypto

@Suite struct CryptoPrimitiveTests {
  static func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }

  @Test func pbkdf2MatchesRFC6070() throws {
    let key = try KeyDerivation.pbkdf2(
      password: Array("password".utf8), salt: Array("salt".utf8), hash: .sha1, rounds: 4096, length: 20)
    #expect(key == Self.hex("4b007901b765489abead49d926f721d065a429c1"))
  }

  @Test func scryptAndAESGCMOpenTheAegisCheckpoint() throws {
    // aegis/EXPECTED.md: the password slot of aegis_encrypted.json with password "test" yields this master key.
    let json =
      try JSONSerialization.jsonObject(with: Data(try Vectors.input("aegis/importers/aegis_encrypted.json").bytes))
      as! [String: Any]
    let slot = ((json["header"] as! [String: Any])["slots"] as! [[String: Any]]).first { $0["type"] as? Int == 1 }!
    let params = slot["key_params"] as! [String: String]
    let slotKey = try KeyDerivation.scrypt(
      password: Array("test".utf8), salt: Self.hex(slot["salt"] as! String), n: slot["n"] as! Int, r: slot["r"] as! Int,
      p: slot["p"] as! Int, length: 32)
    let masterKey = try Cipher.aesGCMOpen(
      key: slotKey, nonce: Self.hex(params["nonce"]!), ciphertext: Self.hex(slot["key"] as! String), tag: Self.hex(params["tag"]!)
    )
    #expect(masterKey == Self.hex("5bf3eea657754b176d076ea07078e22a8df3e2ca5abc886e2e25f7cef24d11a6"))
    let wrongKey = try KeyDerivation.scrypt(
      password: Array("test1".utf8), salt: Self.hex(slot["salt"] as! String), n: 32768, r: 8, p: 1, length: 32)
    #expect(throws: Cipher.Failure.authenticationFailed) {
      try Cipher.aesGCMOpen(
        key: wrongKey, nonce: Self.hex(params["nonce"]!), ciphertext: Self.hex(slot["key"] as! String),
        tag: Self.hex(params["tag"]!))
    }
  }

  @Test func argon2idMatchesTheLibargon2ReferenceVector() throws {
    // libargon2's own test vector for Argon2id v1.3: t=2, m=65536 KiB, p=1, "password"/"somesalt".
    let key = try KeyDerivation.argon2id(
      password: Array("password".utf8), salt: Array("somesalt".utf8), iterations: 2, memoryKiB: 65536, parallelism: 1, length: 32)
    #expect(key == Self.hex("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"))
  }

  @Test func argon2idGivesTheSameKeyThroughLibsodiumAndLibargon2() throws {
    // One lane and a 16-byte salt go to libsodium; libargon2 (checked above) must agree with it.
    for password in ["", "correct horse battery staple", "pässwörd"] {
      let salt = Array("0123456789abcdef".utf8)
      let sodium = try KeyDerivation.argon2idSodium(
        password: Array(password.utf8), salt: salt, iterations: 2, memoryKiB: 19456, length: 32)
      let reference = try KeyDerivation.argon2idLibargon2(
        password: Array(password.utf8), salt: salt, iterations: 2, memoryKiB: 19456, parallelism: 1, length: 32)
      #expect(sodium == reference)
    }
  }

  @Test func randomUUIDsAreVersion4AndDiffer() throws {
    let ids = (0..<200).map { _ in Cipher.randomUUID() }
    #expect(Set(ids).count == ids.count)
    for id in ids {
      #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(id)")
      #expect(UUID(uuidString: id) != nil)
    }
    #expect(Cipher.randomBytes(13).count == 13 && Cipher.randomBytes(0).isEmpty)
  }

  @Test func aesCBCRoundTripsAndAWrongKeyFails() throws {
    let key = Cipher.randomBytes(32), iv = Cipher.randomBytes(16)
    let sealed = try Cipher.aesCBCEncrypt(key: key, iv: iv, plaintext: Array("hello, world".utf8))
    #expect(try Cipher.aesCBCDecrypt(key: key, iv: iv, ciphertext: sealed) == Array("hello, world".utf8))
  }

  @Test func hkdfExpandMatchesRFC5869Case1() {
    let prk = Self.hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    let okm = Digest.hkdfExpandSHA256(prk: prk, info: Self.hex("f0f1f2f3f4f5f6f7f8f9"), length: 42)
    #expect(okm == Self.hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"))
  }
}
