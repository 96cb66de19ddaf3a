import ArgumentParser
import OTPBridge
import OTPCore

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show the accounts in export files, with secrets masked.")

  @Argument(help: ArgumentHelp("Export files to read; - reads standard input.", valueName: "file"), completion: .file())
  var files: [String]

  @OptionGroup var input: InputOptions
  @OptionGroup var findingOptions: FindingOptions

  @Flag(help: "Print JSON instead of a table (docs/schema/inspect-v1.schema.json).")
  var json = false

  @Flag(help: "Show the secrets instead of masking them.")
  var showSecrets = false

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  func run() throws {
    let registry = plugins.registry()
    let reading = try input.read(files, registry: registry)
    // Rows and JSON are made as they are written.
    let accounts = reading.accounts
    let findings = reading.findings
    if json {
      var stream = PrettyJSONStream { bytes throws in try StandardStreams.output(bytes) }
      try stream.writeAccountList(
        count: accounts.count, account: { AccountJSON(accounts[$0], showSecret: showSecrets) },
        findings: findings.map { FindingJSON($0) })
    } else {
      try Rendering.writeTable(
        header: ["#", "TYPE", "ISSUER", "NAME", "ALGORITHM", "DIGITS", "PERIOD", "SECRET", "FROM"], rowCount: accounts.count
      ) { index in
        let account = accounts[index]
        return [
          String(index + 1), account.kind.rawValue,
          account.labelIssuer.map { "\(account.issuer) (label: \($0))" } ?? account.issuer, account.name,
          account.algorithm.rawValue,
          String(account.digits), account.kind.isCounterBased ? "counter \(account.counter)" : "\(account.period) s",
          showSecrets
            ? (account.kind == .motp ? account.secret.revealHex() : account.secret.revealBase32())
            : "hidden (\(account.secret.count) bytes)",
          account.origin.description,
        ]
      } write: { text throws in
        try StandardStreams.output(text)
      }
      let formats = reading.files.map { "\($0.file) (\($0.format))" }.joined(separator: ", ")
      try printOutput("\(accounts.count) account(s) from \(formats.escapedForTerminal()).")
    }
    try findingOptions.report(findings, printed: !json)
  }
}
