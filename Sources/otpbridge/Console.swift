import ArgumentParser
import Foundation
import OTPBridge
import OTPCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `--quiet` and `--verbose`, on every command (docs/cli.md, "What goes where").
struct ConsoleOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Print only errors and warnings on standard error: no notes, summaries or progress.")
  var quiet = false

  @Flag(name: .shortAndLong, help: "Also say which format read each input and how many accounts it gave.")
  var verbose = false

  /// Option groups are validated before the command runs: the one place to set the level.
  func validate() throws {
    if quiet && verbose { throw ValidationError("Give --quiet or --verbose, not both.") }
    Console.level.store(quiet ? Console.quiet : verbose ? Console.verbose : Console.normal, ordering: .relaxed)
  }
}

/// What goes to standard error for a person: findings, notes, progress. Standard output holds
/// only what the command was asked for (a table, JSON, a file with `-o -`).
enum Console {
  static let quiet: UInt8 = 0
  static let normal: UInt8 = 1
  static let verbose: UInt8 = 2
  static let level = Atomic<UInt8>(normal)

  static var isQuiet: Bool { level.load(ordering: .relaxed) == quiet }
  static var isVerbose: Bool { level.load(ordering: .relaxed) == verbose }

  /// Findings for a person; with --quiet, only warnings and errors.
  static func findings(_ findings: [Finding]) {
    let shown = isQuiet ? findings.filter { $0.severity >= .warning } : findings
    if !shown.isEmpty { printError(Rendering.findings(shown)) }
  }

  /// A note or summary ("Wrote 3 account(s) to …"); nothing with --quiet.
  static func note(_ text: String) {
    if !isQuiet { printError(text) }
  }

  /// A detail for --verbose only.
  static func detail(_ text: String) {
    if isVerbose { printError("otpbridge: \(text)") }
  }

  /// Whether standard error is a terminal that can redraw a line: progress is drawn only there.
  static var errorIsTerminal: Bool {
    isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  }
}

/// "reading 12 of 121: path" on standard error, redrawn in place, once the work has taken a
/// second; never when standard error is not a terminal, or with --quiet. The line is cleared when
/// the work ends, so what follows starts on a clean line.
final class Progress: Sendable {
  private struct State {
    var shown = false
    var lastDrawn = 0.0
  }
  private let started = Date()
  private let verb: String
  private let enabled: Bool
  private let state = Mutex(State())

  init(_ verb: String) {
    self.verb = verb
    self.enabled = Console.errorIsTerminal && !Console.isQuiet
  }

  /// Item `index` (from 0) of `total` is starting.
  func update(_ index: Int, of total: Int, item: String) {
    guard enabled else { return }
    let elapsed = Date().timeIntervalSince(started)
    guard elapsed >= 1 else { return }
    let line = state.withLock { state -> String? in
      guard elapsed - state.lastDrawn >= 0.1 else { return nil }
      state.lastDrawn = elapsed
      state.shown = true
      return "\(verb) \(index + 1) of \(total): \(item)"
    }
    guard let line else { return }
    var size = winsize()
    let columns = ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    let width = max(20, columns) - 1
    let text = String(line.escapedForTerminal().prefix(width))
    StandardStreams.error("\r\u{1B}[K\(text)".utf8)
  }

  /// Clears the line, if anything was drawn.
  func finish() {
    guard state.withLock({ $0.shown }) else { return }
    StandardStreams.error("\r\u{1B}[K".utf8)
  }
}
