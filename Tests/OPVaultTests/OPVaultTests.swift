import Foundation
import OPVault
import OTPCore
import TestSupport
import Testing

/// KeePassXC's OPVault fixture (../shared/vectors/keepassxc/EXPECTED.md, password "a"): the
/// "KeePassXC" login (user "keepassxc") holds a bare base32 TOTP, "Complex Password" an otpauth
/// URI (issuer KeePassXC) with 8 digits, a 45 s period and SHA-256.
@Suite struct OPVaultTests {
  let format = OPVaultFormat()
  static let profile = "keepassxc/tests/data/keepassxc.opvault/default/profile.js"

  /// The profile under its full path, so that the band files beside it are found.
  static func profileInput() throws -> InputFile {
    InputFile(name: Vectors.path(profile), bytes: try Vectors.input(profile).bytes)
  }

  @Test func readsTheOneTimePasswordsOfKeePassXCsFixture() throws {
    let input = try Self.profileInput()
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext(password: .fixed("a")))
    #expect(result.accounts.count == 2)
    let login = try #require(result.accounts.first { $0.name == "keepassxc" })
    #expect(login.secret.revealBase32() == "JBSWY3DPEHPK3PXP" && login.digits == 6 && login.period == 30)
    let complex = try #require(result.accounts.first { $0.digits == 8 })
    #expect(complex.period == 45 && complex.algorithm == .sha256 && complex.secret.revealBase32() == "JBSWY3DPEHPK3PXP")
    #expect(!result.findings.contains { $0.severity >= .warning })
    #expect(result.findings.contains { $0.code == "PASSWORDS_NOT_READ" })
  }

  @Test func aWrongPasswordIsAWrongPassword() throws {
    let input = try Self.profileInput()
    #expect(throws: OTPError.wrongPassword(file: input.name)) {
      try format.read(input, context: ReadContext(password: .fixed("b")))
    }
    #expect(throws: OTPError.passwordRequired(file: input.name)) { try format.read(input, context: ReadContext()) }
  }

  /// A copy of the fixture's folder, to damage.
  func copiedVault() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opvault-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: Vectors.path("keepassxc/tests/data/keepassxc.opvault/default"), toPath: folder)
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder + "/" + name)
    }
    return folder
  }

  @Test func aDamagedItemIsSkippedAndTheOthersRead() throws {
    let folder = try copiedVault()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // band_3.js holds the "KeePassXC" login: change one character of its details (`d`).
    let path = folder + "/band_3.js"
    var text = try String(contentsOfFile: path, encoding: .utf8)
    let d = try #require(text.range(of: "\"d\":\""))
    let at = text.index(d.upperBound, offsetBy: 60)
    text.replaceSubrange(at...at, with: text[at] == "A" ? "B" : "A")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let input = InputFile(
      name: folder + "/profile.js", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/profile.js"))))
    let result = try format.read(input, context: ReadContext(password: .fixed("a")))
    #expect(result.findings.contains { $0.code == "OPVAULT_BAD_ITEM" && $0.entrySkipped })
    #expect(result.accounts.contains { $0.digits == 8 })
    #expect(!result.accounts.contains { $0.name == "keepassxc" })
  }

  @Test func aProfileWithoutItsBandsSaysWhatToGive() throws {
    let folder = try copiedVault()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasPrefix("band_") {
      try FileManager.default.removeItem(atPath: folder + "/" + name)
    }
    let input = InputFile(
      name: folder + "/profile.js", bytes: Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/profile.js"))))
    do {
      _ = try format.read(input, context: ReadContext(password: .fixed("a")))
      Issue.record("read without bands")
    } catch let error as OTPError {
      #expect("\(error)".contains("no band_*.js"), "\(error)")
    }
  }
}

@Suite struct OPVaultDamageTests {
  let format = OPVaultFormat()

  func copied() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opvault-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: Vectors.path("keepassxc/tests/data/keepassxc.opvault/default"), toPath: folder)
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: folder + "/" + name)
    }
    return folder
  }

  func read(_ folder: String, limits: Limits = .standard, profile: String? = nil) throws -> ReadResult {
    let onDisk = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/profile.js")))
    let bytes = profile.map { Array($0.utf8) } ?? onDisk
    return try format.read(
      InputFile(name: folder + "/profile.js", bytes: bytes), context: ReadContext(password: .fixed("a"), limits: limits))
  }

  @Test func aBandTooLargeToReadIsAnErrorNotALoss() throws {
    let folder = try copied()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var limits = Limits.standard
    limits.inputBytes = 3000  // band_5.js and band_C.js are larger
    #expect(throws: OTPError.self) { try read(folder, limits: limits) }
  }

  @Test func aDamagedProfileIsDamageNotAWrongPassword() throws {
    let folder = try copied()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let profile = try String(contentsOfFile: folder + "/profile.js", encoding: .utf8)
    for (damaged, what) in [
      (profile.replacingOccurrences(of: #""iterations":100000"#, with: #""iterations":0"#), "iterations"),
      (profile.replacingOccurrences(of: #""overviewKey":"b3BkYXRhMDFA"#, with: #""overviewKey":"b3BkYXRhMDFB"#), "overviewKey"),
    ] {
      #expect(damaged != profile, "\(what)")
      do {
        _ = try read(folder, profile: damaged)
        Issue.record("\(what): read")
      } catch let error as OTPError {
        guard case .corrupted = error else {
          Issue.record("\(what): \(error)")
          continue
        }
      }
    }
  }
}
