import Foundation
import TestSupport
import Testing

/// Files otpbridge writes are read by pass-import (PyPI, installed by scripts/bootstrap.sh into
/// .build/test-venv), an importer written by other people from the apps' formats, with the
/// secrets, algorithms, digits, periods and counters of the source (issue 23). The reading is done
/// by Tests/CLITests/pass-import-read.py through pass-import's own Python classes, and its format
/// detection must pick the class the file is meant for, as `pimport` would.
@Suite struct PassImportTests {
  static let root = Vectors.packageRoot.path
  static let python = root + "/.build/test-venv/bin/python"
  static let reader = root + "/Tests/CLITests/pass-import-read.py"
  static let source = root + "/examples/otpauth/accounts.txt"

  struct Target: CustomTestStringConvertible, Sendable {
    var format: String
    var passImportClass: String
    /// FreeOTP+ stores an HOTP counter as the one before the next code's (docs/formats/freeotp-plus.md),
    /// and pass-import reads the stored value.
    var counterOffset: Int64 = 0
    var testDescription: String { format }
  }

  static let targets = [
    Target(format: "aegis", passImportClass: "Aegis"),
    Target(format: "andotp", passImportClass: "AndOTP"),
    Target(format: "bitwarden-json", passImportClass: "BitwardenJSON"),
    Target(format: "bitwarden-csv", passImportClass: "BitwardenCSV"),
    Target(format: "1password-csv", passImportClass: "OnePassword8CSV"),
    Target(format: "freeotp-plus", passImportClass: "FreeOTPPlus", counterOffset: 1),
  ]

  struct SourceAccount: Decodable {
    var type: String
    var secret: String?
    var algorithm: String
    var digits: Int
    var period: Int?
    var counter: Int64?
    var origin: String
  }

  struct Converted: Decodable {
    struct Outcome: Decodable { var origin: String }
    var accounts: [Outcome]
  }

  struct Imported: Decodable {
    struct Entry: Decodable { var otp: OTP? }
    struct OTP: Decodable {
      var type: String?
      var secret: String?
      var algorithm: String?
      var digits: Int?
      var period: Int?
      var counter: Int64?
      var uri: String?
    }
    var detected: String
    var entries: [Entry]
  }

  @Test(arguments: targets)
  func passImportReadsWhatWeWrite(target: Target) throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make bootstrap")
    let folder = try CLI.temporaryFolder()
    let output = "\(folder)/out.\(target.format)"
    let convert = try CLI.run(["convert", Self.source, "--to", target.format, "-o", output, "--allow-lossy", "--json"])
    #expect(convert.status == 0, "\(convert.stderr)")
    // Accounts the loss report changes or drops are left out: it said what became of them.
    let notKept = Set(try JSONDecoder().decode(Converted.self, from: Data(convert.stdout.utf8)).accounts.map(\.origin))
    let inspect = try CLI.run(["inspect", Self.source, "--json", "--show-secrets"])
    struct Document: Decodable { var accounts: [SourceAccount] }
    let sources = try JSONDecoder().decode(Document.self, from: Data(inspect.stdout.utf8)).accounts

    let run = CLI.Run(try Subprocess.run(Self.python, [Self.reader, target.passImportClass, output]))
    #expect(run.status == 0, "pass-import: \(run.stderr)")
    let imported = try JSONDecoder().decode(Imported.self, from: Data(run.stdout.utf8))
    #expect(imported.detected == target.passImportClass, "pimport would read \(target.format) as \(imported.detected)")
    let otps = imported.entries.compactMap(\.otp)

    var compared = 0
    for account in sources {
      let secret = try #require(account.secret)
      let found = otps.first { $0.secret == secret || $0.uri?.hasSuffix(secret) == true }
      if notKept.contains(account.origin) { continue }
      let otp = try #require(found, "\(target.format): pass-import has no entry with the secret of \(account.origin)")
      compared += 1
      // pass-import knows Steam only in Aegis; elsewhere it passes the app's Steam form through
      // (Bitwarden's steam://) or reads FreeOTP+'s as a 5-digit TOTP: the secret is what counts.
      guard account.type != "steam" || target.format == "aegis" else { continue }
      #expect(otp.type == account.type, "\(target.format) \(account.origin): type \(otp.type ?? "none")")
      #expect(otp.algorithm.map { $0.uppercased() } ?? "SHA1" == account.algorithm, "\(target.format) \(account.origin)")
      #expect(otp.digits ?? 6 == account.digits, "\(target.format) \(account.origin): digits")
      if account.type != "hotp" { #expect(otp.period ?? 30 == account.period, "\(target.format) \(account.origin): period") }
      if account.type == "hotp", let counter = account.counter {
        #expect(otp.counter == counter - target.counterOffset, "\(target.format) \(account.origin): counter")
      }
    }
    #expect(compared >= 3, "\(target.format): only \(compared) accounts compared")  // the 3 TOTP at least
  }
}
