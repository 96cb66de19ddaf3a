import Foundation
import OTPCore
import TestSupport
import Testing

/// External plugins through the CLI: the Python example for the Authenticator browser extension
/// (authenticator.cc), and plugins that misbehave.
@Suite struct ExternalPluginTests {
  static let examples = Vectors.packageRoot.appendingPathComponent("examples/plugins").path
  /// A backup in the extension's JSON, written from its source (github.com/Authenticator-Extension/
  /// Authenticator, src/models/storage.ts getOTPStorageFromEntry; BackupPage.vue downloads it with
  /// CRLF line ends): entries keyed by their UUID hash, defaults (period 30, digits 6, SHA1) left
  /// out. Made-up secrets: a pinned TOTP, a SHA256 8-digit 60 s TOTP, an HOTP at counter 7, a Steam.
  static let backup = Vectors.packageRoot.appendingPathComponent("examples/authenticator-extension/authenticator.json").path

  struct Entry: Decodable {
    var type: String
    var issuer: String
    var name: String
    var algorithm: String
    var digits: Int
    var period: Int?
    var counter: UInt64?
    var favorite: Bool
    var code: String?
  }

  @Test func theExtensionExampleReadsItsBackup() throws {
    let run = try CLI.run(["codes", Self.backup, "--plugin-dir", Self.examples, "--at", "1234567890", "--json"])
    #expect(run.status == 0, "\(run.stderr)")
    struct Document: Decodable { var accounts: [Entry] }
    let entries = try JSONDecoder().decode(Document.self, from: Data(run.stdout.utf8)).accounts
    #expect(entries.map(\.issuer) == ["GitHub", "Example Cloud", "Legacy VPN", "Steam"])
    #expect(entries.map(\.name) == ["octocat@example.com", "ops@example.com", "dave", "gaben"])
    #expect(entries.map(\.type) == ["totp", "totp", "hotp", "steam"])
    #expect(entries.map(\.algorithm) == ["SHA1", "SHA256", "SHA1", "SHA1"])
    #expect(entries.map(\.digits) == [6, 8, 6, 5])
    #expect(entries.map(\.period) == [30, 60, nil, 30])
    #expect(entries.map(\.counter) == [nil, nil, 7, nil])
    #expect(entries.map(\.favorite) == [true, false, false, false])
    // At T=1234567890, computed apart from otpbridge and the plugin with Python's hmac: RFC 6238
    // SHA1 6 digits at step 41152263; SHA256 8 digits at step 20576131; RFC 4226 at counter 7;
    // Steam Guard's 5 characters (alphabet 23456789BCDFGHJKMNPQRTVWXY) at step 41152263.
    #expect(entries.map(\.code) == ["875401", "77787164", "781811", "VRCYD"])
  }

