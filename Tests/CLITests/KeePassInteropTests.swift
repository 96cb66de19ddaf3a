import Foundation
import TestSupport
import Testing

/// KeePass databases checked by others (issue 20): pykeepass (PyPI) opens every database otpbridge
/// writes and Tests/CLITests/keepass-check.py computes each entry's code from its fields with its
/// own RFC 6238 code; KeePassXC's own command line (Debian's keepassxc) shows the same codes; and
/// otpbridge reads the databases pykeepass writes, with every form of one-time password and key file.
@Suite(.serialized) struct KeePassInteropTests {
  static let root = Vectors.packageRoot.path
  static let python = root + "/.build/test-venv/bin/python"
  static let script = root + "/Tests/CLITests/keepass-check.py"
  static let source = root + "/examples/otpauth/accounts.txt"
  static let at = 1_234_567_890

  struct Entry: Decodable, Hashable {
    var title: String
    var username: String
    var group: String
    var code: String
  }

  struct Codes: Decodable {
    struct Account: Decodable {
      var type: String
      var issuer: String
      var name: String
      var origin: String
      var code: String?
      var groups: [String]
    }
    var accounts: [Account]
  }

  struct Converted: Decodable {
    struct Outcome: Decodable { var origin: String }
    var accounts: [Outcome]
  }

  /// A database written with a new password, with the origins of the accounts the loss report
  /// changed (HOTP with SHA-256 or 7 digits: KeePass's HmacOtp-* fields hold SHA-1 and 6 only).
  func written(in folder: String) throws -> (database: String, password: String, notKept: Set<String>) {
    try "correct horse ∑\n".write(toFile: "\(folder)/password", atomically: true, encoding: .utf8)
    let database = "\(folder)/out.kdbx"
    let convert = try CLI.run([
      "convert", Self.source, "--to", "keepass", "--new-password-file", "\(folder)/password", "-o", database, "--allow-lossy",
      "--json",
    ])
    #expect(convert.status == 0, "\(convert.stderr)")
    let notKept = Set(try JSONDecoder().decode(Converted.self, from: Data(convert.stdout.utf8)).accounts.map(\.origin))
    return (database, "\(folder)/password", notKept)
  }

  @Test func pykeepassOpensWhatWeWriteWithTheSameCodes() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make test-venv")
    let folder = try CLI.temporaryFolder()
    let (database, password, notKept) = try written(in: folder)
    let opened = CLI.Run(try Subprocess.run(Self.python, [Self.script, "codes", database, password, String(Self.at)]))
    #expect(opened.status == 0, "\(opened.stderr)")
    let entries = try JSONDecoder().decode([Entry].self, from: Data(opened.stdout.utf8))
    let source = try JSONDecoder().decode(
      Codes.self, from: Data(try CLI.run(["codes", Self.source, "--at", String(Self.at), "--json"]).stdout.utf8))
    #expect(entries.count == source.accounts.count)
    var compared = 0
    for account in source.accounts where !notKept.contains(account.origin) {
      let entry = entries.first {
        $0.title == (account.issuer.isEmpty ? account.name : account.issuer) && $0.username == account.name
      }
      #expect(entry?.code == account.code, "\(account.issuer) \(account.name)")
      compared += 1
    }
    #expect(compared >= 5)
  }

  @Test func keePassXCShowsTheSameCodes() throws {
    let cli = try #require(
      Subprocess.onPath("keepassxc-cli"), "no keepassxc-cli: scripts/bootstrap.sh installs Debian's keepassxc")
    let folder = try CLI.temporaryFolder()
    let (database, password, notKept) = try written(in: folder)
    let source = try JSONDecoder().decode(Codes.self, from: Data(try CLI.run(["codes", Self.source, "--json"]).stdout.utf8))
    // KeePassXC reads TOTP and Steam from `otp`; the HOTP accounts are KeePass's HmacOtp-* fields only.
    let shown = source.accounts.filter { !notKept.contains($0.origin) && $0.type != "hotp" }
    #expect(shown.count >= 4)
    for account in shown {
      // Both codes come from the same 30-second step, or the pair is taken again.
      for attempt in 1...3 {
        let step = Int(Date().timeIntervalSince1970) / 30
        let theirs = CLI.Run(
          try Subprocess.run(cli, ["show", "-q", "-t", database, account.issuer], stdin: Data("correct horse ∑\n".utf8)))
        let ours = try JSONDecoder().decode(
          Codes.self,
          from: Data(try CLI.run(["codes", database, "--password-file", password, "--json"]).stdout.utf8)
        ).accounts.first { $0.issuer == account.issuer }
        guard Int(Date().timeIntervalSince1970) / 30 == step || attempt == 3 else { continue }
        #expect(theirs.status == 0, "\(theirs.stderr)")
        #expect(theirs.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ours?.code, "\(account.issuer)")
        break
      }
    }
  }

  @Test func weReadWhatPykeepassWritesWithEveryFormAndKeyFile() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make test-venv")
    let folder = try CLI.temporaryFolder()
    let made = CLI.Run(try Subprocess.run(Self.python, [Self.script, "make", folder, String(Self.at)]))
    try #require(made.status == 0, "\(made.stderr)")
    struct Database: Decodable {
      var password: String?
      var keyFile: String?
      var entries: [Entry]
    }
    let expected = try JSONDecoder().decode(
      [String: Database].self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/expected.json")))
    #expect(expected.count == 4)
    for (name, database) in expected {
      var arguments = ["codes", "\(folder)/\(name)", "--at", String(Self.at), "--json"]
      if let password = database.password {
        try "\(password)\n".write(toFile: "\(folder)/\(name).password", atomically: true, encoding: .utf8)
        arguments += ["--password-file", "\(folder)/\(name).password"]
      }
      if let keyFile = database.keyFile { arguments += ["--key-file", "\(folder)/\(keyFile)"] }
      let run = try CLI.run(arguments)
      #expect(run.status == 0, "\(name): \(run.stderr)")
      let read = try JSONDecoder().decode(Codes.self, from: Data(run.stdout.utf8)).accounts
      let got = Set(read.map { "\($0.name) \($0.groups.joined(separator: ",")) \($0.code ?? "")" })
      let want = Set(database.entries.map { "\($0.username) \($0.group) \($0.code)" })
      #expect(got == want, "\(name)")
      if database.keyFile != nil {
        // Without its key file the database does not open: a wrong key, not damage.
        let keyless = try CLI.run(Array(arguments.dropLast(2)))
        #expect(
          keyless.status != 0 && (keyless.stderr.contains("wrong password") || keyless.stderr.contains("no password")),
          "\(keyless.stderr)")
      }
    }
  }
}
