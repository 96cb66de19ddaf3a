import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

extension AuditTarget: ExpressibleByArgument {}
extension ArchiveOutput: ExpressibleByArgument {}

struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Check export files and folders: which entries cannot move, why, and what to do.",
    discussion: """
      Folders are searched recursively and every file is recognised by its content. Microsoft \
      entries come first. Checks: portability verdicts (Microsoft activation codes, push \
      enrolments, Steam, …), weak secrets, duplicates, label and issuer that disagree, HOTP \
      counters, unencrypted exports, and with --target the entries that app would show wrong \
      codes for. Encrypted files are opened with --password-file or --password-env, or reported \
      as "encrypted, not opened".
      """)

  @Argument(help: ArgumentHelp("Files and folders to audit.", valueName: "path"), completion: .file())
  var paths: [String]

  @Option(
    help: ArgumentHelp(
      "Also check what this app would show wrong codes for: \(AuditTarget.allCases.map(\.rawValue).joined(separator: ", ")).",
      valueName: "app"))
  var target: AuditTarget?

  @Option(
    help: ArgumentHelp("Read the password of encrypted files from the first line of this file.", valueName: "file"),
    completion: .file())
  var passwordFile: String?

  @Option(help: ArgumentHelp("Read the password of encrypted files from this environment variable.", valueName: "var"))
  var passwordEnv: String?

  @Flag(help: "Print the documented JSON report (docs/audit.md).")
  var json = false

  @Flag(help: "Print SARIF 2.1.0, for code-scanning views.")
  var sarif = false

  @Option(help: "Exit with 1 when a finding is at least this severe.")
  var failOn: FailureThreshold = .error

  func validate() throws {
    if json && sarif { throw ValidationError("choose one of --json and --sarif") }
  }

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  func run() throws {
    let registry = plugins.registry()
    // An audit of many files does not prompt: a file without a password is reported, not opened.
    let password = PasswordReference(file: passwordFile, environment: passwordEnv).provider(role: .opening("input"))
    let progress = Progress("auditing")
    let report = try Audit.run(paths: paths, target: target, password: password, registry: registry) { index, count, path in
      progress.update(index, of: count, item: path)
    }
    progress.finish()
    if json {
      try printJSON(report)
    } else if sarif {
      try StandardStreams.output(try Rendering.auditSARIF(report) + Data("\n".utf8))
    } else {
      try printOutput(Rendering.audit(report))
    }
    if failOn.isReached(by: report.allFindings.map(\.severity)) { throw ExitCode(1) }
  }
}
