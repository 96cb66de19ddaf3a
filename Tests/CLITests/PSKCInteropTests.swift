import Foundation
import TestSupport
import Testing

/// python-pskc (PyPI, scripts/test-requirements.txt), a PSKC library written by others from
/// RFC 6030, reads the PSKC file otpbridge writes with every secret, algorithm, digit count,
/// period and counter of the source's TOTP and HOTP accounts (docs/interop.md).
@Suite struct PSKCInteropTests {
  static let root = Vectors.packageRoot.path

  struct Key: Decodable, Equatable {
    var kind: String
    var secret: String
    var digits: Int?
    var period: Int?
    var counter: UInt64?
    var algorithm: String?
    var issuer: String?
    var user: String?
  }

  struct SourceAccount: Decodable {
    var type: String
    var issuer: String
    var name: String
    var secret: String?
    var algorithm: String
    var digits: Int
    var period: Int?
    var counter: UInt64?
  }

  /// Plain, and encrypted with a password (PBKDF2 and AES-CBC with an HMAC, RFC 6030 §6.2).
  @Test(arguments: [false, true])
  func pythonPSKCReadsWhatWeWrite(encrypted: Bool) throws {
    let python = Self.root + "/.build/test-venv/bin/python"
    try #require(FileManager.default.isExecutableFile(atPath: python), "no \(python): run make bootstrap")
    let folder = try CLI.temporaryFolder()
    try "tränen lügen nicht\n".write(toFile: "\(folder)/password", atomically: true, encoding: .utf8)
    let source = Self.root + "/examples/otpauth/accounts.txt"
    let password = encrypted ? ["--new-password-file", "\(folder)/password"] : []
    let convert = try CLI.run(
      ["convert", source, "--to", "pskc", "-o", "\(folder)/out.pskc", "--allow-lossy", "-q"] + password)
    #expect(convert.status == 0, "\(convert.stderr)")
    let read = CLI.Run(
      try Subprocess.run(
        python,
        [Self.root + "/Tests/CLITests/pskc-read.py", "\(folder)/out.pskc"] + (encrypted ? ["\(folder)/password"] : [])))
    #expect(read.status == 0, "\(read.stderr)")
    let keys = try JSONDecoder().decode([Key].self, from: Data(read.stdout.utf8))
    struct Document: Decodable { var accounts: [SourceAccount] }
    let inspect = try CLI.run(["inspect", source, "--json", "--show-secrets"])
    let expected = try JSONDecoder().decode(Document.self, from: Data(inspect.stdout.utf8)).accounts
      .filter { $0.type == "totp" || $0.type == "hotp" }
      .map { account in
        Key(
          kind: account.type, secret: account.secret ?? "", digits: account.digits,
          period: account.type == "totp" ? account.period : nil, counter: account.type == "hotp" ? account.counter : nil,
          algorithm: account.algorithm, issuer: account.issuer, user: account.name)
      }
    #expect(expected.count == 6)
    #expect(keys == expected)
    if encrypted { #expect(!(try String(contentsOfFile: "\(folder)/out.pskc", encoding: .utf8)).contains("<PlainValue>")) }
  }
}
