import Foundation
import OTPCore
import TestSupport
import Testing

@testable import KeePass

/// KeePass databases from Stratum's and KeePassXC's tests (../shared/vectors/stratum/EXPECTED.md,
/// keepassxc/EXPECTED.md), read as the apps that made them read them.
@Suite struct KeePassVectorTests {
  let format = KeePassFormat()

  /// The seven one-time passwords of Stratum's KeePass databases: the S-set's secrets under the
  /// entries' titles, "Sha:256" without an algorithm in its URI (so SHA-1, as KeePassXC reads it).
  func expectedStratumAccounts() throws -> [String] {
    let set = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    func line(
      _ kind: OTPKind, _ issuer: String, _ name: String, _ secret: String, _ algorithm: HashAlgorithm, _ digits: Int,
      _ period: Int
    )
      -> String
    {
      "\(kind.rawValue) \(issuer) \(name) \(secret) \(algorithm.rawValue) \(digits) \(period)"
    }
    return [
      line(.totp, "Long", "Period", set["S1"]!.secretBase32, .sha1, 6, 60),
      line(.totp, "Many", "Digits", set["S2"]!.secretBase32, .sha1, 9, 30),
      line(.totp, "No username", "none", set["S3"]!.secretBase32, .sha1, 6, 30),
      line(.totp, "Sha", "256", set["S4"]!.secretBase32, .sha1, 6, 30),
      line(.totp, "Sha", "512", set["S5"]!.secretBase32, .sha512, 6, 30),
      line(.totp, "Standard", "Totp", set["S7"]!.secretBase32, .sha1, 6, 30),
      line(.steam, "Steam", "steam", "Y2PO2DPO4AGBS2KQPO5ONQPEBAR2VKMF", .sha1, 5, 30),
    ].sorted()
  }

  func lines(_ accounts: [Account]) -> [String] {
    accounts.map {
      "\($0.kind.rawValue) \($0.issuer) \($0.name) \($0.secret.revealBase32()) \($0.algorithm.rawValue) \($0.digits) \($0.period)"
    }.sorted()
  }

