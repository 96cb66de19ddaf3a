import Foundation
import TestSupport
import Testing

/// `otpbridge serve` (issue 22): its page driven in a real browser (Debian's chromium through
/// Selenium, Tests/CLITests/serve-browser.py) through the journeys people take, and the requests a
/// page of another site, another host name or another interface could make, refused. Screenshots
/// of each step are kept in .build/serve-screenshots/ for a person to look at.
@Suite(.serialized) struct ServeTests {
  static let root = Vectors.packageRoot.path
  static let python = root + "/.build/test-venv/bin/python"
  static let script = root + "/Tests/CLITests/serve-browser.py"

  /// A running `otpbridge serve --no-open` and the address it printed.
  final class Server {
    let process = Process()
    let output = Pipe()
    var address = ""

    init() throws {
      process.executableURL = URL(fileURLWithPath: CLI.binary)
      process.arguments = ["serve", "--no-open", "--idle-minutes", "5"]
      process.standardOutput = output
      process.standardError = FileHandle.nullDevice
      try process.run()
      var text = ""
      let deadline = Date().addingTimeInterval(20)
      while !text.contains("\n"), Date() < deadline {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        text += String(decoding: chunk, as: UTF8.self)
      }
      address = text.split(separator: "\n").first.map(String.init) ?? ""
    }

    /// Waits up to `seconds` for the server to stop; false if it is still running (then it is stopped).
    func stopped(within seconds: Double) -> Bool {
      let deadline = Date().addingTimeInterval(seconds)
      while process.isRunning, Date() < deadline { usleep(100_000) }
      defer { if process.isRunning { process.terminate() } }
      return !process.isRunning
    }
  }

  @Test func theAddressIsLoopbackWithATokenAndSecuritySaysNo() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make test-venv")
    let server = try Server()
    #expect(server.address.wholeMatch(of: /http:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{32}\//) != nil, "\(server.address)")
    let run = CLI.Run(try Subprocess.run(Self.python, [Self.script, "security", server.address]))
    #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
    // Ctrl-C (SIGINT) stops it.
    kill(server.process.processIdentifier, SIGINT)
    #expect(server.stopped(within: 10))
  }

  @Test func journeysInARealBrowser() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make test-venv")
    try #require(
      FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
      "no chromedriver: scripts/bootstrap.sh installs Debian's chromium and chromium-driver")
    let transfer = try JourneyCLITests.googleTransfer()
    let folder = transfer.folder
    let examples = Self.root + "/examples"
    for (from, to) in [
      ("microsoft/phonefactor-qr.png", "microsoft.png"), ("aegis/vault-encrypted.json", "vault.json"),
      ("aegis/password.txt", "vault-password.txt"),
    ] {
      try FileManager.default.copyItem(atPath: "\(examples)/\(from)", toPath: "\(folder)/\(to)")
    }
    try "a new password for the vault\n".write(toFile: "\(folder)/new-password.txt", atomically: true, encoding: .utf8)
    let server = try Server()
    let run = CLI.Run(
      try Subprocess.run(
        Self.python, [Self.script, "journeys", server.address, folder] + transfer.shots.map { "\(folder)/\($0)" }))
    // Kept for a person to look at, whatever the outcome.
    let kept = Self.root + "/.build/serve-screenshots"
    try? FileManager.default.removeItem(atPath: kept)
    try? FileManager.default.copyItem(atPath: "\(folder)/screens", toPath: kept)
    try #require(run.status == 0, "\(run.stdout) \(run.stderr.suffix(2000))")
    // Done on the page stops the server.
    #expect(server.stopped(within: 10), "the server still runs after Done")
    // The vault the browser downloaded gives the codes of the three screenshots.
    let verify = try CLI.run(
      ["verify"] + transfer.shots + [
        "--against", "download/otpbridge-aegis.json", "--converted-password-file", "new-password.txt",
      ],
      in: folder)
    #expect(verify.status == 0 && verify.all.contains("all 23 accounts match"), "\(verify.all)")
    let screens = try FileManager.default.contentsOfDirectory(atPath: kept)
    #expect(screens.count >= 8, "\(screens)")
  }
}
