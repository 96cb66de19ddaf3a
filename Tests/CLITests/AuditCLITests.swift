import Foundation
import TestSupport
import Testing

/// `otpbridge audit` as a user runs it: issue 6's "done when" on the committed Microsoft examples.
@Suite struct AuditCLITests {
  static let microsoft = Vectors.packageRoot.appendingPathComponent("examples/microsoft").path

  @Test func aPhonefactorScreenshotIsExplainedForTheUserAndTheAdmin() throws {
    let run = try CLI.run(["audit", Self.microsoft + "/phonefactor-qr.png"])
    #expect(run.status == 1)
    #expect(run.stdout.contains("MS_PUSH_ACTIVATION"))
    #expect(run.stdout.contains("Microsoft Authenticator activation code, not a 2FA secret"))
    #expect(run.stdout.contains("\"I want to use a different authenticator app\""))
    #expect(run.stdout.contains("Your IT admin"))
    #expect(run.stdout.contains("\"Third-party software OATH tokens\""))
    // The activation code itself is never echoed.
    #expect(!run.all.contains("694660881"))
  }

  @Test func microsoftEntriesComeFirstAndFailOnDecidesTheExitCode() throws {
    let run = try CLI.run(["audit", Self.microsoft])
    let push = try #require(run.stdout.range(of: "MS_PUSH_ACTIVATION"))
    let plaintext = try #require(run.stdout.range(of: "PLAINTEXT_EXPORT"))
    #expect(push.lowerBound < plaintext.lowerBound)
    #expect(run.stdout.contains("MS_WORK_TOTP"))
    #expect(try CLI.run(["audit", Self.microsoft, "--fail-on", "never"]).status == 0)
    #expect(try CLI.run(["audit", Self.microsoft, "--json", "--sarif"]).status == 2)
    #expect(try CLI.run(["audit", "/no/such/folder"]).status == 3)
  }

  @Test func jsonAndSarifAreMachineReadable() throws {
    let json = try CLI.run(["audit", Self.microsoft, "--json", "--fail-on", "never"])
    let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    #expect(report["version"] as? Int == 1)
    let files = report["files"] as! [[String: Any]]
    let codes = files.flatMap { ($0["findings"] as! [[String: Any]]).map { $0["code"] as! String } }
    #expect(codes.filter { $0 == "MS_PUSH_ACTIVATION" }.count == 2)  // the QR image and the text line
    let sarif = try CLI.run(["audit", Self.microsoft, "--sarif", "--fail-on", "never"])
    let log = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as! [String: Any]
    #expect(log["version"] as? String == "2.1.0")
  }

  @Test func encryptedFilesAreReportedNotOpenedWithoutAPassword() throws {
    let vault = Vectors.path("aegis/importers/aegis_encrypted.json")
    let closed = try CLI.run(["audit", vault, "--fail-on", "never"])
    #expect(closed.stdout.contains("ENCRYPTED_NOT_OPENED"))
    let folder = try CLI.temporaryFolder()
    try "test\n".write(toFile: folder + "/pw", atomically: true, encoding: .utf8)
    let opened = try CLI.run(["audit", vault, "--password-file", folder + "/pw", "--fail-on", "never"])
    #expect(opened.stdout.contains("(aegis, 7 account(s), encrypted)"))
    #expect(!opened.stdout.contains("PLAINTEXT_EXPORT"))
    try "nope\n".write(toFile: folder + "/wrong", atomically: true, encoding: .utf8)
    let wrong = try CLI.run(["audit", vault, "--password-file", folder + "/wrong"])
    #expect(wrong.status == 1)
    #expect(wrong.stdout.contains("WRONG_PASSWORD"))
  }
}