  @Test(arguments: [
    "aes256.aeskdf", "aes256.argon2d", "aes256.argon2id", "chacha20.argon2d", "twofish.argon2d", "nocompression",
    "norecyclebin", "groups",
  ])
  func readsEveryCipherAndKeyDerivation(variant: String) throws {
    let result = try readVector("stratum/data/keepass.\(variant).kdbx", with: format, password: "test")
    #expect(lines(result.accounts) == (try expectedStratumAccounts()))
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("2 item") })
    #expect(!result.findings.contains { $0.severity != .info })
    if variant == "groups" {
      #expect(Set(result.accounts.flatMap(\.groups)) == ["Group A", "Group A/Group B"])
    } else {
      #expect(result.accounts.allSatisfy { $0.groups.isEmpty })
    }
  }

  @Test func recycleBinEntriesAreSkippedAndCounted() throws {
    let result = try readVector("stratum/data/keepass.recyclebin.kdbx", with: format, password: "test")
    #expect(result.accounts.isEmpty)
    #expect(result.findings.contains { $0.code == "KEEPASS_RECYCLE_BIN_SKIPPED" && $0.message.hasPrefix("9 entries") })
  }

  @Test func readsKDBX3() throws {
    let result = try readVector("stratum/data/keepass.kdbx3.kdbx", with: format, password: "test")
    #expect(result.accounts.isEmpty)
    #expect(result.findings.contains { $0.code == "KEEPASS_KDBX3" })
    // KeePassXC's CLI fixture: KDBX 3.1 with the legacy "TOTP Seed" and "TOTP Settings" = "30;6".
    let legacy = try readVector("keepassxc/tests/data/NewDatabase.kdbx", with: format, password: "a")
    #expect(lines(legacy.accounts) == ["totp Sample Entry User Name HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ SHA1 6 30"])
  }

  @Test(arguments: [
    "stratum/data/keepass.aes256.aeskdf.kdbx", "stratum/data/keepass.kdbx3.kdbx", "keepassxc/tests/data/NewDatabase.kdbx",
  ])
  func aWrongPasswordIsAWrongPassword(path: String) throws {
    let input = try Vectors.input(path)
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: ReadContext(password: .fixed("testing")))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) { try format.read(input, context: ReadContext()) }
  }

  @Test func damageIsNotAWrongPassword() throws {
    let input = try Vectors.input("stratum/data/keepass.aes256.argon2id.kdbx")
    let header = try KDBXHeader.parse(input.bytes, file: input.name)
    // A byte of the header: its SHA-256 fails before any key is derived from it.
    var bytes = input.bytes
    bytes[header.bytes.count - 10] ^= 1
    #expect(throws: OTPError.self) {
      try format.read(InputFile(name: "h", bytes: bytes), context: ReadContext(password: .fixed("test")))
    }
    do {
      _ = try format.read(InputFile(name: "h", bytes: bytes), context: ReadContext(password: .fixed("test")))
    } catch let error as OTPError {
      #expect("\(error)".contains("damaged"), "\(error)")
    }
    // A byte of the payload: the password proves right, the block's HMAC fails.
    bytes = input.bytes
    bytes[bytes.count - 40] ^= 1
    #expect(
      throws: OTPError.corrupted(
        file: "p", place: "payload", reason: "block 0 fails its HMAC: the password is right, but the file is damaged")
    ) {
      try format.read(InputFile(name: "p", bytes: bytes), context: ReadContext(password: .fixed("test")))
    }
    // Cut short.
    #expect(throws: OTPError.self) {
      try format.read(
        InputFile(name: "c", bytes: Array(input.bytes.prefix(input.bytes.count / 2))),
        context: ReadContext(password: .fixed("test")))
    }
  }

  @Test func keePass1AndLaterVersionsAreUnsupported() {
    let kdb: [UInt8] = [0x03, 0xD9, 0xA2, 0x9A, 0x65, 0xFB, 0x4B, 0xB5] + [UInt8](repeating: 0, count: 120)
    #expect(format.sniff(InputFile(name: "old.kdb", bytes: kdb)) == .certain)
    #expect(
      throws: OTPError.unsupportedVersion(
        file: "old.kdb", version: "KeePass 1 (.kdb)", supported: "KDBX 3.1 and 4.x (KeePass 2, KeePassXC)")
    ) {
      try format.read(InputFile(name: "old.kdb", bytes: kdb), context: ReadContext(password: .fixed("x")))
    }
    let five: [UInt8] =
      [0x03, 0xD9, 0xA2, 0x9A, 0x67, 0xFB, 0x4B, 0xB5, 0x00, 0x00, 0x05, 0x00] + [UInt8](repeating: 0, count: 40)
    #expect(throws: OTPError.unsupportedVersion(file: "new.kdbx", version: "KDBX 5.0", supported: "KDBX 3.1 and 4.x")) {
      try format.read(InputFile(name: "new.kdbx", bytes: five), context: ReadContext(password: .fixed("x")))
    }
  }

  @Test func keyDerivationCostIsBoundedBeforeItRuns() throws {
    var limits = Limits.standard
    limits.argon2MemoryKiB = 512
    let input = try Vectors.input("stratum/data/keepass.aes256.argon2id.kdbx")
    #expect(throws: OTPError.self) {
      try format.read(input, context: ReadContext(password: .fixed("test"), limits: limits))
    }
    limits = .standard
    limits.aesKDFRounds = 10
    let aes = try Vectors.input("stratum/data/keepass.aes256.aeskdf.kdbx")
    do {
      _ = try format.read(aes, context: ReadContext(password: .fixed("test"), limits: limits))
      Issue.record("an AES-KDF above the limit was run")
    } catch let error as OTPError {
      #expect("\(error)".contains("AES-KDF rounds"), "\(error)")
    }
  }
}
