import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

struct Codes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "codes",
    abstract: "Print the current code of every account.",
    discussion: "HOTP accounts show the code of their stored counter; the counter is not advanced.")

  @Argument(help: ArgumentHelp("Export files to read; - reads standard input.", valueName: "file"))
  var files: [String]

  @OptionGroup var input: InputOptions
  @OptionGroup var findingOptions: FindingOptions

  @Option(help: ArgumentHelp("Compute the codes at this Unix time instead of now.", valueName: "unix-seconds"))
  var at: Int64?

  @Flag(help: "Print a JSON array of {issuer, name, type, code, …} in input order.")
  var json = false

  @OptionGroup var plugins: PluginOptions

  func run() throws {
    let registry = plugins.registry()
    let reading = try Reading.read(paths: files, from: input.formatID, context: input.readContext, registry: registry)
    let time = at ?? Int64(Date().timeIntervalSince1970)
    var findings = reading.findings
    var entries: [AccountJSON] = []
    for account in reading.accounts {
      do {
        let code = try CodeGenerator.code(for: account, at: time)
        entries.append(AccountJSON(account, showSecret: false, code: code))
      } catch {
        entries.append(AccountJSON(account, showSecret: false, codeError: error.description))
        findings.append(
          Finding(.warning, code: BridgeCode.codesUnavailable, "\(account.displayName): \(error)", at: account.origin))
      }
    }
    if json {
      var stream = PrettyJSONStream { bytes throws in try StandardStreams.output(bytes) }
      try stream.writeAccounts(count: entries.count, account: { entries[$0] })
    } else {
      try printOutput(
        Rendering.table(
          header: ["ISSUER", "NAME", "TYPE", "CODE"],
          rows: entries.map { [$0.issuer, $0.name, $0.type, $0.code ?? "-"] }))
    }
    try findingOptions.report(findings)
  }
}
