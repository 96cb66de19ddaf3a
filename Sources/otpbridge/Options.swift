import ArgumentParser
import Foundation
import OTPBridge
import OTPCore
import Synchronization

/// How an input's password is given: a file or an environment variable, else a no-echo prompt on
/// the terminal. Never an argument, where other users and shell history would see it.
struct PasswordSource {
  var file: String?
  var environment: String?
  var role: PasswordRole

  func supply() -> PasswordSupply {
    let role = role
    let asked = Mutex(0)
    return PasswordReference(file: file, environment: environment).supply(role: role) { purpose in
      let file = purpose.escapedForTerminal()
      if role.createsFile { return try Terminal.readNewSecret(for: file) }
      // Asked again only after a wrong password (Reading.read), up to three times.
      let attempt = asked.withLock { count in
        count += 1
        return count
      }
      if attempt > 1 { printError("otpbridge: that password does not open \(file); try again (\(attempt) of 3).") }
      return Terminal.readSecret(prompt: "Password for \(file): ")
    }
  }

  func provider() -> PasswordProvider { supply().provider }
}

struct InputOptions: ParsableArguments {
  @Option(
    name: .customLong("from"), help: ArgumentHelp("Read the inputs as this format instead of recognising it.", valueName: "id"),
    completion: Completions.formatIDs(.reading))
  var formatID: String?

  @Option(
    help: ArgumentHelp("Read the password of encrypted inputs from the first line of this file.", valueName: "file"),
    completion: .file())
  var passwordFile: String?

  @Option(help: ArgumentHelp("Read the password of encrypted inputs from this environment variable.", valueName: "var"))
  var passwordEnv: String?

  @Option(
    help: ArgumentHelp("Open KeePass databases with this key file, with their password or alone.", valueName: "file"),
    completion: .file())
  var keyFile: String?

  @Option(help: ArgumentHelp("Read inputs up to this many MiB (default 256; see docs/limits.md).", valueName: "n"))
  var maxInputMib: Int?

  @Flag(help: "Let a trusted input ask for up to 4 times the usual key-derivation memory and time (docs/limits.md).")
  var allowCostlyKdf = false

  var limits: Limits {
    var limits = allowCostlyKdf ? Limits.standard.allowingCostlyKDF() : Limits.standard
    if let maxInputMib { limits.inputBytes = max(1, maxInputMib) << 20 }
    return limits
  }

  func readContext() throws -> ReadContext {
    var context = ReadContext(
      password: PasswordSource(file: passwordFile, environment: passwordEnv, role: .opening("input")).provider(), limits: limits)
    if let keyFile {
      let file = try Files.read(keyFile, maximumSize: limits.inputBytes)
      context.keyFile = KeyFile(name: file.name, bytes: file.bytes)
    }
    return context
  }

  /// Reads `paths` together, with progress on a terminal and, with --verbose, what read each.
  func read(_ paths: [String], registry: Registry) throws -> Reading {
    try InputOptions.read(paths, from: formatID, context: try readContext(), registry: registry)
  }

  static func read(_ paths: [String], from formatID: String?, context: ReadContext, registry: Registry) throws -> Reading {
    let progress = Progress("reading")
    defer { progress.finish() }
    let reading = try Reading.read(paths: paths, from: formatID, context: context, registry: registry) { index, count, path in
      progress.update(index, of: count, item: path)
    }
    for file in reading.files {
      Console.detail("read \(file.file) as \(file.format): \(file.result.accounts.count) account(s)")
    }
    return reading
  }
}

/// When findings make the exit code 1.
enum FailureThreshold: String, ExpressibleByArgument, CaseIterable {
  case error, warning, never

  func isReached(by severities: [Finding.Severity]) -> Bool {
    switch self {
    case .error: return severities.contains { $0 >= .error }
    case .warning: return severities.contains { $0 >= .warning }
    case .never: return false
    }
  }
}

struct FindingOptions: ParsableArguments {
  @Option(help: "Exit with 1 when a finding is at least this severe.")
  var failOn: FailureThreshold = .error

  /// Prints findings to standard error, unless the JSON on standard output holds them, and exits
  /// 1 when they reach the threshold.
  func report(_ findings: [Finding], printed: Bool = true) throws {
    if printed { Console.findings(findings) }
    if failOn.isReached(by: findings.map(\.severity)) { throw ExitCode(1) }
  }
}

/// A line for a person on standard error. What it holds was escaped field by field where it was
/// put together; this escapes once more all but its line breaks, so no control character from a
/// file reaches the terminal whatever path it took.
func printError(_ text: String) {
  StandardStreams.error((text.escapedForTerminal(keepingLineBreaks: true) + "\n").utf8)
}

/// Text for a person on standard output, escaped like `printError`.
func printOutput(_ text: String) throws {
  try StandardStreams.output((text.escapedForTerminal(keepingLineBreaks: true) + "\n").utf8)
}

/// JSON on standard output, exact: JSON's own escaping already keeps control characters out.
func printJSON(_ value: some Encodable) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  try StandardStreams.output(try encoder.encode(value) + Data("\n".utf8))
}

/// Where external format plugins are looked for, besides $OTPBRIDGE_PLUGIN_PATH and $PATH.
struct PluginOptions: ParsableArguments {
  @Option(
    name: .customLong("plugin-dir"),
    help: ArgumentHelp("Look for external format plugins (otpbridge-format-NAME) in this folder first.", valueName: "dir"),
    completion: .directory)
  var pluginFolders: [String] = []

  /// The built-in formats and the external plugins found; problems with plugins are warnings.
  func registry() -> Registry {
    Registry.withExternalPlugins(pluginFolders: pluginFolders) { problem in printError("otpbridge: warning: \(problem)") }
  }
}

/// What the shells' completion scripts (`otpbridge --generate-completion-script bash|zsh|fish`)
/// offer: format ids, built in and external, for --from and --to; files and folders elsewhere.
enum Completions {
  enum Use { case reading, writing }

  /// The ids of the formats that read (or write), with the plugins of any --plugin-dir already on
  /// the command line, that start with what is typed.
  static func formatIDs(_ use: Use) -> CompletionKind {
    .custom { words, _, prefix in
      let folders = zip(words, words.dropFirst()).filter { $0.0 == "--plugin-dir" }.map(\.1)
      let registry = Registry.withExternalPlugins(pluginFolders: folders) { _ in }
      return registry.plugins.map(\.descriptor).filter { use == .reading ? $0.canRead : $0.canWrite }.map(\.id)
        .filter { $0.hasPrefix(prefix) }
    }
  }
}
