import Foundation
import OTPCore
import TestSupport
import Testing

/// External plugins through the CLI: the Python example for LastPass, and plugins that misbehave.
@Suite struct ExternalPluginTests {
  static let examples = Vectors.packageRoot.appendingPathComponent("examples/plugins").path
  static let lastpass = Vectors.path("stratum/data/lastpass.json")

  struct Entry: Decodable { var issuer: String; var name: String; var code: String? }

  @Test func theLastPassExampleReadsTheStratumVector() throws {
    // stratum/EXPECTED.md: 6 accounts, S7, S1 (favourite), S2, S3 (issuer ""), S4, S5; no HOTP.
    let run = try CLI.run(["codes", Self.lastpass, "--plugin-dir", Self.examples, "--at", "1234567890", "--json"])
    #expect(run.status == 0, "\(run.stderr)")
    struct Document: Decodable { var accounts: [Entry] }
    let entries = try JSONDecoder().decode(Document.self, from: Data(run.stdout.utf8)).accounts
    #expect(entries.map(\.issuer) == ["Standard", "Long", "Many", "", "Sha", "Sha"])
    // Codes from the S table at T=1234567890.
    #expect(entries.map(\.code) == ["996016", "971319", "769508739", "088883", "925028", "510813"])
  }

  @Test func itShowsInFormatsAndConvertsBothWaysWithVerify() throws {
    let formats = try CLI.run(["formats", "--plugin-dir", Self.examples])
    #expect(formats.stdout.contains("lastpass"))
    let folder = try CLI.temporaryFolder()
    let out = folder + "/lastpass-out.json"
    let plain = Vectors.path("aegis/importers/plain.txt")
    // From otpauth to LastPass: TOTP only, so the HOTP and Steam entries are dropped and named.
    let refused = try CLI.run(["convert", plain, "--to", "lastpass", "-o", out, "--plugin-dir", Self.examples])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("DROPPED") && refused.stderr.contains("Boeing (Sophia)"))
    let lossy = try CLI.run(["convert", plain, "--to", "lastpass", "-o", out, "--allow-lossy", "--plugin-dir", Self.examples])
    #expect(lossy.status == 0, "\(lossy.stderr)")
    let back = try CLI.run(["convert", out, "--to", "otpauth", "-o", folder + "/back.txt", "--plugin-dir", Self.examples])
    #expect(back.status == 0, "\(back.stderr)")
    let verify = try CLI.run(["verify", out, folder + "/back.txt", "--plugin-dir", Self.examples])
    #expect(verify.status == 0, "\(verify.all)")
    #expect(verify.stdout.contains("all 3 accounts match"))
    let audit = try CLI.run(["audit", out, "--plugin-dir", Self.examples, "--fail-on", "never"])
    #expect(audit.stdout.contains("(lastpass, 3 account(s), not encrypted)"))
  }

  @Test func thePluginIsFoundThroughTheEnvironmentToo() throws {
    let run = try CLI.run(["inspect", Self.lastpass], environment: ["OTPBRIDGE_PLUGIN_PATH": Self.examples])
    #expect(run.status == 0)
    #expect(run.stdout.contains("(lastpass)"))
  }

  @Test func pluginsAreStartedOnlyWhenNoBuiltInWillDo() throws {
    // The plugin leaves a mark each time it runs. A file a built-in is certain of never starts it;
    // `formats`, which lists every format, does.
    let folder = try Self.plugin("marker", #"touch "$(dirname "$0")/ran"; "# + Self.describeOK)
    let list = try CLI.temporaryFolder() + "/codes.txt"
    try "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP\n".write(toFile: list, atomically: true, encoding: .utf8)
    let codes = try CLI.run(["codes", list, "--plugin-dir", folder])
    #expect(codes.status == 0, "\(codes.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder + "/ran"))
    let formats = try CLI.run(["formats", "--plugin-dir", folder])
    #expect(formats.stdout.contains("bad"))
    #expect(FileManager.default.fileExists(atPath: folder + "/ran"))
  }

  static func plugin(_ name: String, _ script: String) throws -> String {
    let folder = try CLI.temporaryFolder()
    let path = folder + "/otpbridge-format-\(name)"
    try ("#!/bin/sh\n" + script).write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return folder
  }

  static let describeOK = #"""
    if [ "$1" = describe ]; then cat >/dev/null; echo '{"protocol":1,"id":"bad","reads":true,"writes":false,"capabilities":{"kinds":["totp"],"algorithms":["SHA1"],"digits":[6,6],"periods":{"only":[30]},"fields":[]}}'; exit 0; fi
    if [ "$1" = sniff ]; then cat >/dev/null; echo '{"confidence":"certain"}'; exit 0; fi

    """#

  @Test(arguments: [
    ("crash", "cat >/dev/null; kill -SEGV $$", "crashed"),
    ("status", "cat >/dev/null; echo 'boom' >&2; exit 7", "exited with status 7"),
    ("garbage", "cat >/dev/null; echo 'not json'", "not a JSON object"),
    ("slow", "cat >/dev/null; sleep 30", "no reply"),
    ("nodocument", "cat >/dev/null; echo '{}'", "no \"document\""),
    ("textdocument", "cat >/dev/null; echo '{\"document\":\"x\"}'", "its document is not valid otpbridge-json"),
    (
      "badaccounts", "cat >/dev/null; echo '{\"document\":{\"format\":\"otpbridge-json\",\"version\":1,\"accounts\":5}}'",
      "its document is not valid otpbridge-json"
    ),
    (
      "otherformat", "cat >/dev/null; echo '{\"document\":{\"format\":\"aegis\",\"version\":1,\"accounts\":[]}}'",
      "its document is not valid otpbridge-json"
    ),
    ("halfreply", "cat >/dev/null; printf '{\"document\":'; sleep 300 &", "was not complete when it exited"),
  ])
  func misbehavingPluginsAreClearErrorsNamingThem(name: String, body: String, expected: String) throws {
    let folder = try Self.plugin(name, Self.describeOK + body + "\n")
    let input = try CLI.temporaryFolder() + "/input.dat"
    try "anything".write(toFile: input, atomically: true, encoding: .utf8)
    let run = try CLI.run(
      ["inspect", input, "--from", "bad", "--plugin-dir", folder], environment: ["OTPBRIDGE_PLUGIN_TIMEOUT": "2"])
    #expect(run.status == 3)
    #expect(run.stderr.contains("external plugin otpbridge-format-\(name) failed"), "\(run.stderr)")
    #expect(run.stderr.contains(expected), "\(run.stderr)")
  }

  static let oneAccount =
    #"{"document":{"format":"otpbridge-json","version":1,"accounts":[{"type":"totp","secret":"JBSWY3DPEHPK3PXP"}]}}"#

  /// A plugin's finding codes and places take the shape every finding has (finding-v1): codes
  /// upper case with `_`, places from 1.
  @Test func pluginFindingsTakeTheOneFindingShape() throws {
    let reply =
      #"{"document":{"format":"otpbridge-json","version":1,"accounts":[]},"findings":["#
      + #"{"severity":"error","code":"lastpass.bad-secret","message":"m","entry":0,"skipped":true},"#
      + #"{"severity":"warning","code":"9lives","message":"n","line":3}]}"#
    let folder = try Self.plugin("codes", Self.describeOK + "cat >/dev/null; echo '\(reply)'\n")
    let input = try CLI.temporaryFolder() + "/input.dat"
    try "anything".write(toFile: input, atomically: true, encoding: .utf8)
    let run = try CLI.run(["inspect", input, "--from", "bad", "--plugin-dir", folder, "--json", "--fail-on", "never"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains(#""code" : "LASTPASS_BAD_SECRET""#) && run.stdout.contains(#""code" : "PLUGIN_FINDING""#))
    #expect(!run.stdout.contains(#""entry" : 0"#) && run.stdout.contains(#""line" : 3"#))
    let check = try JSONSchemaCLITests.validate([run.stdout], schema: "inspect", in: try CLI.temporaryFolder())
    #expect(check.status == 0, "\(check.all)")
  }

  /// A plugin that replies, exits 0 and leaves a process holding its standard output and error
  /// open (in its group, or moved out of it with setsid) gives its reply within the grace of a
  /// second, long before the timeout; before, otpbridge waited for the pipes to close.
  @Test(arguments: [
    ("background", "sleep 300 &"),
    ("setsid", #"setsid sleep 300 & echo $! > "$(dirname "$0")/left.pid""#),
  ])
  func aReplyStandsWhenSomethingLeftBehindHoldsTheOutput(name: String, leave: String) throws {
    let folder = try Self.plugin(name, Self.describeOK + "cat >/dev/null; echo '\(Self.oneAccount)'\n\(leave)\nexit 0\n")
    defer {
      // The setsid child is out of the plugin's group, so otpbridge did not stop it: the test does.
      if let text = try? String(contentsOfFile: folder + "/left.pid", encoding: .utf8), let pid = pid_t(text.trimmingWhitespace())
      {
        kill(pid, SIGKILL)
      }
    }
    let input = try CLI.temporaryFolder() + "/input.dat"
    try "anything".write(toFile: input, atomically: true, encoding: .utf8)
    let started = Date()
    let run = try CLI.run(
      ["inspect", input, "--from", "bad", "--plugin-dir", folder], environment: ["OTPBRIDGE_PLUGIN_TIMEOUT": "60"])
    let elapsed = Date().timeIntervalSince(started)
    #expect(run.status == 0, "\(run.all)")
    #expect(run.stdout.contains("1 account"), "\(run.stdout)")
    #expect(elapsed < 10, "took \(elapsed) s")
  }

  /// A reply over the cap (1 MiB here, through OTPBRIDGE_PLUGIN_MAX_REPLY_MIB) stops the plugin,
  /// however much more it would write, with a sentence that names the limit.
  @Test func aReplyOverTheCapIsRefused() throws {
    let folder = try Self.plugin("flood", Self.describeOK + "cat >/dev/null; echo '{\"document\":'; cat /dev/zero\n")
    let input = try CLI.temporaryFolder() + "/input.dat"
    try "anything".write(toFile: input, atomically: true, encoding: .utf8)
    let started = Date()
    let run = try CLI.run(
      ["inspect", input, "--from", "bad", "--plugin-dir", folder],
      environment: ["OTPBRIDGE_PLUGIN_TIMEOUT": "60", "OTPBRIDGE_PLUGIN_MAX_REPLY_MIB": "1"])
    #expect(run.status == 3)
    #expect(
      run.stderr.contains(
        "external plugin otpbridge-format-flood failed: its reply to 'read' is larger than otpbridge's limit of 1 MiB"),
      "\(run.stderr)")
    #expect(Date().timeIntervalSince(started) < 10)
  }

  @Test func aPluginThatCannotDescribeItselfIsAWarningNotAFailure() throws {
    let folder = try Self.plugin("broken", "echo nope; exit 0\n")
    let run = try CLI.run(["inspect", Self.lastpass, "--plugin-dir", folder, "--plugin-dir", Self.examples])
    #expect(run.status == 0)
    #expect(run.stderr.contains("otpbridge-format-broken"))
  }

  @Test func passwordsReachThePluginOnlyThroughStandardInput() throws {
    // The plugin asks for a password, records its argv and environment, and reads stdin.
    let folder = try Self.plugin(
      "locked",
      Self.describeOK.replacingOccurrences(of: "\"id\":\"bad\"", with: "\"id\":\"locked\"") + #"""
        body=$(cat)
        echo "$@" >> "$(dirname "$0")/argv.log"; env >> "$(dirname "$0")/env.log"
        case "$body" in
          *'"password":"hunter2-secret"'*) echo '{"document":{"format":"otpbridge-json","version":1,"accounts":[{"type":"totp","secret":"JBSWY3DPEHPK3PXP"}]}}' ;;
          *) echo '{"error":{"kind":"passwordRequired","message":"locked"}}' ;;
        esac
        """#)
    let input = try CLI.temporaryFolder() + "/vault.locked"
    try "x".write(toFile: input, atomically: true, encoding: .utf8)
    let passwordFile = try CLI.temporaryFolder() + "/pw"
    try "hunter2-secret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
    let without = try CLI.run(["inspect", input, "--from", "locked", "--plugin-dir", folder])
    #expect(without.status == 3)
    #expect(without.stderr.contains("no password was given"))
    let with = try CLI.run(["inspect", input, "--from", "locked", "--plugin-dir", folder, "--password-file", passwordFile])
    #expect(with.status == 0, "\(with.stderr)")
    let viaEnvironment = try CLI.run(
      ["inspect", input, "--from", "locked", "--plugin-dir", folder, "--password-env", "VAULT_PASSWORD"],
      environment: ["VAULT_PASSWORD": "hunter2-secret"])
    #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
    let argv = try String(contentsOfFile: folder + "/argv.log", encoding: .utf8)
    let env = try String(contentsOfFile: folder + "/env.log", encoding: .utf8)
    #expect(!argv.contains("hunter2") && !env.contains("hunter2"))
  }
}
