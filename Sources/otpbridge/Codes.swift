import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

struct Codes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "codes",
    abstract: "Print the current code of every account.",
    discussion: "HOTP accounts show the code of their stored counter; the counter is not advanced.")

  @Argument(help: ArgumentHelp("Export files to read; - reads standard input.", valueName: "file"), completion: .file())
  var files: [String]

  @OptionGroup var input: InputOptions
  @OptionGroup var findingOptions: FindingOptions

  @Option(help: ArgumentHelp("Compute the codes at this Unix time instead of now.", valueName: "unix-seconds"))
  var at: Int64?

  @Flag(help: "Print JSON: the accounts in input order, each with its code (docs/schema/codes-v1.schema.json).")
  var json = false

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  func run() throws {
    let registry = plugins.registry()
    let reading = try input.read(files, registry: registry)
    let time = at ?? Int64(Date().timeIntervalSince1970)
    let accounts = reading.accounts
    // Each code on its own (an HMAC with the account's key), on every core for a long list.
    let chunks = Parallel.chunks(of: accounts.count, size: 16_384)
    let codes = Parallel.map(chunks, workers: accounts.count < 32_768 ? 1 : Parallel.cores) { chunk in
      chunk.map { index in
        Result { () throws(CodeGenerator.Failure) in try CodeGenerator.code(for: accounts[index], at: time) }
      }
    }.flatMap { $0 }
    var findings = reading.findings
    for (index, code) in codes.enumerated() {
      guard case .failure(let error) = code else { continue }
      let account = accounts[index]
      findings.append(
        Finding(.warning, code: BridgeCode.codesUnavailable, "\(account.displayName): \(error)", at: account.origin))
    }
    @Sendable func entry(_ index: Int) -> AccountJSON {
      switch codes[index] {
      case .success(let code): return AccountJSON(accounts[index], showSecret: false, code: code)
      case .failure(let error): return AccountJSON(accounts[index], showSecret: false, codeError: error.description)
      }
    }
    if json {
      var stream = PrettyJSONStream { bytes throws in try StandardStreams.output(bytes) }
      try stream.writeAccountList(count: accounts.count, account: entry, findings: findings.map { FindingJSON($0) })
    } else {
      try Rendering.writeTable(header: ["ISSUER", "NAME", "TYPE", "CODE"], rowCount: accounts.count) { index in
        let account = accounts[index]
        return [account.issuer, account.name, account.kind.rawValue, (try? codes[index].get()) ?? "-"]
      } write: { text throws in
        try StandardStreams.output(text)
      }
    }
    try findingOptions.report(findings, printed: !json)
  }
}
