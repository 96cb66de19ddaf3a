import Foundation
import OTPCore
import TestSupport
import Testing

/// Issue 3's "Done when" checks and the `convert --qr` options, on the built binary.
@Suite struct CLIQRTests {
  static let plain = Vectors.path("aegis/importers/plain.txt")
  static let fixtures = Vectors.packageRoot.appendingPathComponent("Tests/QRTests/Fixtures").path

  struct Inspected: Decodable {
    struct Entry: Decodable {
      var type: String
      var issuer: String
      var name: String
      var algorithm: String
      var digits: Int
      var period: Int?
      var counter: UInt64?
      var secret: String?
    }
    var accounts: [Entry]
    var findings: [String]
  }

  static func inspect(_ paths: [String]) throws -> (run: CLI.Run, result: Inspected) {
    let run = try CLI.run(["inspect", "--json", "--show-secrets", "--fail-on", "never"] + paths)
    return (run, try JSONDecoder().decode(Inspected.self, from: Data(run.stdout.utf8)))
  }

  /// plain.txt to google-migration as QR codes: the codes give back the accounts the format holds,
  /// and the loss report names the Steam entry, the 7-digit entries and the periods other than 30 s.
  @Test func aegisPlainListAsGoogleTransferCodes() throws {
    let folder = try CLI.temporaryFolder()
    let convert = try CLI.run([
      "convert", Self.plain, "--to", "google-migration", "--allow-lossy", "--qr", "html", folder + "/out.html",
    ])
    #expect(convert.status == 0, "\(convert.stderr)")
    #expect(
      convert.stderr.contains(
        "DROPPED  \(Self.plain):7: Boeing (Sophia): Google Authenticator transfer cannot hold steam accounts"))
    #expect(convert.stderr.components(separatedBy: "digits changed from 7 to 6").count == 3)
    #expect(convert.stderr.contains("period changed from 20 s to 30 s"))
    #expect(convert.stderr.contains("period changed from 50 s to 30 s"))
    #expect(convert.stderr.contains("3 kept, 3 changed, 1 dropped"))
    let page = try String(contentsOfFile: folder + "/out.html", encoding: .utf8)
    #expect(page.contains("Google Authenticator transfer, code 1 of 1"))
    #expect((try FileManager.default.attributesOfItem(atPath: folder + "/out.html")[.posixPermissions] as? Int) == 0o600)

    // The same codes as PNG files, read back by the qr plugin.
    let png = try CLI.run(["convert", Self.plain, "--to", "google-migration", "--allow-lossy", "--qr", "png", folder + "/codes"])
    #expect(png.status == 0, "\(png.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/codes")
    #expect(files == ["1-Google-Authenticator-transfer-code-1-of-1.png"])
    let back = try Self.inspect([folder + "/codes/" + files[0]]).result
    let source = try Self.inspect([Self.plain]).result
    #expect(back.findings.isEmpty)
    #expect(back.accounts.map(\.issuer) == ["Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE"])
    #expect(back.accounts.map(\.secret) == source.accounts.prefix(6).map(\.secret))
    #expect(back.accounts.map(\.algorithm) == source.accounts.prefix(6).map(\.algorithm))
    #expect(back.accounts.map(\.digits) == [6, 6, 8, 6, 6, 8])
    #expect(back.accounts.map(\.counter) == [nil, nil, nil, 1, 50, 10300])
    #expect(back.accounts.compactMap(\.period) == [30, 30, 30])
  }

  /// A screenshot of one batch of a three-batch export: its accounts, and the missing batches named.
  @Test func screenshotOfOneBatchOfThree() throws {
    let run = try CLI.run(["inspect", Self.fixtures + "/screenshot-code-1-of-3.png"])
    #expect(run.status == 1)
    #expect(run.stdout.contains("10 account(s) from"))
    #expect(run.stdout.contains("user10@example.org"))
    #expect(run.stderr.contains("QR codes 2 and 3 of 3 are missing (you gave 1)"))
  }

  /// The photo an iPhone saves (HEIC) and a WebP screenshot read like PNG and JPEG.
  @Test(arguments: ["photo-of-screen.heic", "screenshot-code-1-of-3.webp"])
  func anIPhonePhotoAndAWebPScreenshotRead(_ name: String) throws {
    let run = try CLI.run(["inspect", Self.fixtures + "/" + name])
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stdout.contains("10 account(s) from"))
    #expect(run.stderr.contains("QR codes 2 and 3 of 3 are missing (you gave 1)"))
  }

  @Test func qrIsAnAlternativeToOutputAndTerminalDrawsOnStandardOutput() throws {
    let terminal = try CLI.run(["convert", Self.plain, "--to", "otpauth", "--qr", "terminal"])
    #expect(terminal.status == 0, "\(terminal.stderr)")
    #expect(terminal.stdout.contains("Deno (Mason)\n"))
    #expect(terminal.stdout.contains("▀") && terminal.stdout.contains("▄"))
    #expect(try CLI.run(["convert", Self.plain, "--to", "otpauth"]).status == 2)
    #expect(try CLI.run(["convert", Self.plain, "--to", "otpauth", "--qr", "gif", "x"]).status == 2)
    #expect(try CLI.run(["convert", Self.plain, "--to", "otpauth", "--qr", "terminal", "--batch-size", "3"]).status == 2)
  }

  @Test func batchSizeSplitsTheExport() throws {
    let run = try CLI.run(["convert", Self.plain, "--to", "google-migration", "--allow-lossy", "--batch-size", "4", "-o", "-"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.split(separator: "\n").count == 2)
    #expect(try CLI.run(["convert", Self.plain, "--to", "google-migration", "--batch-size", "0", "-o", "-"]).status == 2)
  }

  @Test func existingQRFilesAreNotReplacedUnasked() throws {
    let folder = try CLI.temporaryFolder()
    let arguments = ["convert", Self.plain, "--to", "otpauth", "--qr", "svg", folder + "/svg"]
    #expect(try CLI.run(arguments).status == 0)
    let again = try CLI.run(arguments)
    #expect(again.status == 2)
    #expect(again.stderr.contains("exists"))
    #expect(try CLI.run(arguments + ["--force"]).status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/svg").count == 7)
  }

  /// With --force, a run that fails half way still takes back the files it added (an earlier
  /// file it replaced stays replaced): the second code's name is taken by a folder, which --force
  /// does not replace.
  @Test func aFailedForcedRunRemovesTheFilesItAdded() throws {
    let folder = try CLI.temporaryFolder() + "/svg"
    let arguments = ["convert", Self.plain, "--to", "otpauth", "--qr", "svg", folder]
    #expect(try CLI.run(arguments).status == 0)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    for name in names { try FileManager.default.removeItem(atPath: folder + "/" + name) }
    try FileManager.default.createDirectory(atPath: folder + "/" + names[1], withIntermediateDirectories: false)
    let run = try CLI.run(arguments + ["--force"])
    #expect(run.status == 4, "\(run.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [names[1]])
  }
}
