import Foundation
import TestSupport
import Testing

/// The conventions of docs/cli.md that are not JSON or help: completions, --quiet and --verbose,
/// progress, NO_COLOR and TERM=dumb, the version.
@Suite struct ConventionCLITests {
  static let root = Vectors.packageRoot.path
  static let accounts = root + "/examples/otpauth/accounts.txt"
  static var binaryFolder: String { (CLI.binary as NSString).deletingLastPathComponent }

  static func shell(_ executable: String, _ script: String, in folder: String? = nil) throws -> CLI.Run {
    CLI.Run(
      try Subprocess.run(executable, ["-c", script], environment: ["PATH": "\(binaryFolder):/usr/bin:/bin"], in: folder))
  }

  /// Bash's completion of `words` (the last one being typed), through the script otpbridge
  /// generates, as a user pressing Tab gets it.
  static func bashCompletions(_ words: [String], in folder: String) throws -> [String] {
    let script = "\(folder)/otpbridge.bash"
    try CLI.run(["--generate-completion-script", "bash"]).stdout.write(toFile: script, atomically: true, encoding: .utf8)
    let quoted = words.map { "'\($0)'" }.joined(separator: " ")
    let run = try shell(
      "/bin/bash",
      """
      source '\(script)'
      COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
      COMP_LINE='\(words.joined(separator: " "))'; COMP_POINT=${#COMP_LINE}
      _otpbridge otpbridge '\(words.last!)' '\(words.dropLast().last!)'
      printf '%s\\n' "${COMPREPLY[@]}"
      """, in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    return run.stdout.split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesFormatIDsWithPluginsAndFiles() throws {
    let folder = try CLI.temporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: "\(folder)/examples", withDestinationPath: Self.root + "/examples")
    let writers = try Self.bashCompletions(["otpbridge", "convert", "x", "--to", "a"], in: folder)
    #expect(Set(writers) == ["aegis", "andotp", "apple-passwords"], "\(writers)")
    // --from offers readers: the Microsoft Authenticator database is read, never written.
    let readers = try Self.bashCompletions(["otpbridge", "inspect", "--from", "ms-"], in: folder)
    #expect(readers == ["ms-authenticator"])
    #expect(try Self.bashCompletions(["otpbridge", "convert", "x", "--to", "ms-"], in: folder).isEmpty)
    // An external plugin in a --plugin-dir given before is offered too.
    let plugins = try Self.bashCompletions(
      ["otpbridge", "convert", "x", "--plugin-dir", "examples/plugins", "--to", "au"], in: folder)
    #expect(plugins == ["authenticator-extension"])
    #expect(try Self.bashCompletions(["otpbridge", "inspect", "exam"], in: folder).contains("examples"))
    #expect(try Self.bashCompletions(["otpbridge", "audit", "x", "--target", "g"], in: folder) == ["google-authenticator"])
  }

  @Test func zshAndFishScriptsParse() throws {
    let folder = try CLI.temporaryFolder()
    for (shell, check) in [("zsh", ["/usr/bin/zsh", "-n"]), ("fish", ["/usr/bin/fish", "--no-execute"])] {
      let script = "\(folder)/otpbridge.\(shell)"
      let generated = try CLI.run(["--generate-completion-script", shell])
      #expect(generated.status == 0 && generated.stdout.contains("---completion convert -- --to"))
      try generated.stdout.write(toFile: script, atomically: true, encoding: .utf8)
      let parsed = CLI.Run(try Subprocess.run(check[0], [check[1], script]))
      #expect(parsed.status == 0, "\(shell): \(parsed.all)")
    }
  }

  @Test func quietKeepsOnlyWarningsAndErrorsAndVerboseSaysWhatReadEachInput() throws {
    let folder = try CLI.temporaryFolder()
    let problems = Self.root + "/examples/otpauth/with-problems.txt"
    let normal = try CLI.run(["convert", Self.accounts, "--to", "otpauth", "-o", "\(folder)/a.txt"])
    #expect(normal.stderr.contains("Loss report for otpauth") && normal.stderr.contains("Wrote 7 account(s)"))
    let quiet = try CLI.run(["convert", Self.accounts, "--to", "otpauth", "-o", "\(folder)/b.txt", "--quiet"])
    #expect(quiet.status == 0)
    // What remains is the warning that the output is not encrypted.
    #expect(quiet.stderr.hasPrefix("NOT ENCRYPTED") && !quiet.stderr.contains("Loss report") && !quiet.stderr.contains("Wrote"))
    // A lossy conversion still shows its report with -q: it is why nothing was written.
    let refused = try CLI.run(["convert", problems, "--to", "otpauth", "-o", "\(folder)/c.txt", "-q"])
    #expect(refused.status == 1 && refused.stderr.contains("DROPPED") && refused.stderr.contains("not valid base32"))
    let verbose = try CLI.run(["inspect", Self.accounts, problems, "-v", "--fail-on", "never"])
    #expect(verbose.stderr.contains("otpbridge: read \(Self.accounts) as otpauth: 7 account(s)"))
    #expect(verbose.stderr.contains("otpbridge: read \(problems) as otpauth:"))
    #expect(try CLI.run(["inspect", Self.accounts, "-q", "-v"]).status == 2)
  }

  /// What warns stays with --quiet: QR codes that hold secrets, tenant users who failed.
  @Test func quietKeepsTheWarningsOfQRCodesAndTenants() throws {
    let folder = try CLI.temporaryFolder()
    let qr = try CLI.run(["convert", Self.accounts, "--to", "otpauth", "--qr", "png", "\(folder)/qr", "-q"])
    #expect(qr.status == 0 && qr.stderr.contains("They hold secrets"))
    let tenant = try CLI.run(
      ["tenant", "migrate", Self.root + "/examples/tenant/manifest.csv", "--out", "\(folder)/t", "--to", "otpauth", "-q"],
      environment: ["ERIN_EXPORT_PASSWORD": "example", "ERIN_NEW_PASSWORD": "new-example"])
    #expect(tenant.status == 5)
    #expect(tenant.stderr.contains("FAILED  dave@contoso.com") && tenant.stderr.contains("NOT ENCRYPTED"))
    #expect(!tenant.stderr.contains("Users: ") && !tenant.stderr.contains("Reports: "))
  }

  /// Bare one-letter names, in the current folder: an output, a tenant folder (Foundation's
  /// path functions crash on them on Linux, so otpbridge takes paths apart itself).
  @Test func oneLetterNamesAreOrdinaryPaths() throws {
    let folder = try CLI.temporaryFolder()
    let convert = try CLI.run(["convert", Self.accounts, "--to", "otpauth", "-o", "x"], in: folder)
    #expect(convert.status == 0, "\(convert.stderr)")
    #expect(FileManager.default.fileExists(atPath: "\(folder)/x"))
    let tenant = try CLI.run(
      ["tenant", "migrate", Self.root + "/examples/tenant/manifest.csv", "--out", "t", "--to", "otpauth", "-q"],
      environment: ["ERIN_EXPORT_PASSWORD": "example", "ERIN_NEW_PASSWORD": "new-example"], in: folder)
    #expect(tenant.status == 5, "\(tenant.stderr)")
    #expect(FileManager.default.fileExists(atPath: "\(folder)/t/report.json"))
  }

  /// An output whose folder does not exist fails before anything is read or written: no QR codes
  /// are left holding secrets while the run says it wrote nothing.
  @Test func anOutputInAMissingFolderFailsFirst() throws {
    let folder = try CLI.temporaryFolder()
    let run = try CLI.run([
      "convert", Self.accounts, "--to", "otpauth", "--qr", "png", "\(folder)/qr", "-o", "\(folder)/missing/x.txt", "--json",
    ])
    #expect(run.status == 4 && run.stdout.isEmpty)
    #expect(run.stderr.contains("its folder \(folder)/missing does not exist"))
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/qr"))
    let html = try CLI.run(["convert", Self.accounts, "--to", "otpauth", "--qr", "html", "-", "--json"])
    #expect(html.status == 2 && html.stdout.isEmpty)
  }

  /// Progress is drawn only on a terminal: standard error as a pipe gets none, however long the
  /// run (here: one file a thousand times, over a second in a debug build).
  @Test func noProgressWhenStandardErrorIsNotATerminal() throws {
    let paths = Array(repeating: Self.accounts, count: 1000)
    let run = try CLI.run(["inspect"] + paths + ["--fail-on", "never"])
    #expect(run.status == 0)
    #expect(!run.stderr.contains("reading ") && !run.stderr.contains("\u{1B}[K"))
  }

  /// On a terminal (a pty made by util-linux's `script`), a run over a second draws progress on
  /// standard error and clears it at the end; --quiet and TERM=dumb draw none.
  @Test func progressOnATerminalAfterASecond() throws {
    let paths = Array(repeating: "examples/otpauth/accounts.txt", count: 2500).joined(separator: " ")
    func onTerminal(_ options: String, term: String = "xterm") throws -> String {
      let command = "TERM=\(term) otpbridge inspect \(paths) --fail-on never \(options) > /dev/null"
      let run = try Self.shell("/bin/bash", "script -qec '\(command)' /dev/null", in: Self.root)
      #expect(run.status == 0, "\(run.stderr)")
      return run.stdout
    }
    let drawn = try onTerminal("")
    #expect(drawn.contains("\r\u{1B}[Kreading ") && drawn.contains(" of 2500: examples/otpauth/accounts.txt"))
    #expect(drawn.hasSuffix("\r\u{1B}[K"), "the last line is cleared")
    #expect(try onTerminal("--quiet").isEmpty)
    #expect(try onTerminal("", term: "dumb").isEmpty)
  }

  @Test func qrTerminalHonoursTermDumbAndNoColor() throws {
    let dumb = try CLI.run(
      ["convert", Self.accounts, "--to", "otpauth", "--qr", "terminal"], environment: ["TERM": "dumb", "COLUMNS": "200"])
    #expect(dumb.status == 2)
    #expect(dumb.stderr.contains("TERM=dumb") && dumb.stderr.contains("--qr png DIR"))
    #expect(dumb.stdout.isEmpty)
    let plain = try CLI.run(
      ["convert", Self.accounts, "--to", "otpauth", "--qr", "terminal"], environment: ["NO_COLOR": "1", "COLUMNS": "200"])
    #expect(plain.status == 0)
    #expect(!plain.stdout.contains("\u{1B}[") && plain.stdout.contains("▀"))
    #expect(plain.stderr.contains("NO_COLOR is set"))
    // NO_COLOR set but empty counts as not set (no-color.org).
    let coloured = try CLI.run(
      ["convert", Self.accounts, "--to", "otpauth", "--qr", "terminal"], environment: ["COLUMNS": "200", "NO_COLOR": ""])
    #expect(coloured.stdout.contains("\u{1B}[30;107m"))
  }

  /// Typos are usage errors (exit 2) that name what was meant, whatever else is missing.
  @Test func typosNameWhatWasMeant() throws {
    let cases: [([String], String)] = [
      (["convert", Self.accounts, "--too", "aegis", "-o", "x"], "unknown option '--too'. Did you mean '--to'?"),
      (["tenant", "merge", "r.json", "--outptu", "m.json"], "unknown option '--outptu'. Did you mean '--output'?"),
      (["inspct", Self.accounts], "Did you mean 'inspect'?"),
      (["convert", Self.accounts, "--to", "aegs", "-o", "x"], "Did you mean 'aegis'?"),
    ]
    for (arguments, expected) in cases {
      let run = try CLI.run(arguments)
      #expect(run.status == 2, "\(arguments)")
      #expect(run.stderr.hasPrefix("otpbridge: error: ") && run.stderr.contains(expected), "\(arguments): \(run.stderr)")
      #expect(run.stdout.isEmpty)
    }
  }

  @Test func versionNamesTheCommit() throws {
    let flag = try CLI.run(["--version"])
    let command = try CLI.run(["version"])
    #expect(flag.status == 0 && flag.stdout == command.stdout)
    #expect(
      flag.stdout.range(
        of: #"^otpbridge \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)\n$"#, options: .regularExpression) != nil)
    // Built by make, the commit is one of this checkout's: HEAD on a fresh clone (CI), or an
    // ancestor of it when the binary was built before the last commits without make since.
    guard !flag.stdout.contains("-dirty"), !flag.stdout.contains("unknown") else { return }
    let commit = try #require(flag.stdout.split(separator: " ").last?.dropLast(2)).description
    let ancestor = try Self.shell("/bin/bash", "git -C '\(Self.root)' merge-base --is-ancestor \(commit) HEAD")
    #expect(ancestor.status == 0, "commit \(commit) is not in this checkout's history: \(ancestor.all)")
  }
}
