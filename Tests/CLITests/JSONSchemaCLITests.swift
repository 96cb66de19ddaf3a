import Foundation
import TestSupport
import Testing

/// Every command's --json, on inputs that fill in every part of its shape (findings, refusals,
/// changes, missing and unexpected accounts, Microsoft entries, failed tenant users), is valid
/// against its schema in docs/schema/, checked by the jsonschema package (validate-json.py), not
/// by otpbridge's own code.
@Suite struct JSONSchemaCLITests {
  static let root = Vectors.packageRoot.path
  static let schemas = root + "/docs/schema"
  static let accounts = root + "/examples/otpauth/accounts.txt"
  static let withProblems = root + "/examples/otpauth/with-problems.txt"

  /// Runs validate-json.py on `documents` (written into `folder`) against `schema`.
  static func validate(_ documents: [String], schema: String, in folder: String) throws -> CLI.Run {
    var paths: [String] = []
    for (index, document) in documents.enumerated() {
      let path = "\(folder)/\(schema)-\(index).json"
      try Data(document.utf8).write(to: URL(fileURLWithPath: path))
      paths.append(path)
    }
    let script = Vectors.packageRoot.appendingPathComponent("Tests/CLITests/validate-json.py").path
    return CLI.Run(try Subprocess.run("/usr/bin/python3", [script, schemas, "\(schema)-v1.schema.json"] + paths))
  }

  static func expectValid(_ runs: [CLI.Run], schema: String, in folder: String) throws {
    for run in runs { #expect(run.stdout.hasPrefix("{"), "\(schema): \(run.stderr)") }
    let check = try validate(runs.map(\.stdout), schema: schema, in: folder)
    #expect(check.status == 0, "\(schema): \(check.all)")
  }

  @Test func theValidatorRefusesADocumentThatBreaksTheSchema() throws {
    let folder = try CLI.temporaryFolder()
    let broken = #"{"accounts": [], "findings": [{"severity": "fatal", "code": "X", "message": "m"}], "version": 1}"#
    let check = try Self.validate([broken], schema: "inspect", in: folder)
    #expect(check.status == 1)
    #expect(check.stdout.contains("'microsoft' is a required property"))
    #expect(check.stdout.contains("'fatal' is not one of"))
  }

  @Test func inspectCodesFormatsAndVersion() throws {
    let folder = try CLI.temporaryFolder()
    try Self.expectValid(
      [
        try CLI.run(["inspect", Self.accounts, "--json"]),
        try CLI.run(["inspect", Self.withProblems, "--json", "--show-secrets", "--fail-on", "never"]),
      ], schema: "inspect", in: folder)
    // Aegis's test vault holds Steam, mOTP (lower-case hex codes) and Yandex accounts.
    let kinds = Vectors.path("stratum/data/aegis.unencrypted.json")
    try Self.expectValid(
      [
        try CLI.run(["codes", Self.accounts, Self.withProblems, "--json", "--at", "59", "--fail-on", "never"]),
        try CLI.run(["codes", kinds, "--json", "--at", "59", "--fail-on", "never"]),
      ], schema: "codes", in: folder)
    try Self.expectValid([try CLI.run(["inspect", kinds, "--json", "--fail-on", "never"])], schema: "inspect", in: folder)
    try Self.expectValid([try CLI.run(["formats", "--json"])], schema: "formats", in: folder)
    try Self.expectValid([try CLI.run(["version", "--json"])], schema: "version", in: folder)
  }

  @Test func convertWrittenRefusedAndLossy() throws {
    let folder = try CLI.temporaryFolder()
    let written = try CLI.run(["convert", Self.accounts, "--to", "aegis", "-o", "\(folder)/a.json", "--json"])
    #expect(written.status == 0)
    let refused = try CLI.run(["convert", Self.accounts, "--to", "2fas", "-o", "\(folder)/b.2fas", "--json"])
    #expect(refused.status == 1)
    #expect(refused.stdout.contains(#""written" : false"#) && refused.stdout.contains(#""error" : "#))
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/b.2fas"))
    let lossy = try CLI.run([
      "convert", Self.withProblems, "--to", "google-migration", "--allow-lossy", "--qr", "png", "\(folder)/qr",
      "-o", "\(folder)/links.txt", "--json",
    ])
    #expect(lossy.status == 0, "\(lossy.stderr)")
    #expect(lossy.stdout.contains(#""kind" : "png""#))
    // Standard error keeps only errors: the report is in the JSON.
    #expect(written.stderr.isEmpty && lossy.stderr.isEmpty)
    try Self.expectValid([written, refused, lossy], schema: "convert", in: folder)
  }

  @Test func verifyPassingAndFailing() throws {
    let folder = try CLI.temporaryFolder()
    #expect(try CLI.run(["convert", Self.accounts, "--to", "otpauth", "-o", "\(folder)/same.txt"]).status == 0)
    let passing = try CLI.run(["verify", Self.accounts, "\(folder)/same.txt", "--json", "--every-code"])
    #expect(passing.status == 0)
    #expect(passing.stdout.contains(#""result" : "same-codes""#))
    // A converted file with one account fewer and one account more: missing and unexpected.
    let lines = try String(contentsOfFile: Self.accounts, encoding: .utf8).split(separator: "\n").dropFirst()
    try (lines.joined(separator: "\n") + "\notpauth://totp/Extra:x?secret=JBSWY3DPEHPK3PXP\n")
      .write(toFile: "\(folder)/changed.txt", atomically: true, encoding: .utf8)
    let failing = try CLI.run(["verify", Self.accounts, "--against", "\(folder)/changed.txt", "--json"])
    #expect(failing.status == 1)
    #expect(failing.stdout.contains(#""result" : "missing""#) && failing.stdout.contains(#""unexpected" : ["#))
    try Self.expectValid([passing, failing], schema: "verify", in: folder)
  }

  @Test func auditWithMicrosoftEntries() throws {
    let folder = try CLI.temporaryFolder()
    let audit = try CLI.run([
      "audit", Self.root + "/examples/microsoft", Self.withProblems, "--json", "--target", "google-authenticator",
    ])
    #expect(audit.stdout.contains(#""microsoft" : true"#))
    try Self.expectValid([audit], schema: "audit", in: folder)
  }

  @Test func tenantMigrateAndMerge() throws {
    let folder = try CLI.temporaryFolder()
    let environment = ["ERIN_EXPORT_PASSWORD": "example", "ERIN_NEW_PASSWORD": "new-example"]
    let manifest = Self.root + "/examples/tenant/manifest.csv"
    let migrate = try CLI.run(
      ["tenant", "migrate", manifest, "--out", "\(folder)/run", "--to", "otpauth", "--json"], environment: environment)
    #expect(migrate.status == 5, "\(migrate.stderr)")  // dave's export is missing, by design
    let onFile = try String(contentsOfFile: "\(folder)/run/report.json", encoding: .utf8)
    #expect(migrate.stdout == onFile)
    let merge = try CLI.run(["tenant", "merge", "\(folder)/run/report.json", "-o", "\(folder)/merged.json", "--json"])
    #expect(merge.status == 5)
    try Self.expectValid([migrate, merge], schema: "tenant-report", in: folder)
  }
}
