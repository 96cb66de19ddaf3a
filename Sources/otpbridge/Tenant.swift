import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

struct Tenant: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tenant",
    abstract: "Migrate a whole organisation's users in one run, and merge the reports of shards.",
    discussion: "See docs/tenant.md for the manifest, the outputs and the exit codes.",
    subcommands: [TenantMigrate.self, TenantMerge.self])
}

/// Exit code of a tenant run in which some users failed (the others were migrated).
let someUsersFailed: Int32 = 5

struct TenantMigrate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate",
    abstract: "Convert every user of a manifest, in parallel, with a report for the tenant.",
    discussion: """
      Each user gets DIR/users/USER/ with the converted file (mode 0600) and findings.json (the \
      audit of that user's inputs). DIR/report.json and DIR/report.html sum up the tenant. Conversions \
      that change or drop accounts are written and counted as losses in the report. A journal \
      (DIR/journal.sqlite) records each user once its files are on disk: after a crash, run the \
      same command with --resume (a done user whose files changed since is converted again). \
      One run at a time may use DIR (it locks DIR/run.lock).

      Exit codes: 0 every user done; 5 some users failed (the rest are done; see the report); \
      2 usage, or DIR in use by another run; 3 the manifest cannot be read; 4 the outputs or the \
      journal cannot be written.
      """)

  @Argument(
    help: ArgumentHelp("The manifest, CSV or JSON (docs/tenant.md).", valueName: "manifest"),
    completion: .file(extensions: ["csv", "json"]))
  var manifest: String

  @Option(name: .customLong("out"), help: ArgumentHelp("The output folder.", valueName: "dir"), completion: .directory)
  var outputFolder: String

  @Option(
    name: .customLong("to"), help: ArgumentHelp("The target format of users whose row names none.", valueName: "id"),
    completion: Completions.formatIDs(.writing))
  var targetID: String?

  @Option(help: ArgumentHelp("Users converted at once (default: every core).", valueName: "n"))
  var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(
    help: ArgumentHelp(
      "Take slice I of N (I from 0) by a stable hash of the user id; each shard needs its own --out. auto (or auto/N) takes I and N from a Slurm, Kubernetes or AWS Batch array job.",
      valueName: "I/N"))
  var shard: String?

  @Flag(help: "Continue the run in --out (or start it if there is none): users the journal records as done are skipped.")
  var resume = false

  @Flag(help: "Also print the tenant report (report.json) on standard output (docs/schema/tenant-report-v1.schema.json).")
  var json = false

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  func validate() throws {
    guard jobs >= 1 else { throw ValidationError("--jobs must be 1 or more.") }
    if let shard, TenantShard(shard) == nil, !shard.hasPrefix("auto") {
      throw ValidationError("--shard takes I/N with 0 <= I < N (e.g. 0/4), or auto or auto/N.")
    }
  }

  func run() throws {
    let registry = plugins.registry()
    let resolved = try shard.map { try TenantShard.resolve($0, environment: ProcessInfo.processInfo.environment) }
    if let resolved, let source = resolved.source { Console.note("tenant: shard \(resolved.shard) (from \(source))") }
    let loaded = try TenantManifest.load(manifest)
    let options = TenantOptions(
      outputFolder: outputFolder, defaultTarget: targetID, jobs: jobs, shard: resolved?.shard, resume: resume)
    let display = ProgressDisplay()
    let report = try TenantMigration.run(manifest: loaded, options: options, registry: registry) { display.show($0) }
    display.end()
    if json { try copyToOutput("\(outputFolder)/\(TenantMigration.reportName)") }
    // With --quiet, only what warns: failed users, plaintext outputs, Microsoft re-enrolments.
    let summary = Console.isQuiet ? report.warningsText : report.summaryText
    if !summary.isEmpty { printError(summary) }
    Console.note("Reports: \(outputFolder)/\(TenantMigration.reportName), \(outputFolder)/\(TenantMigration.htmlName)")
    if report.summary.failed > 0 { throw ExitCode(someUsersFailed) }
  }
}

struct TenantMerge: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine the report.json of several shards into one report (JSON and HTML).",
    discussion:
      "The HTML report is written beside the JSON one, with the extension .html. Exit 5 when the merged tenant has failed users.")

  @Argument(
    help: ArgumentHelp("The shard reports (report.json of each --out).", valueName: "report"),
    completion: .file(extensions: ["json"]))
  var reports: [String]

  @Option(
    name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The merged JSON report.", valueName: "path"),
    completion: .file(extensions: ["json"]))
  var output: String

  @Flag(help: "Replace the outputs if they exist.")
  var force = false

  @Flag(help: "Also print the merged report on standard output (docs/schema/tenant-report-v1.schema.json).")
  var json = false

  @OptionGroup var console: ConsoleOptions

  func run() throws {
    let merged = try TenantReport.merge(try reports.map { ($0, try TenantReport.load($0)) })
    let html = (output as NSString).deletingPathExtension + ".html"
    try Files.write(try merged.json(), to: output, force: force)
    try Files.write(Array(TenantHTML.render(merged).utf8), to: html, force: force)
    if json { try StandardStreams.output(try merged.json()) }
    let summary = Console.isQuiet ? merged.warningsText : merged.summaryText
    if !summary.isEmpty { printError(summary) }
    Console.note("Merged \(reports.count) report(s) into \(output) and \(html).")
    if merged.summary.failed > 0 { throw ExitCode(someUsersFailed) }
  }
}

/// The file at `path` on standard output, a MiB at a time: a tenant's report can be large.
func copyToOutput(_ path: String) throws {
  guard let handle = FileHandle(forReadingAtPath: path) else { throw OTPError.cannotOpen(file: path, reason: "cannot open it") }
  defer { try? handle.close() }
  while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
    try StandardStreams.output(chunk)
  }
}

/// Progress on standard error: a bar redrawn in place on a terminal (users done of total, rate,
/// time left), one plain line per user otherwise (logs, CI); nothing with --quiet, whose summary
/// still lists the users who failed.
final class ProgressDisplay: @unchecked Sendable {
  private let terminal = isatty(STDERR_FILENO) == 1
  private let quiet = Console.isQuiet
  private let start = Date()
  private var drawn = false

  func show(_ progress: TenantProgress) {
    guard !quiet else { return }
    let elapsed = Date().timeIntervalSince(start)
    let ran = progress.finished - progress.skipped
    let rate = elapsed > 0 ? Double(ran) / elapsed : 0
    let left = progress.total - progress.finished
    let eta = rate > 0 ? Self.duration(Double(left) / rate) : "--:--"
    let counts = "\(progress.finished)/\(progress.total) users"
    if terminal {
      let width = 30
      let filled = progress.total == 0 ? width : width * progress.finished / progress.total
      let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
      let line = "\r[\(bar)] \(counts)  \(String(format: "%.1f", rate))/s  \(eta) left "
      StandardStreams.error(line.utf8)
      drawn = true
    } else if let latest = progress.latest {
      let outcome = (latest.status == .done ? "done" : "FAILED: \(latest.reason ?? "")") + (latest.note.map { " (\($0))" } ?? "")
      printError(
        "tenant: \(counts) (\(String(format: "%.1f", rate))/s, \(eta) left): \(latest.user.escapedForTerminal()) \(outcome.escapedForTerminal())"
      )
    } else if progress.skipped > 0 {
      printError("tenant: resuming; \(progress.skipped) of \(progress.total) users already done")
    }
  }

  func end() {
    if drawn { StandardStreams.error("\n".utf8) }
  }

  static func duration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600
      ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
      : String(format: "%d:%02d", total / 60, total % 60)
  }
}
