import Foundation
import OTPCore
import TestSupport
import Testing

@Suite struct CLITests {
  static let plain = Vectors.path("aegis/importers/plain.txt")

  struct CodeEntry: Decodable {
    var issuer: String
    var name: String
    var type: String
    var code: String?
  }

  @Test func codesJSONGivesTheExpectedCodesInInputOrder() throws {
    let run = try CLI.run(["codes", Self.plain, "--at", "1234567890", "--json"])
    #expect(run.status == 0, "\(run.stderr)")
    struct Document: Decodable { var accounts: [CodeEntry] }
    let entries = try JSONDecoder().decode(Document.self, from: Data(run.stdout.utf8)).accounts
    #expect(entries.map(\.issuer) == ["Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE", "Boeing"])
    #expect(entries.map(\.code) == ["001580", "8650438", "21994524", "253717", "4444976", "24622277", "WR5P6"])
    #expect(entries.map(\.type) == ["totp", "totp", "totp", "hotp", "hotp", "hotp", "steam"])
    #expect(entries[0].name == "Mason")
  }

  @Test func convertThenVerifyPassesAndAnAlteredCopyFailsNamingTheAccount() throws {
    let folder = try CLI.temporaryFolder()
    let out = folder + "/out.txt"
    let convert = try CLI.run(["convert", Self.plain, "--to", "otpauth", "-o", out])
    #expect(convert.status == 0, "\(convert.stderr)")
    #expect(convert.stderr.contains("7 kept, 0 changed, 0 dropped"))
    let attributes = try FileManager.default.attributesOfItem(atPath: out)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

    let verify = try CLI.run(["verify", Self.plain, out])
    #expect(verify.status == 0, "\(verify.all)")
    #expect(verify.stdout.contains("all 7 accounts match: each has the same secret and code settings"))
    let everyCode = try CLI.run(["verify", Self.plain, out, "--every-code"])
    #expect(everyCode.status == 0, "\(everyCode.all)")
    #expect(everyCode.stdout.contains("all 7 accounts match; codes compared at 7 instants, HOTP at 3 counters."))

    let altered = folder + "/altered.txt"
    let text = try String(contentsOfFile: out, encoding: .utf8).replacingOccurrences(of: "period=50", with: "period=30")
    try text.write(toFile: altered, atomically: true, encoding: .utf8)
    let failed = try CLI.run(["verify", Self.plain, altered])
    #expect(failed.status == 1)
    #expect(failed.stdout.contains("Airbnb (Elijah)"))
    #expect(!failed.stdout.contains("Deno (Mason)"))
  }

