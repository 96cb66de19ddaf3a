import Foundation
import TestSupport
import Testing

/// Files otpbridge writes for Proton Pass and Apple's Passwords app, checked by
/// Tests/CLITests/manager-import-check.py, written from what each app's importer reads: every member
/// or column is there, and each entry's code, computed from its otpauth URI by Python's own RFC 6238
/// code, is the source's.
@Suite struct ManagerImportCheckTests {
  static let root = Vectors.packageRoot.path
  static let python = root + "/.build/test-venv/bin/python"
  static let script = root + "/Tests/CLITests/manager-import-check.py"
  static let at = 1_234_567_890

  struct Entry: Decodable, Hashable {
    var group: String
    var title: String
    var username: String
    var code: String
  }

  struct Codes: Decodable {
    struct Account: Decodable {
      var issuer: String
      var name: String
      var code: String?
    }
    var accounts: [Account]
  }

  /// TOTP accounts with groups, a website, an email as the name, a favourite and a note; and one
  /// HOTP account neither app can hold.
  static let source = """
    {"format": "otpbridge-json", "version": 1, "accounts": [
     {"type": "totp", "issuer": "Example", "name": "alice@example.org", "secret": "JBSWY3DPEHPK3PXP",
      "algorithm": "SHA1", "digits": 6, "period": 30, "groups": ["Work"], "favorite": true, "note": "desk",
      "extraParameters": [{"name": "url", "value": "https://example.org/login"}]},
     {"type": "totp", "issuer": "Forge", "name": "bob", "secret": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
      "algorithm": "SHA256", "digits": 8, "period": 60, "groups": ["Work", "Code"]},
     {"type": "totp", "issuer": "", "name": "carol", "secret": "GEZDGNBVGY3TQOJQ", "algorithm": "SHA512",
      "digits": 7, "period": 30},
     {"type": "hotp", "issuer": "Bank", "name": "dave", "secret": "GEZDGNBVGY3TQOJQ", "algorithm": "SHA1",
      "digits": 6, "counter": 4}
    ]}
    """

  func check(format: String, encrypted: Bool) throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make test-venv")
    let folder = try CLI.temporaryFolder()
    try Self.source.write(toFile: "\(folder)/source.json", atomically: true, encoding: .utf8)
    try "correct horse ∑\n".write(toFile: "\(folder)/password", atomically: true, encoding: .utf8)
    let output = "\(folder)/out.\(format == "proton-pass" ? "zip" : "csv")"
    var arguments = ["convert", "\(folder)/source.json", "--to", format, "-o", output, "--allow-lossy"]
    if encrypted { arguments += ["--new-password-file", "\(folder)/password"] }
    let convert = try CLI.run(arguments)
    #expect(convert.status == 0, "\(convert.stderr)")
    #expect(convert.stderr.contains("DROPPED") && convert.stderr.contains("Bank (dave)"))
    var checkArguments = [Self.script, format, output, String(Self.at)]
    if encrypted { checkArguments.append("\(folder)/password") }
    let checked = CLI.Run(try Subprocess.run(Self.python, checkArguments))
    try #require(checked.status == 0, "\(checked.stderr)")
    let entries = try JSONDecoder().decode([Entry].self, from: Data(checked.stdout.utf8))
    let codes = try JSONDecoder().decode(
      Codes.self,
      from: Data(try CLI.run(["codes", "\(folder)/source.json", "--at", String(Self.at), "--json"]).stdout.utf8))
    let expected = codes.accounts.filter { $0.issuer != "Bank" }.map { account in
      (title: account.issuer.isEmpty ? account.name : account.issuer, username: account.name, code: account.code)
    }
    #expect(entries.count == expected.count)
    for account in expected {
      let entry = entries.first { $0.title == account.title && $0.username == account.username }
      #expect(entry?.code == account.code, "\(format): \(account.title)")
    }
    if format == "proton-pass" {
      // A group is a vault; an account in two goes to the first (with a warning); none: "Imported".
      #expect(Set(entries.map(\.group)) == ["Work", "Imported"])
      #expect(convert.stderr.contains("PROTON_PASS_ONE_GROUP") || convert.stderr.contains("is in one group"))
      // What the app is given reads back through otpbridge too, the password asked where needed.
      var inspect = ["inspect", output, "--json"]
      if encrypted { inspect += ["--password-file", "\(folder)/password"] }
      let back = try CLI.run(inspect)
      #expect(back.status == 0 && back.stdout.contains("\"favorite\" : true"), "\(back.stderr)")
      if encrypted {
        let refused = try CLI.run(["inspect", output])
        #expect(refused.status != 0 && refused.stderr.contains("encrypted"))
      }
    } else {
      // Rows without a website are named: the Passwords app may not import them.
      #expect(convert.stderr.contains("2 of 3 account(s) have no website"))
      let text = try String(contentsOfFile: output, encoding: .utf8)
      #expect(text.hasPrefix("Title,URL,Username,Password,Notes,OTPAuth\n"))
      #expect(text.contains("Example,https://example.org/login,alice@example.org,,desk,otpauth://totp/"))
    }
  }

  @Test func protonPassImportsThePlainExport() throws { try check(format: "proton-pass", encrypted: false) }
  @Test func protonPassImportsThePGPExport() throws { try check(format: "proton-pass", encrypted: true) }
  @Test func applePasswordsImportsTheCSV() throws { try check(format: "apple-passwords", encrypted: false) }
}
