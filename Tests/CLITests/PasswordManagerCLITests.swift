import Foundation
import TestSupport
import Testing

/// Issue 5's "done when", as a user runs it: an authenticator export converts to a 1Password 8 CSV
/// and to a password-protected Bitwarden JSON, verify accepts both against the source, and both
/// convert back to the same otpauth list.
@Suite struct PasswordManagerCLITests {
  @Test func authenticatorExportToOnePasswordAndProtectedBitwarden() throws {
    let folder = try CLI.temporaryFolder()
    let source = folder + "/source.txt"
    let uris = try Vectors.text("aegis/importers/plain.txt").split(separator: "\n").filter { $0.hasPrefix("otpauth://totp/") }
    try uris.joined(separator: "\n").write(toFile: source, atomically: true, encoding: .utf8)
    try "pässword\n".write(toFile: folder + "/pw", atomically: true, encoding: .utf8)

    let csv = try CLI.run(["convert", source, "--to", "1password-csv", "-o", folder + "/1p.csv"])
    #expect(csv.status == 0, "\(csv.all)")
    #expect(try CLI.run(["verify", source, folder + "/1p.csv"]).status == 0)

    let json = try CLI.run([
      "convert", source, "--to", "bitwarden-json", "-o", folder + "/bw.json", "--new-password-file", folder + "/pw",
    ])
    #expect(json.status == 0, "\(json.all)")
    let written = try String(contentsOfFile: folder + "/bw.json", encoding: .utf8)
    #expect(written.contains("\"passwordProtected\" : true"))
    #expect(try CLI.run(["verify", source, folder + "/bw.json", "--converted-password-file", folder + "/pw"]).status == 0)
    try "wrong\n".write(toFile: folder + "/wrong", atomically: true, encoding: .utf8)
    let wrong = try CLI.run(["verify", source, folder + "/bw.json", "--converted-password-file", folder + "/wrong"])
    #expect(wrong.status == 3 && wrong.stderr.contains("wrong password"))

    let original = try CLI.run(["convert", source, "--to", "otpauth", "-o", "-"]).stdout
    #expect(try CLI.run(["convert", folder + "/1p.csv", "--to", "otpauth", "-o", "-"]).stdout == original)
    #expect(
      try CLI.run(["convert", folder + "/bw.json", "--password-file", folder + "/pw", "--to", "otpauth", "-o", "-"]).stdout
        == original)
  }

  @Test func accountRestrictedBitwardenExportSaysHowToExportInstead() throws {
    let run = try CLI.run(["inspect", Vectors.path("stratum/data/bitwarden.encrypted.accountrestricted.json")])
    #expect(run.status == 3)
    #expect(run.stderr.contains("Password protected"))
  }
}
