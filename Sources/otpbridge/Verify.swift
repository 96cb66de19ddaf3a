import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check that a converted file gives the same codes as its source.",
    discussion: """
      'verify SOURCE... CONVERTED' reads the sources together, as convert does (the screenshots of \
      one Google transfer are put back together), and the converted file on its own; \
      '--against CONVERTED' names it explicitly.

      Accounts are matched by secret (then issuer and name). A pair with the same kind, secret, \
      algorithm, digits, period or counter and PIN gives the same codes, since codes are made from \
      those alone; any other pair has its codes compared: time-based codes now, 30 and 60 seconds \
      from now and at four fixed instants, HOTP codes at the stored counter and the next two \
      (--every-code compares the codes of every pair). Every account that is missing, unexpected \
      or differs is listed; the exit code is 1 if there is any.
      """)

  @Argument(
    help: ArgumentHelp(
      "The original export files (several, as given to convert: the screenshots of one Google transfer), then the file converted from them, unless --against names it.",
      valueName: "file"), completion: .file())
  var files: [String]

  @Option(
    help: ArgumentHelp("The converted file; then every file before it is a source.", valueName: "converted"),
    completion: .file())
  var against: String?

  @OptionGroup var input: InputOptions

  @Option(
    help: ArgumentHelp("Read the converted file as this format instead of recognising it.", valueName: "id"),
    completion: Completions.formatIDs(.reading))
  var convertedFrom: String?

  @Option(
    help: ArgumentHelp("The converted file's password, from the first line of this file.", valueName: "file"),
    completion: .file())
  var convertedPasswordFile: String?

  @Option(help: ArgumentHelp("The converted file's password, from this environment variable.", valueName: "var"))
  var convertedPasswordEnv: String?

  @Option(help: ArgumentHelp("Use this Unix time as now.", valueName: "unix-seconds"))
  var at: Int64?

  @Flag(help: "Compare the codes of every pair, also those with the same secret and code settings.")
  var everyCode = false

  @Flag(help: "Print each source account's result as JSON (docs/schema/verify-v1.schema.json).")
  var json = false

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  /// The sources and the converted file, as given.
  var sourcesAndConverted: (sources: [String], converted: String) {
    against.map { (files, $0) } ?? (Array(files.dropLast()), files.last ?? "")
  }

  func validate() throws {
    if against == nil, files.count < 2 {
      throw ValidationError("Give the source file(s) and then the converted file, or --against CONVERTED.")
    }
    if against != nil, files.isEmpty { throw ValidationError("Give at least one source file.") }
  }

  func run() throws {
    let registry = plugins.registry()
    let (sources, converted) = sourcesAndConverted
    let original = try input.read(sources, registry: registry)
    let convertedPassword = PasswordSource(
      file: convertedPasswordFile, environment: convertedPasswordEnv, role: .opening("converted file"))
    let result = try InputOptions.read(
      [converted], from: convertedFrom, context: ReadContext(password: convertedPassword.provider()), registry: registry)
    let findings = original.findings + result.findings
    let pairing = Verification.Pairing(source: original.accounts, converted: result.accounts)
    let verification = Verification.compare(
      source: original.accounts, converted: result.accounts,
      instants: Verification.instants(now: at ?? Int64(Date().timeIntervalSince1970)), pairing: pairing,
      trustingEqualValues: !everyCode)
    if json {
      try printJSON(
        VerifyJSON(
          verification, pairing: pairing, source: original.accounts, converted: result.accounts,
          files: (sources, converted), findings: findings))
    } else {
      Console.findings(findings)
      try printOutput(Rendering.verification(verification))
    }
    if !verification.passed { throw OTPError.verificationFailed(count: verification.problems.count) }
  }
}