  @Test func refusesToOverwriteWithoutForce() throws {
    let out = try CLI.temporaryFolder() + "/out.txt"
    try "keep me".write(toFile: out, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["convert", Self.plain, "--to", "otpauth", "-o", out])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("--force"))
    #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me")
    let forced = try CLI.run(["convert", Self.plain, "--to", "otpauth", "-o", out, "--force"])
    #expect(forced.status == 0)
    #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("otpauth://"))
  }

  /// A change only reading the output back finds (an otpauth label keeps no trailing space) is
  /// refused like any other, and the file being written is discarded.
  @Test func aChangeFoundByReadingBackIsRefusedAndLeavesNoFile() throws {
    let folder = try CLI.temporaryFolder()
    let input = folder + "/in.json"
    try
      #"{"format": "otpbridge-json", "version": 1, "accounts": [{"type": "totp", "secret": "JBSWY3DPEHPK3PXP", "name": "trail "}]}"#
      .write(toFile: input, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["convert", input, "--to", "otpauth", "-o", folder + "/out.txt"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("found by reading the output back"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["in.json"])
  }

  @Test func lossyConversionIsRefusedUntilAllowedAndLeavesNoFile() throws {
    let folder = try CLI.temporaryFolder()
    let input = folder + "/in.txt"
    try "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\notpauth://totp/b?secret=!!\n".write(
      toFile: input, atomically: true, encoding: .utf8)
    let out = folder + "/out.txt"
    let refused = try CLI.run(["convert", input, "--to", "otpauth", "-o", out])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("in.txt:2"))
    #expect(refused.stderr.contains("--allow-lossy"))
    #expect(!FileManager.default.fileExists(atPath: out))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["in.txt"])
    let allowed = try CLI.run(["convert", input, "--to", "otpauth", "-o", out, "--allow-lossy"])
    #expect(allowed.status == 0)
    #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 1)
  }

  @Test func exitCodes() throws {
    #expect(try CLI.run(["inspect", Self.plain]).status == 0)
    #expect(try CLI.run(["convert", Self.plain, "--to", "nope", "-o", "-"]).status == 2)
    #expect(try CLI.run(["convert", Self.plain]).status == 2)
    #expect(try CLI.run(["frobnicate"]).status == 2)
    #expect(try CLI.run(["inspect", "/no/such/file.txt"]).status == 3)
    let folder = try CLI.temporaryFolder()
    try Data([0, 159, 146, 150]).write(to: URL(fileURLWithPath: folder + "/x.bin"))
    let unknown = try CLI.run(["inspect", folder + "/x.bin"])
    #expect(unknown.status == 3)
    #expect(unknown.stderr.contains("x.bin"))
    #expect(unknown.stderr.contains("--from"))
    try "otpauth://totp/a?secret=!!\n".write(toFile: folder + "/bad.txt", atomically: true, encoding: .utf8)
    #expect(try CLI.run(["inspect", folder + "/bad.txt"]).status == 1)
    #expect(try CLI.run(["inspect", folder + "/bad.txt", "--fail-on", "never"]).status == 0)
    #expect(try CLI.run(["--help"]).status == 0)
  }

  @Test func noSecretAppearsWithoutShowSecrets() throws {
    let secrets = try String(contentsOfFile: Self.plain, encoding: .utf8).split(separator: "\n").compactMap { line in
      line.split(separator: "secret=").last?.split(separator: "&").first.map(String.init)
    }
    #expect(secrets.count == 7)
    let folder = try CLI.temporaryFolder()
    try "otpauth://totp/a?secret=JBSWY3DPEHPK3PX!\n".write(toFile: folder + "/bad.txt", atomically: true, encoding: .utf8)
    let runs = [
      try CLI.run(["inspect", Self.plain]),
      try CLI.run(["inspect", Self.plain, "--json"]),
      try CLI.run(["codes", Self.plain]),
      try CLI.run(["codes", Self.plain, "--json"]),
      try CLI.run(["convert", Self.plain, "--to", "otpauth", "-o", folder + "/o.txt"]),
      try CLI.run(["verify", Self.plain, folder + "/o.txt"]),
      try CLI.run(["inspect", folder + "/bad.txt"]),
    ]
    for run in runs {
      for secret in secrets + ["JBSWY3DPEHPK3PX"] { #expect(!run.all.contains(secret)) }
    }
    let shown = try CLI.run(["inspect", Self.plain, "--show-secrets"])
    #expect(secrets.allSatisfy { shown.stdout.contains($0) })
  }

  @Test func standardInputAndOutput() throws {
    let text = try Data(contentsOf: URL(fileURLWithPath: Self.plain))
    let run = try CLI.run(["convert", "-", "--to", "otpauth", "-o", "-"], stdin: text)
    #expect(run.status == 0)
    #expect(run.stdout.split(separator: "\n").count == 7)
    #expect(run.stderr.contains("7 kept"))
  }

  /// On standard output nothing can be taken back: a refused conversion prints nothing there,
  /// whether the fitting or only the read-back finds the loss.
  @Test func aRefusedConversionPrintsNothingOnStandardOutput() throws {
    let lossy = Data("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\notpauth://totp/b?secret=!!\n".utf8)
    let readBack = Data(
      #"{"format": "otpbridge-json", "version": 1, "accounts": [{"type": "totp", "secret": "JBSWY3DPEHPK3PXP", "name": "trail "}]}"#
        .utf8)
    for (input, format) in [(lossy, "otpauth"), (readBack, "otpbridge-json")] {
      let run = try CLI.run(["convert", "-", "--from", format, "--to", "otpauth", "-o", "-"], stdin: input)
      #expect(run.status == 1, "\(run.stderr)")
      #expect(run.stdout.isEmpty)
      #expect(run.stderr.contains("--allow-lossy"))
    }
  }

  @Test func passwordsAreNeverArguments() throws {
    let help = try CLI.run(["convert", "--help"])
    #expect(help.stdout.contains("--password-file"))
    #expect(help.stdout.contains("--password-env"))
    #expect(help.stdout.contains("--new-password-file"))
    #expect(!help.stdout.contains("--password <"))
    #expect(try CLI.run(["convert", Self.plain, "--to", "otpauth", "-o", "-", "--password", "x"]).status == 2)
  }

  @Test func formatsListsTheOtpauthPlugin() throws {
    let run = try CLI.run(["formats", "--json"])
    #expect(run.status == 0)
    struct Entry: Decodable { var id: String; var reads: Bool; var writes: Bool; var kinds: [String] }
    struct Document: Decodable { var formats: [Entry] }
    let entries = try JSONDecoder().decode(Document.self, from: Data(run.stdout.utf8)).formats
    let otpauth = try #require(entries.first { $0.id == "otpauth" })
    #expect(otpauth.reads && otpauth.writes)
    #expect(otpauth.kinds.contains("steam"))
  }

  /// A format that writes Steam as `steam://SECRET` says what that form holds, in JSON and text.
  @Test func formatsSayWhatAKindsOwnFormHolds() throws {
    let run = try CLI.run(["formats", "--json"])
    struct Form: Decodable { var shape: String; var fields: [String]; var fixedIssuer: String? }
    struct Entry: Decodable { var id: String; var kindForms: [String: Form] }
    struct Document: Decodable { var formats: [Entry] }
    let entries = try JSONDecoder().decode(Document.self, from: Data(run.stdout.utf8)).formats
    let proton = try #require(entries.first { $0.id == "proton" }?.kindForms["steam"])
    #expect(proton.shape == "steam://SECRET" && proton.fixedIssuer == "Steam" && !proton.fields.contains("groups"))
    #expect(entries.first { $0.id == "otpauth" }?.kindForms.isEmpty == true)
    let text = try CLI.run(["formats"]).stdout
    #expect(
      text.contains(
        "Steam accounts are written as steam://SECRET, which holds only 30 s, 5 digits, issuer, name, note, favorite, groups, extra parameters url."
      ))
  }
}
