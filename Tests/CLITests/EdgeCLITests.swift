import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14, "trust at the edges", through the built CLI: password files as Windows and pipes give
/// them, outputs under signals, --force, closed pipes, terminals and spreadsheets (docs/safety.md).
@Suite struct EdgeCLITests {
  /// Two ordinary TOTP accounts that every format holds.
  static let twoAccounts = """
    otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub
    otpauth://totp/Example:bob?secret=KRSXG5CTMVRXEZLU&issuer=Example

    """

  static func folder(with files: [String: String]) throws -> String {
    let folder = try CLI.temporaryFolder()
    for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name)")) }
    return folder
  }

  static func names(in folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
  }

  /// An Aegis vault (plain) with one TOTP entry, written as the app writes it.
  static func aegisVault(name: String, note: String = "") -> String {
    """
    {"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[
    {"type":"totp","uuid":"01234567-89ab-cdef-0123-456789abcdef","name":"\(name)","issuer":"Example","note":"\(note)",\
    "favorite":false,"icon":null,"info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}}]}}
    """
  }

  /// Runs a bash script with the binary as $BIN, for pipes and process substitution.
  static func bash(_ script: String, environment: [String: String] = [:]) throws -> CLI.Run {
    CLI.Run(try Subprocess.run("/bin/bash", ["-c", script], environment: environment.merging(["BIN": CLI.binary]) { $1 }))
  }

  // MARK: 1. Password files with Windows line endings, BOMs and UTF-16

  @Test(arguments: ["aegis", "2fas", "bitwarden-json", "andotp"])
  func aVaultWrittenWithAWindowsPasswordFileOpensWithTheTypedPassword(format: String) throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts, "typed": "NewPass1\n"])
    let spellings: [String: [UInt8]] = [
      "crlf": Array("NewPass1\r\n".utf8), "cr": Array("NewPass1\r".utf8), "bom": [0xEF, 0xBB, 0xBF] + Array("NewPass1\r\n".utf8),
      "utf16": [0xFF, 0xFE] + "NewPass1\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
    ]
    for (spelling, bytes) in spellings {
      try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/pw-\(spelling)"))
      let out = "\(folder)/out-\(spelling)"
      let convert = try CLI.run([
        "convert", folder + "/in.txt", "--to", format, "--new-password-file", "\(folder)/pw-\(spelling)", "-o", out,
      ])
      #expect(convert.status == 0, "\(format) \(spelling): \(convert.stderr)")
      #expect(convert.stderr.contains("is encrypted with the new password"))
      // Opened with the password as a person types it (a file with \n, and a variable).
      let byFile = try CLI.run(["inspect", out, "--password-file", folder + "/typed"])
      #expect(byFile.status == 0, "\(format) \(spelling): \(byFile.stderr)")
      #expect(byFile.stdout.contains("2 account(s)"))
      let byVariable = try CLI.run(["inspect", out, "--password-env", "PW"], environment: ["PW": "NewPass1"])
      #expect(byVariable.status == 0, "\(format) \(spelling): \(byVariable.stderr)")
    }
  }

  /// A tenant of one user, alice, whose output password file holds `outputPassword`, migrated to
  /// `target` into FOLDER/out.
  static func oneUserTenant(outputPassword: String, target: String) throws -> (folder: String, run: CLI.Run) {
    let folder = try Self.folder(with: [
      "alice.txt": Self.twoAccounts, "out-pw": outputPassword,
      "manifest.csv": "user,inputs,output_password_file\nalice@example.com,alice.txt,out-pw\n",
    ])
    return (folder, try CLI.run(["tenant", "migrate", folder + "/manifest.csv", "--out", folder + "/out", "--to", target]))
  }

  @Test func aTenantOutputPasswordFileWithCRLFOpensWithTheTypedPassword() throws {
    let (folder, run) = try Self.oneUserTenant(outputPassword: "NewPass1\r\n", target: "aegis")
    #expect(run.status == 0, "\(run.stderr)")
    let vaults = try FileManager.default.contentsOfDirectory(atPath: folder + "/out/users/alice@example.com").filter {
      $0 != "findings.json"
    }
    let vault = try #require(vaults.first)
    let open = try CLI.run(
      ["inspect", "\(folder)/out/users/alice@example.com/\(vault)", "--password-env", "PW"], environment: ["PW": "NewPass1"])
    #expect(open.status == 0, "\(open.stderr)")
  }

  @Test func aUTF16PasswordFileWithAMarkIsReadWhateverItsLetters() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts, "typed": "пароль\n"])
    let utf16: [UInt8] = [0xFF, 0xFE] + "пароль\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    try Data(utf16).write(to: URL(fileURLWithPath: folder + "/pw16"))
    let convert = try CLI.run([
      "convert", folder + "/in.txt", "--to", "aegis", "--new-password-file", folder + "/pw16", "-o", folder + "/v.json",
    ])
    #expect(convert.status == 0, "\(convert.stderr)")
    let open = try CLI.run(["inspect", folder + "/v.json", "--password-file", folder + "/typed"])
    #expect(open.status == 0, "\(open.stderr)")
  }

  @Test func aWrongPasswordWithATrailingSpaceOrTabIsPointedOut() throws {
    let vault = Vectors.path("aegis/importers/aegis_encrypted.json")  // password: test
    let folder = try Self.folder(with: ["space": "test \n", "tab": "te\tst\n", "lines": "tset\ntest\n"])
    let space = try CLI.run(["inspect", vault, "--password-file", folder + "/space"])
    #expect(space.status == 3)
    #expect(space.stderr.contains("wrong password"))
    #expect(space.stderr.contains("ends with a space"), "\(space.stderr)")
    let tab = try CLI.run(["inspect", vault, "--password-file", folder + "/tab"])
    #expect(tab.stderr.contains("control character"), "\(tab.stderr)")
    let lines = try CLI.run(["inspect", vault, "--password-file", folder + "/lines"])
    #expect(lines.stderr.contains("1 more line(s) were ignored"), "\(lines.stderr)")
    // The password itself never appears.
    #expect(!(space.all + tab.all + lines.all).contains("tset"))
  }

  // MARK: 2. Empty new passwords

  @Test func anEmptyNewPasswordIsRefusedAndNothingIsWritten() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts, "empty": "", "newline": "\r\n"])
    let byVariable = try CLI.run(
      ["convert", folder + "/in.txt", "--to", "aegis", "--new-password-env", "NEWPW", "-o", folder + "/a.json"],
      environment: ["NEWPW": ""])
    #expect(byVariable.status == 2)
    #expect(byVariable.stderr.contains("is empty"), "\(byVariable.stderr)")
    for file in ["empty", "newline"] {
      let byFile = try CLI.run([
        "convert", folder + "/in.txt", "--to", "2fas", "--new-password-file", "\(folder)/\(file)", "-o", folder + "/b.2fas",
      ])
      #expect(byFile.status == 2, "\(byFile.stderr)")
      #expect(byFile.stderr.contains("is empty"))
    }
    #expect(try Self.names(in: folder) == ["empty", "in.txt", "newline"])
  }

  /// The converted file's password opens a file: an empty one is a wrong password (exit 3), not a
  /// refused new password (exit 2).
  @Test func verifyTakesTheConvertedFilesPasswordAsOneThatOpens() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts, "pw": "NewPass1\n", "empty": ""])
    let convert = try CLI.run([
      "convert", folder + "/in.txt", "--to", "aegis", "--new-password-file", folder + "/pw", "-o", folder + "/v.json",
    ])
    #expect(convert.status == 0, "\(convert.stderr)")
    let right = try CLI.run(["verify", folder + "/in.txt", folder + "/v.json", "--converted-password-file", folder + "/pw"])
    #expect(right.status == 0, "\(right.all)")
    let empty = try CLI.run(["verify", folder + "/in.txt", folder + "/v.json", "--converted-password-file", folder + "/empty"])
    #expect(empty.status == 3, "\(empty.all)")
    #expect(empty.stderr.contains("wrong password") && empty.stderr.contains("it is empty"), "\(empty.stderr)")
  }

  @Test func aNewPasswordForAFormatThatCannotBeEncryptedIsRefused() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts, "pw": "secret\n"])
    let run = try CLI.run([
      "convert", folder + "/in.txt", "--to", "otpauth", "--new-password-file", folder + "/pw", "-o", folder + "/o.txt",
    ])
    #expect(run.status == 2)
    #expect(run.stderr.contains("cannot be encrypted"))
    #expect(!FileManager.default.fileExists(atPath: folder + "/o.txt"))
  }

  // MARK: 3. Plaintext outputs are named as such

  @Test func aPlainVaultWrittenWithoutATerminalSaysItIsNotEncrypted() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts])
    let aegis = try CLI.run(["convert", folder + "/in.txt", "--to", "aegis", "-o", folder + "/v.json"])
    #expect(aegis.status == 0, "\(aegis.stderr)")
    #expect(
      aegis.stderr.contains(
        "NOT ENCRYPTED: \(folder)/v.json holds the secrets in plain text. To encrypt it, give --new-password-file"))
    let otpauth = try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", folder + "/o.txt"])
    #expect(otpauth.stderr.contains("NOT ENCRYPTED: \(folder)/o.txt"))
    #expect(otpauth.stderr.contains("cannot be encrypted"))
  }

  @Test func aTenantOutputPasswordForAFormatThatCannotBeEncryptedFailsThatUser() throws {
    let (folder, run) = try Self.oneUserTenant(outputPassword: "NewPass1\n", target: "otpauth")
    #expect(run.status == 5, "\(run.stderr)")
    #expect(run.stderr.contains("cannot be encrypted"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder + "/out/users/alice@example.com/alice@example.com.txt"))
  }

  @Test func aTenantReportNamesTheUsersWhoseFilesAreNotEncrypted() throws {
    let folder = try Self.folder(with: [
      "alice.txt": Self.twoAccounts, "bob.txt": Self.twoAccounts, "out-pw": "NewPass1\n",
      "manifest.csv": "user,inputs,output_password_file\nalice@example.com,alice.txt,out-pw\nbob@example.com,bob.txt,\n",
    ])
    let run = try CLI.run(["tenant", "migrate", folder + "/manifest.csv", "--out", folder + "/out", "--to", "aegis"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.all.contains("NOT ENCRYPTED: 1 user(s)' converted files hold their secrets in plain text"), "\(run.all)")
    let report =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/out/report.json")))
      as! [String: Any]
    #expect((report["summary"] as? [String: Any])?["plaintextOutputs"] as? Int == 1)
    let users = report["users"] as! [[String: Any]]
    #expect(users.map { $0["encrypted"] as? Bool } == [true, false])
    #expect(try String(contentsOfFile: folder + "/out/report.html", encoding: .utf8).contains("not encrypted"))
    // The journal names every user: private like every output.
    let journal = try FileManager.default.attributesOfItem(atPath: folder + "/out/journal.sqlite")
    #expect((journal[.posixPermissions] as? NSNumber)?.intValue == 0o600)
  }

  // MARK: 4. Signals leave nothing behind

  @Test(arguments: [SIGTERM, SIGINT, SIGHUP, SIGKILL])
  func aSignalDuringAConvertLeavesNoFileBehind(signal: Int32) throws {
    // Large enough that the run takes a while; the signal lands at spread-out moments.
    let folder = try CLI.temporaryFolder()
    var lines = ""
    for index in 0..<30_000 {
      lines += "otpauth://totp/Issuer\(index):user\(index)?secret=JBSWY3DPEHPK3PXP&issuer=Issuer\(index)\n"
    }
    try lines.write(toFile: folder + "/in.txt", atomically: true, encoding: .utf8)
    let outFolder = folder + "/out"
    try FileManager.default.createDirectory(atPath: outFolder, withIntermediateDirectories: false)
    let start = Date()
    let baseline = try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", outFolder + "/whole.txt"])
    #expect(baseline.status == 0, "\(baseline.stderr)")
    let duration = Date().timeIntervalSince(start)
    let whole = try Data(contentsOf: URL(fileURLWithPath: outFolder + "/whole.txt"))
    for step in 1...6 {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: CLI.binary)
      process.arguments = ["convert", folder + "/in.txt", "--to", "otpauth", "-o", "\(outFolder)/run\(step).txt"]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: duration * Double(step) / 6.5)
      kill(process.processIdentifier, signal)
      process.waitUntilExit()
      // Either the run finished first and its file is whole, or it left nothing at all.
      let left = try Self.names(in: outFolder).filter { $0 != "whole.txt" }
      #expect(left.allSatisfy { $0 == "run\(step).txt" }, "signal \(signal), step \(step): \(left)")
      if left.contains("run\(step).txt") {
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(outFolder)/run\(step).txt")) == whole)
        try FileManager.default.removeItem(atPath: "\(outFolder)/run\(step).txt")
      } else {
        #expect(process.terminationReason == .uncaughtSignal, "signal \(signal), step \(step)")
      }
    }
  }

  // MARK: 5. --force replaces regular files only

  @Test func forceNeverReplacesADeviceAPipeOrAFolder() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts])
    #expect(mkfifo(folder + "/fifo", 0o600) == 0)
    try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: false)
    for target in ["/dev/null", folder + "/fifo", folder + "/dir"] {
      let run = try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", target, "--force"])
      #expect(run.status == 4, "\(target): \(run.stderr)")
      #expect(run.stderr.contains("not a regular file"))
    }
    var status = stat()
    #expect(stat("/dev/null", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
    #expect(lstat(folder + "/fifo", &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
    #expect(try Self.names(in: folder) == ["dir", "fifo", "in.txt"])
  }

  @Test func forceThroughASymlinkReplacesItsTargetAndKeepsTheLink() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts])
    try "old\n".write(toFile: folder + "/real.txt", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder + "/link.txt", withDestinationPath: folder + "/real.txt")
    let refused = try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", folder + "/link.txt"])
    #expect(refused.status == 2, "\(refused.stderr)")
    let forced = try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", folder + "/link.txt", "--force"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.txt") == folder + "/real.txt")
    #expect(try String(contentsOfFile: folder + "/real.txt", encoding: .utf8).contains("otpauth://totp/GitHub:alice"))
    let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/real.txt")
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    // A link to nothing is refused, with or without --force, and stays as it was.
    try FileManager.default.createSymbolicLink(atPath: folder + "/dangling.txt", withDestinationPath: folder + "/nowhere.txt")
    #expect(try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", folder + "/dangling.txt"]).status == 2)
    #expect(
      try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", folder + "/dangling.txt", "--force"]).status == 4)
    #expect(!FileManager.default.fileExists(atPath: folder + "/nowhere.txt"))
  }

  // MARK: 8. Names that change in a round trip

  @Test func colonsInIssuerAndNameSurviveOtpauth() throws {
    let folder = try Self.folder(with: [
      "in.txt": """
      otpauth://totp/a%3Ab:usera%3Ab?secret=JBSWY3DPEHPK3PXP&issuer=a%3Ab
      otpauth://totp/:x%3Ay?secret=KRSXG5CTMVRXEZLU

      """
    ])
    let inspect = try CLI.run(["inspect", folder + "/in.txt", "--json"])
    let accounts =
      try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])["accounts"]
      as? [[String: Any]]
    #expect(accounts?.map { $0["issuer"] as? String } == ["a:b", ""])
    #expect(accounts?.map { $0["name"] as? String } == ["usera:b", "x:y"])
    let convert = try CLI.run(["convert", folder + "/in.txt", "--to", "otpauth", "-o", folder + "/out.txt"])
    #expect(convert.status == 0, "\(convert.stderr)")
    let back = try CLI.run(["inspect", folder + "/out.txt", "--json"])
    #expect(back.stdout.contains("\"name\" : \"usera:b\""))
    #expect(back.stdout.contains("\"name\" : \"x:y\""))
    #expect(back.stdout.contains("\"issuer\" : \"a:b\""))
  }

  @Test func aNameTheTargetTrimsIsInTheLossReport() throws {
    // Aegis keeps a name's spaces; an otpauth label cannot (its reader trims them).
    let folder = try Self.folder(with: ["vault.json": Self.aegisVault(name: " bob ")])
    let refused = try CLI.run(["convert", folder + "/vault.json", "--to", "otpauth", "-o", folder + "/out.txt"])
    #expect(refused.status == 1, "\(refused.stderr)")
    #expect(refused.stderr.contains("name changed from \" bob \" to \"bob\""), "\(refused.stderr)")
    #expect(refused.stderr.contains("found by reading the output back"))
    #expect(!FileManager.default.fileExists(atPath: folder + "/out.txt"))
  }

  // MARK: 9. Terminal escapes

  @Test func controlAndBidiCharactersFromAFileNeverReachTheTerminalRaw() throws {
    // ESC sequences (title, clear screen, colour), CR, BEL and a right-to-left override, in the
    // issuer, the name and a bad parameter value.
    let folder = try Self.folder(with: [
      "in.txt": """
      otpauth://totp/%1B%5D0%3Bpwned%07Evil:%1B%5B2Jbob%0D%E2%80%AEgnp.exe?secret=JBSWY3DPEHPK3PXP&issuer=%1B%5D0%3Bpwned%07Evil
      otpauth://totp/Fake%0A1%20%20totp%20%20Forged?secret=KRSXG5CTMVRXEZLU
      otpauth://totp/X:y?secret=KRSXG5CTMVRXEZLU&digits=%1B%5B31m9

      """
    ])
    let runs = [
      try CLI.run(["inspect", folder + "/in.txt"]),
      try CLI.run(["codes", folder + "/in.txt", "--at", "59"]),
      try CLI.run(["audit", folder + "/in.txt"]),
      try CLI.run(["convert", folder + "/in.txt", "--to", "2fas", "-o", folder + "/o.2fas"]),
      try CLI.run(["convert", folder + "/in.txt", "--to", "google-migration", "--qr", "terminal", "--allow-lossy"]),
      try CLI.run(["verify", folder + "/in.txt", Self.folder(with: ["e.txt": Self.twoAccounts]) + "/e.txt"]),
    ]
    for run in runs {
      let raw = run.all.replacingOccurrences(of: "\u{1B}[30;107m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")
      #expect(!raw.contains("\u{1B}"), "ESC reached the terminal: \(run.all.prefix(300))")
      #expect(!raw.contains("\r") && !raw.contains("\u{07}") && !raw.contains("\u{202E}"))
      // The forged row stays inside its own line.
      #expect(!raw.split(separator: "\n").contains { $0.hasPrefix("1  totp  Forged") })
    }
    #expect(runs[0].stdout.contains("\\e]0;pwned\\u{7}Evil"))
    #expect(runs[0].stdout.contains("\\u{202E}"))
    // JSON stays exact.
    let json = try CLI.run(["inspect", folder + "/in.txt", "--json"])
    #expect(json.stdout.contains("\\u001b]0;pwned\\u0007Evil"))
  }

  // MARK: 10. Spreadsheet formulas

  @Test(arguments: ["1password-csv", "bitwarden-csv", "keepassxc-csv", "entra-csv"])
  func formulasAreNeutralisedAndReported(format: String) throws {
    let folder = try Self.folder(with: [
      "in.txt":
        "otpauth://totp/%3DHYPERLINK(%22http%3A%2F%2Fx%22)%3A@evil.example?secret=JBSWY3DPEHPK3PXP&issuer=%3DHYPERLINK(%22http%3A%2F%2Fx%22)\n"
    ])
    var arguments = ["convert", folder + "/in.txt", "--to", format, "-o", folder + "/out.csv"]
    if format == "entra-csv" { arguments += ["--upn", "alice@example.com"] }
    let refused = try CLI.run(arguments)
    #expect(refused.status == 1, "\(format): \(refused.stderr)")
    #expect(refused.stderr.contains("as a formula"), "\(format): \(refused.stderr)")
    let written = try CLI.run(arguments + ["--allow-lossy"])
    #expect(written.status == 0, "\(format): \(written.stderr)")
    let csv = try String(contentsOfFile: folder + "/out.csv", encoding: .utf8)
    // No cell starts with '=' (a quoted cell's text starts after the quote).
    let cells = csv.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r" }).map {
      $0.hasPrefix("\"") ? $0.dropFirst() : $0[...]
    }
    #expect(!cells.contains { $0.hasPrefix("=") }, "\(format): \(csv)")
    #expect(csv.contains("'=HYPERLINK"), "\(format): \(csv)")
  }

  // MARK: 11. Notes are masked

  @Test func notesAreMaskedInJSONUnlessSecretsAreShown() throws {
    let folder = try Self.folder(with: ["vault.json": Self.aegisVault(name: "bob", note: "recovery 1234-5678")])
    for arguments in [["inspect", "--json"], ["codes", "--json"], ["audit", "--json"]] {
      let run = try CLI.run([arguments[0], folder + "/vault.json"] + arguments.dropFirst())
      #expect(!run.all.contains("1234-5678"), "\(arguments)")
    }
    let masked = try CLI.run(["inspect", folder + "/vault.json", "--json"])
    #expect(masked.stdout.contains("\"noteCharacters\" : 18"))
    let shown = try CLI.run(["inspect", folder + "/vault.json", "--json", "--show-secrets"])
    #expect(shown.stdout.contains("recovery 1234-5678"))
  }

  // MARK: 12. Extra parameters: names only

  @Test func extraParameterValuesAndSecretLookingNamesAreNeverPrinted() throws {
    let folder = try Self.folder(with: [
      "in.txt": "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP&issuer=X&backup=secret%3DMZXW6YTBOI&MZXW6YTBOIZZZZ\n"
        + "otpauth://totp/X:z?secret=JBSWY3DP&MZXW6YTBOIQQ=ZZ&issuer=X\n"
    ])
    let run = try CLI.run(["convert", folder + "/in.txt", "--to", "2fas", "-o", folder + "/o.2fas", "--allow-lossy"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("backup"))
    #expect(!run.all.contains("MZXW6YTBOI"), "\(run.stderr)")
  }

  // MARK: 13. PSKC and control characters

  @Test func aPSKCIssuerWithNULAndESCIsCleanedAndReported() throws {
    let folder = try Self.folder(with: ["in.txt": "otpauth://totp/Bad%00Co%1B:bob?secret=JBSWY3DPEHPK3PXP&issuer=Bad%00Co%1B\n"])
    let refused = try CLI.run(["convert", folder + "/in.txt", "--to", "pskc", "-o", folder + "/o.pskc"])
    #expect(refused.status == 1, "\(refused.stderr)")
    #expect(refused.stderr.contains("cannot hold control characters"))
    let written = try CLI.run(["convert", folder + "/in.txt", "--to", "pskc", "-o", folder + "/o.pskc", "--allow-lossy"])
    #expect(written.status == 0, "\(written.stderr)")
    // An independent XML parser accepts it.
    let parse = try Self.bash("python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \(folder)/o.pskc")
    #expect(parse.status == 0, "\(parse.stderr)")
    #expect(try CLI.run(["inspect", folder + "/o.pskc"]).stdout.contains("BadCo"))
  }

  // MARK: 14. Closed pipes

  @Test(arguments: [
    ["inspect", "--json"], ["inspect"], ["codes", "--json"], ["audit", "--json"], ["audit", "--sarif"],
    ["convert", "--to", "otpauth", "-o", "-"], ["convert", "--to", "aegis", "-o", "-"],
  ])
  func aClosedPipeEndsTheRunQuietly(arguments: [String]) throws {
    let folder = try CLI.temporaryFolder()
    var lines = ""
    for index in 0..<20_000 { lines += "otpauth://totp/Issuer\(index):user?secret=JBSWY3DPEHPK3PXP&issuer=Issuer\(index)\n" }
    try lines.write(toFile: folder + "/in.txt", atomically: true, encoding: .utf8)
    let command = ([arguments[0], folder + "/in.txt"] + arguments.dropFirst()).map { "'\($0)'" }.joined(separator: " ")
    let start = Date()
    let run = try Self.bash("\"$BIN\" \(command) | head -c 10 >/dev/null; echo \"status ${PIPESTATUS[0]}\"")
    #expect(Date().timeIntervalSince(start) < 60)
    // Each writes far more than the 10 bytes head reads, so the pipe closes under it: exit 141.
    #expect(run.stdout.contains("status 141"), "\(arguments): \(run.all)")
    #expect(!run.stderr.contains("Fatal error"), "\(arguments): \(run.stderr.prefix(500))")
    #expect(!run.stdout.contains("status 132") && !run.stdout.contains("status 134"))
  }

  // MARK: 16. Ctrl-C at a password prompt

  @Test(arguments: ["INT", "TERM", "HUP", "QUIT"])
  func aSignalAtAPasswordPromptRestoresEcho(signal: String) throws {
    let script = Vectors.packageRoot.appendingPathComponent("Tests/CLITests/prompt-interrupt.py").path
    let vault = Vectors.path("aegis/importers/aegis_encrypted.json")
    // No core file from SIGQUIT.
    let run = try Self.bash("ulimit -c 0; PROMPT_SIGNAL=\(signal) python3 '\(script)' \"$BIN\" inspect '\(vault)'")
    #expect(run.status == 0, "\(signal): \(run.all)")
    #expect(run.stdout.contains("echo restored"), "\(signal): \(run.all)")
  }

  @Test func aFullDiskBehindStandardOutputIsAnErrorNotAQuietExit() throws {
    let folder = try Self.folder(with: ["in.txt": Self.twoAccounts])
    let run = try Self.bash("\"$BIN\" convert '\(folder)/in.txt' --to otpauth -o - > /dev/full; echo \"status $?\"")
    #expect(run.stdout.contains("status 4"), "\(run.all)")
    #expect(run.stderr.contains("standard output: cannot write"), "\(run.stderr)")
  }

  // MARK: 17. Password sources and UTF-16 exports

  @Test func passwordsComeFromStandardInputDevStdinAndProcessSubstitution() throws {
    let vault = Vectors.path("aegis/importers/aegis_encrypted.json")  // password: test
    let dash = try CLI.run(["inspect", vault, "--password-file", "-"], stdin: Data("test\n".utf8))
    #expect(dash.status == 0, "\(dash.stderr)")
    let device = try Self.bash("printf 'test\\r\\n' | \"$BIN\" inspect '\(vault)' --password-file /dev/stdin")
    #expect(device.status == 0, "\(device.stderr)")
    let substitution = try Self.bash("\"$BIN\" inspect '\(vault)' --password-file <(printf test)")
    #expect(substitution.status == 0, "\(substitution.stderr)")
    #expect(substitution.stdout.contains("7 account(s)"))
    // /dev/stdin as an input file, and a shell's process substitution.
    let input = try Self.bash("\"$BIN\" inspect /dev/stdin --password-env PW < '\(vault)'", environment: ["PW": "test"])
    #expect(input.status == 0, "\(input.stderr)")
    let substituted = try Self.bash("\"$BIN\" inspect <(cat '\(vault)') --password-env PW", environment: ["PW": "test"])
    #expect(substituted.status == 0, "\(substituted.stderr)")
    let twice = try Self.bash("\"$BIN\" inspect /dev/stdin --password-file - < '\(vault)'")
    #expect(twice.status == 2, "\(twice.stderr)")
    // Standard input cannot be both the input and the password.
    let both = try CLI.run(["inspect", "-", "--password-file", "-"], stdin: try Data(contentsOf: URL(fileURLWithPath: vault)))
    #expect(both.status == 2, "\(both.stderr)")
    #expect(both.stderr.contains("can be read only once"))
  }

  @Test func aUTF16ExportIsReadLikeItsUTF8Text() throws {
    let folder = try CLI.temporaryFolder()
    let text = Self.twoAccounts.replacingOccurrences(of: "\n", with: "\r\n")
    let withMark: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let bigEndian: [UInt8] = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    try Data(withMark).write(to: URL(fileURLWithPath: folder + "/le.txt"))
    try Data(bigEndian).write(to: URL(fileURLWithPath: folder + "/be.txt"))
    for file in ["le.txt", "be.txt"] {
      let run = try CLI.run(["codes", "\(folder)/\(file)", "--at", "59", "--json"])
      #expect(run.status == 0, "\(file): \(run.stderr)")
      #expect(run.stdout.contains("\"issuer\" : \"GitHub\""))
      #expect(run.stdout.contains("\"issuer\" : \"Example\""))
    }
    // A tenant manifest saved by PowerShell's `>` (UTF-16 with a mark, CRLF) as well.
    let manifest = "user,inputs\r\nalice@example.com,le.txt\r\n"
    let manifest16: [UInt8] = [0xFF, 0xFE] + manifest.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    try Data(manifest16).write(to: URL(fileURLWithPath: folder + "/manifest.csv"))
    let tenant = try CLI.run(["tenant", "migrate", folder + "/manifest.csv", "--out", folder + "/out", "--to", "otpauth"])
    #expect(tenant.status == 0, "\(tenant.stderr)")
    let converted = try String(contentsOfFile: folder + "/out/users/alice@example.com/alice@example.com.txt", encoding: .utf8)
    #expect(converted.contains("issuer=GitHub"))
  }

  // MARK: 18. Linear read-back

  @Test func accountsSharingOneSecretConvertAboutAsFastAsDistinctOnes() throws {
    let folder = try CLI.temporaryFolder()
    var shared = "", distinct = ""
    for index in 0..<100_000 {
      shared += "otpauth://totp/Same:user?secret=JBSWY3DPEHPK3PXP&issuer=Same\n"
      // 16 base32 characters: AAAA, then the index in base32 digits.
      let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
      let secret = "AAAA" + String((0..<12).reversed().map { alphabet[(index >> ($0 * 5)) & 31] })
      distinct += "otpauth://totp/I\(index):user?secret=\(secret)&issuer=I\(index)\n"
    }
    try shared.write(toFile: folder + "/shared.txt", atomically: true, encoding: .utf8)
    try distinct.write(toFile: folder + "/distinct.txt", atomically: true, encoding: .utf8)
    func time(_ file: String) throws -> TimeInterval {
      let start = Date()
      let run = try CLI.run(["convert", "\(folder)/\(file).txt", "--to", "otpauth", "-o", "\(folder)/\(file).out"])
      #expect(run.status == 0, "\(file): \(run.stderr.suffix(300))")
      return Date().timeIntervalSince(start)
    }
    let distinctTime = try time("distinct")
    let sharedTime = try time("shared")
    #expect(sharedTime < 3 * distinctTime, "shared \(sharedTime) s, distinct \(distinctTime) s")
  }
}