  /// The extension's other types, read as it computes them (src/models/key-utilities.ts): a
  /// Blizzard entry is an 8-digit 30 s TOTP, a hex secret is its bytes; a GOST HMAC, which
  /// otpbridge does not compute, is skipped and named.
  @Test func theExtensionExampleReadsBlizzardAndHexAndNamesWhatItSkips() throws {
    let backup = try CLI.temporaryFolder() + "/authenticator.json"
    try #"""
    {"a": {"encrypted": false, "hash": "a", "index": 0, "type": "battle", "secret": "JBSWY3DPEHPK3PXP",
           "issuer": "Blizzard"},
     "b": {"encrypted": false, "hash": "b", "index": 1, "type": "hex",
           "secret": "3132333435363738393031323334353637383930", "issuer": "Hex"},
     "c": {"encrypted": false, "hash": "c", "index": 2, "type": "totp", "secret": "JBSWY3DPEHPK3PXP",
           "algorithm": "GOST3411_2012_256", "issuer": "GOST"}}
    """#.write(toFile: backup, atomically: true, encoding: .utf8)
    let run = try CLI.run(
      ["codes", backup, "--plugin-dir", Self.examples, "--at", "1234567890", "--json", "--fail-on", "never"])
    #expect(run.status == 0, "\(run.stderr)")
    struct Document: Decodable { var accounts: [Entry] }
    let entries = try JSONDecoder().decode(Document.self, from: Data(run.stdout.utf8)).accounts
    #expect(entries.map(\.issuer) == ["Blizzard", "Hex"])
    #expect(entries.map(\.digits) == [8, 6])
    // Python's hmac, apart from otpbridge: RFC 6238 SHA1 at step 41152263 with 8 digits for the
    // base32 secret; the hex secret is RFC 6238's own key "12345678901234567890" (89005924).
    #expect(entries.map(\.code) == ["94742275", "005924"])
    #expect(run.stdout.contains(#""code" : "AUTHENTICATOR_EXTENSION_BLIZZARD""#))
    #expect(run.stdout.contains(#""code" : "AUTHENTICATOR_EXTENSION_GOST""#))
  }

  /// A password-protected backup (version 3: "EncOTPStorage" entries and a "Key" record) is
  /// refused as a version the plugin does not support, with exit 3, not read as empty.
  @Test func aPasswordProtectedBackupIsRefused() throws {
    let backup = try CLI.temporaryFolder() + "/authenticator.json"
    try #"""
    {"0b4a1d6e-5c1f-4f3a-9d2e-7a6b5c4d3e2f": {"dataType": "EncOTPStorage", "keyId": "k1", "data": "U2FsdGVkX1+AAAA",
                                              "index": 0},
     "k1": {"dataType": "Key", "id": "k1", "salt": "c2FsdA==", "hash": "aGFzaA==", "version": 3}}
    """#.write(toFile: backup, atomically: true, encoding: .utf8)
    let run = try CLI.run(["inspect", backup, "--plugin-dir", Self.examples])
    #expect(run.status == 3)
    #expect(run.stderr.contains("version password-protected backup of this format is not supported"), "\(run.stderr)")
  }

  @Test func itShowsInFormatsAndConvertsBothWaysWithVerify() throws {
    let formats = try CLI.run(["formats", "--plugin-dir", Self.examples])
    #expect(formats.stdout.contains("authenticator-extension"))
    let folder = try CLI.temporaryFolder()
    let out = folder + "/authenticator.json"
    // stratum/EXPECTED.md: S1-S7, an mOTP, a Yandex, a TOTP and a Steam in group "Group" (the TOTP
    // with an icon). The extension holds TOTP, HOTP and Steam but no mOTP, Yandex, groups or icons.
    let aegis = Vectors.path("stratum/data/aegis.unencrypted.json")
    let refused = try CLI.run(["convert", aegis, "--to", "authenticator-extension", "-o", out, "--plugin-dir", Self.examples])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("DROPPED") && refused.stderr.contains("Motp (Motp)") && refused.stderr.contains("Yandex"))
    let lossy = try CLI.run(
      ["convert", aegis, "--to", "authenticator-extension", "-o", out, "--allow-lossy", "--plugin-dir", Self.examples])
    #expect(lossy.status == 0, "\(lossy.stderr)")
    let back = try CLI.run(["convert", out, "--to", "otpauth", "-o", folder + "/back.txt", "--plugin-dir", Self.examples])
    #expect(back.status == 0, "\(back.stderr)")
    let verify = try CLI.run(["verify", out, folder + "/back.txt", "--plugin-dir", Self.examples])
    #expect(verify.status == 0, "\(verify.all)")
    #expect(verify.stdout.contains("all 9 accounts match"))
    let audit = try CLI.run(["audit", out, "--plugin-dir", Self.examples, "--fail-on", "never"])
    #expect(audit.stdout.contains("(authenticator-extension, 9 account(s), not encrypted)"))
  }

  @Test func thePluginIsFoundThroughTheEnvironmentToo() throws {
    let run = try CLI.run(["inspect", Self.backup], environment: ["OTPBRIDGE_PLUGIN_PATH": Self.examples])
    #expect(run.status == 0)
    #expect(run.stdout.contains("(authenticator-extension)"))
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
      + #"{"severity":"error","code":"authenticator-extension.bad-secret","message":"m","entry":0,"skipped":true},"#
      + #"{"severity":"warning","code":"9lives","message":"n","line":3}]}"#
    let folder = try Self.plugin("codes", Self.describeOK + "cat >/dev/null; echo '\(reply)'\n")
    let input = try CLI.temporaryFolder() + "/input.dat"
    try "anything".write(toFile: input, atomically: true, encoding: .utf8)
    let run = try CLI.run(["inspect", input, "--from", "bad", "--plugin-dir", folder, "--json", "--fail-on", "never"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains(#""code" : "AUTHENTICATOR_EXTENSION_BAD_SECRET""#))
    #expect(run.stdout.contains(#""code" : "PLUGIN_FINDING""#))
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
    let run = try CLI.run(["inspect", Self.backup, "--plugin-dir", folder, "--plugin-dir", Self.examples])
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
