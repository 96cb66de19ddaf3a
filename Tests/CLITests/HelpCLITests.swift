import Foundation
import TestSupport
import Testing

/// Each command's help, and the JSON of typical runs, equal the transcripts in
/// Tests/CLITests/Transcripts/ (run with OTPBRIDGE_UPDATE_TRANSCRIPTS=1 to rewrite them after a
/// deliberate change, then read the diff); every example a help shows runs with the exit code it
/// states, and the README shows it.
@Suite struct HelpCLITests {
  static let root = Vectors.packageRoot.path
  static let transcripts = root + "/Tests/CLITests/Transcripts"
  /// A fixed width: the parser wraps help to the terminal's.
  static let environment = ["COLUMNS": "100"]

  static let commands: [[String]] = [
    [], ["formats"], ["inspect"], ["convert"], ["codes"], ["verify"], ["audit"], ["tenant"], ["tenant", "migrate"],
    ["tenant", "merge"], ["serve"], ["version"],
  ]

  /// What the transcripts hold: each command's help, and the JSON of runs whose output depends
  /// only on the examples (relative paths, a fixed time).
  static let runs: [(name: String, arguments: [String])] =
    commands.map { ("help-" + ($0.isEmpty ? "otpbridge" : $0.joined(separator: "-")), $0 + ["--help"]) } + [
      ("inspect-json", ["inspect", "examples/otpauth/with-problems.txt", "--json", "--fail-on", "never"]),
      ("codes-json", ["codes", "examples/otpauth/accounts.txt", "--at", "1234567890", "--json"]),
      ("convert-json-refused", ["convert", "examples/otpauth/accounts.txt", "--to", "2fas", "-o", "/nonexistent/x", "--json"]),
      ("verify-json", ["verify", "examples/otpauth/accounts.txt", "examples/otpauth/accounts.txt", "--at", "59", "--json"]),
      ("audit-json", ["audit", "examples/microsoft", "--json", "--fail-on", "never"]),
      ("formats-json", ["formats", "--json"]),
    ]

  static func transcript(_ arguments: [String]) throws -> String {
    let run = try CLI.run(arguments, environment: environment, in: root)
    return "$ otpbridge \(arguments.joined(separator: " "))\n\(run.stdout)[exit \(run.status)]\n"
  }

  @Test(arguments: runs.map(\.name))
  func outputEqualsItsTranscript(name: String) throws {
    let arguments = try #require(Self.runs.first { $0.name == name }?.arguments)
    let actual = try Self.transcript(arguments)
    let path = "\(Self.transcripts)/\(name).txt"
    if ProcessInfo.processInfo.environment["OTPBRIDGE_UPDATE_TRANSCRIPTS"] == "1" {
      try actual.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(
      actual == expected, "\(name): differs from \(path); if the change is meant, rewrite with OTPBRIDGE_UPDATE_TRANSCRIPTS=1")
  }

  /// `help X`, `X -h` and `X --help` print the same, ending with X's examples.
  @Test(arguments: commands)
  func helpEndsWithExamplesHoweverItIsAsked(command: [String]) throws {
    let long = try CLI.run(command + ["--help"], environment: Self.environment)
    #expect(long.status == 0 && long.stderr.isEmpty)
    #expect(try CLI.run(command + ["-h"], environment: Self.environment).stdout == long.stdout)
    #expect(try CLI.run(["help"] + command, environment: Self.environment).stdout == long.stdout)
    if command != ["tenant"] {
      let examples = try #require(long.stdout.range(of: "\nEXAMPLES:\n"), "\(command)")
      #expect(long.stdout[examples.upperBound...].contains("$ otpbridge ") || long.stdout.contains("$ ERIN_"))
    }
  }

  /// The examples of every help, run in order in one folder (verify reads the vault convert
  /// wrote), from the project's folder's examples/: each ends with the exit code it states, and
  /// each is in the README.
  @Test func everyExampleRunsAndIsInTheReadme() throws {
    let folder = try CLI.temporaryFolder()
    try FileManager.default.createSymbolicLink(atPath: "\(folder)/examples", withDestinationPath: Self.root + "/examples")
    let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
    var seen: Set<String> = []
    for command in Self.commands {
      let help = try CLI.run(command + ["--help"], environment: Self.environment).stdout
      let lines = help.components(separatedBy: "\n")
      guard let start = lines.firstIndex(of: "EXAMPLES:") else { continue }
      for (index, line) in lines.enumerated().dropFirst(start + 1) where line.hasPrefix("  $ ") {
        let example = String(line.dropFirst(4))
        guard seen.insert(example).inserted else { continue }
        let stated = lines[index - 1].range(of: #"exit (\d)"#, options: .regularExpression).map {
          Int32(lines[index - 1][$0].dropFirst(5))!
        }
        #expect(readme.contains(example), "README.md does not show: \(example)")
        // A server runs until its page says Done: ServeTests starts one and drives its page.
        if example.hasPrefix("otpbridge serve") { continue }
        let binaryFolder = (CLI.binary as NSString).deletingLastPathComponent
        let run = CLI.Run(
          try Subprocess.run(
            "/bin/bash", ["-c", example],
            environment: ["PATH": "\(binaryFolder):/usr/bin:/bin"], in: folder))
        #expect(run.status == (stated ?? 0), "\(example): \(run.stderr)")
        #expect(readme.contains(example), "README.md does not show: \(example)")
      }
    }
    #expect(seen.count >= 15)
  }
}
