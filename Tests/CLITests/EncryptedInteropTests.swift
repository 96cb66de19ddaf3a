import Foundation
import TestSupport
import Testing

/// Every encrypted format otpbridge writes opens in decryption code written in the test from the
/// format's public description (Tests/CLITests/decrypt-export.py, on the cryptography, PyNaCl and
/// argon2-cffi packages), and the plain file inside gives the source's codes for every account
/// the loss report kept (issue 23).
@Suite struct EncryptedInteropTests {
  static let root = Vectors.packageRoot.path
  static let python = root + "/.build/test-venv/bin/python"
  static let script = root + "/Tests/CLITests/decrypt-export.py"
  static let source = root + "/examples/otpauth/accounts.txt"

  struct Converted: Decodable {
    struct Outcome: Decodable { var origin: String }
    var accounts: [Outcome]
  }

  struct Verified: Decodable {
    struct Result: Decodable {
      var origin: String
      var result: String
    }
    var accounts: [Result]
    var unexpected: [Result]
  }

  /// Each format with a password of its own: 2FAS on iOS reads ASCII passwords only (formats.md §6.3).
  @Test(arguments: [
    ("aegis", "correct horse battery ∑"), ("2fas", "correct horse battery"), ("andotp", "correct horse battery ∑"),
    ("bitwarden-json", "correct horse battery ∑"), ("ente", "correct horse battery ∑"), ("proton", "correct horse battery ∑"),
    ("stratum", "correct horse battery ∑"),
  ])
  func anIndependentDecryptionOpensWhatWeEncrypt(format: String, password: String) throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make bootstrap")
    let folder = try CLI.temporaryFolder()
    try "\(password)\n".write(toFile: "\(folder)/password", atomically: true, encoding: .utf8)
    try "wrong\n".write(toFile: "\(folder)/wrong", atomically: true, encoding: .utf8)
    let encrypted = "\(folder)/out.\(format)"
    let convert = try CLI.run([
      "convert", Self.source, "--to", format, "--new-password-file", "\(folder)/password", "-o", encrypted, "--allow-lossy",
      "--json",
    ])
    #expect(convert.status == 0 && convert.stdout.contains(#""encrypted" : true"#), "\(convert.stderr)")
    let notKept = Set(try JSONDecoder().decode(Converted.self, from: Data(convert.stdout.utf8)).accounts.map(\.origin))

    let opened = CLI.Run(
      try Subprocess.run(Self.python, [Self.script, format, encrypted, "\(folder)/password", "\(folder)/plain"]))
    #expect(opened.status == 0, "\(opened.stderr)")
    let verify = try CLI.run([
      "verify", Self.source, "\(folder)/plain", "--converted-from", format, "--json", "--every-code",
    ])
    let verified = try JSONDecoder().decode(Verified.self, from: Data(verify.stdout.utf8))
    #expect(verified.unexpected.isEmpty)
    for account in verified.accounts where !notKept.contains(account.origin) {
      #expect(account.result == "same-codes", "\(format) \(account.origin): \(account.result)")
    }
    #expect(verified.accounts.count { $0.result == "same-codes" } >= 3)

    // The same code refuses the wrong password: it checks what it opens.
    let wrong = CLI.Run(try Subprocess.run(Self.python, [Self.script, format, encrypted, "\(folder)/wrong", "\(folder)/x"]))
    #expect(wrong.status == 1 && wrong.stderr.contains("does not open"))
  }
}
