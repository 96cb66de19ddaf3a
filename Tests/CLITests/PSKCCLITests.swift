import Foundation
import TestSupport
import Testing

/// Vendor token seeds into one Entra ID upload file (docs/tenant.md), from the fixtures that
/// Tests/PSKCTests/Fixtures/make-fixtures.py made with python-pskc.
@Suite struct PSKCCLITests {
  static let fixtures = Vectors.packageRoot.appendingPathComponent("Tests/PSKCTests/Fixtures").path

  static func fixture(_ name: String) -> String { fixtures + "/" + name }

  struct Expected: Decodable {
    var entraUpload: [String]
  }

  static func expectedUpload() throws -> [String] {
    try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("expected.json")))).entraUpload
  }

  static func lines(_ path: String) throws -> [String] {
    try String(decoding: Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
      .split(whereSeparator: \.isNewline).map(String.init)
  }

  @Test func encryptedPSKCWithAssignmentGivesTheEntraUploadFile() throws {
    let folder = try CLI.temporaryFolder()
    let upload = folder + "/upload.csv"
    let run = try CLI.run([
      "convert", Self.fixture("entra-tokens.pskcxml"), "--password-file", Self.fixture("pbkdf2-password.txt"),
      "--assign", Self.fixture("assignment.csv"), "--to", "entra-csv", "-o", upload,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.lines(upload) == Self.expectedUpload())
    let mode = try FileManager.default.attributesOfItem(atPath: upload)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func seedCSVWithAssignmentGivesTheUsersSerialsAndSecrets() throws {
    let folder = try CLI.temporaryFolder()
    let upload = folder + "/upload.csv"
    let run = try CLI.run([
      "convert", Self.fixture("seeds.csv"), "--assign", Self.fixture("assignment.csv"), "--to", "entra-csv", "-o", upload,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    // A plain serial,secret list says nothing of periods: every token is 30 s.
    let rows = try Self.lines(upload).map { $0.split(separator: ",").map(String.init) }
    let expected = try Self.expectedUpload().map { $0.split(separator: ",").map(String.init) }
    #expect(rows.map { $0.prefix(3) } == expected.map { $0.prefix(3) })
    #expect(rows.dropFirst().allSatisfy { $0[3] == "30" })
  }

  @Test func anUnassignedSerialIsALossAndRefused() throws {
    let folder = try CLI.temporaryFolder()
    let partial = folder + "/partial.csv"
    try "serial,upn\nENT-1001,dana@contoso.com\nENT-1003,fay@contoso.com\n".write(
      toFile: partial, atomically: true, encoding: .utf8)
    let upload = folder + "/upload.csv"
    let arguments = [
      "convert", Self.fixture("entra-tokens.pskcxml"), "--password-file", Self.fixture("pbkdf2-password.txt"),
      "--assign", partial, "--to", "entra-csv", "-o", upload,
    ]
    let refused = try CLI.run(arguments)
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("ENT-1002"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: upload))
    let allowed = try CLI.run(arguments + ["--allow-lossy"])
    #expect(allowed.status == 0, "\(allowed.stderr)")
    let expected = try Self.expectedUpload()
    #expect(try Self.lines(upload) == [expected[0], expected[1], expected[3]])
  }

  @Test func aWrongPasswordIsTold() throws {
    let folder = try CLI.temporaryFolder()
    let run = try CLI.run(
      [
        "convert", Self.fixture("entra-tokens.pskcxml"), "--password-env", "PSKC_PASSWORD", "--to", "otpauth", "-o",
        folder + "/out.txt",
      ],
      environment: ["PSKC_PASSWORD": "hunter2-not-it"])
    #expect(run.status != 0)
    #expect(run.stderr.lowercased().contains("password"), "\(run.stderr)")
    #expect(!run.stderr.contains("hunter2"), "the password itself must not be echoed")
  }

  /// An admin with a vendor's file in a pre-RFC draft layout: its keys convert; an encrypted one
  /// is refused (exit 3), never converted into an empty file.
  @Test func aDraftLayoutFileConvertsAndAnEncryptedOneIsRefused() throws {
    let folder = try CLI.temporaryFolder()
    let run = try CLI.run([
      "convert", Self.fixture("draft-keyprov-container.pskcxml"), "--to", "otpauth", "-o", "\(folder)/out.txt",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("Wrote 2 account(s)"))
    let refused = try CLI.run([
      "convert", Self.fixture("draft-keyprov-encrypted.pskcxml"), "--to", "otpauth", "-o", "\(folder)/enc.txt",
    ])
    #expect(refused.status == 3)
    #expect(refused.stderr.contains("pre-RFC 6030 draft layout, with encrypted values"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/enc.txt"))
  }
}
