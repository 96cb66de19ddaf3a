import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check that a converted file gives the same codes as its source.",
    discussion: """
      Accounts are matched by secret (then issuer and name). A pair with the same kind, secret, \
      algorithm, digits, period or counter and PIN gives the same codes, since codes are made from \
      those alone; any other pair has its codes compared: time-based codes now, 30 and 60 seconds \
      from now and at four fixed instants, HOTP codes at the stored counter and the next two \
      (--every-code compares the codes of every pair). Every account that is missing, unexpected \
      or differs is listed; the exit code is 1 if there is any.
      """)

  @Argument(help: ArgumentHelp("The original export.", valueName: "source"))
  var source: String

  @Argument(help: ArgumentHelp("The file converted from it.", valueName: "converted"))
  var converted: String

  @OptionGroup var input: InputOptions

  @Option(help: ArgumentHelp("Read the converted file as this format instead of recognising it.", valueName: "id"))
  var convertedFrom: String?

  @Option(help: ArgumentHelp("The converted file's password, from the first line of this file.", valueName: "file"))
  var convertedPasswordFile: String?

  @Option(help: ArgumentHelp("The converted file's password, from this environment variable.", valueName: "var"))
  var convertedPasswordEnv: String?

  @Option(help: ArgumentHelp("Use this Unix time as now.", valueName: "unix-seconds"))
  var at: Int64?

  @Flag(help: "Compare the codes of every pair, also those with the same secret and code settings.")
  var everyCode = false

  @OptionGroup var plugins: PluginOptions

  func run() throws {
    let registry = plugins.registry()
    let original = try Reading.read(paths: [source], from: input.formatID, context: input.readContext, registry: registry)
    let convertedPassword = PasswordSource(
      file: convertedPasswordFile, environment: convertedPasswordEnv, role: .opening("converted file"))
    let result = try Reading.read(
      paths: [converted], from: convertedFrom, context: ReadContext(password: convertedPassword.provider()),
      registry: registry)
    let findings = original.findings + result.findings
    if !findings.isEmpty { printError(Rendering.findings(findings)) }
    let verification = Verification.compare(
      source: original.accounts, converted: result.accounts,
      instants: Verification.instants(now: at ?? Int64(Date().timeIntervalSince1970)), trustingEqualValues: !everyCode)
    try printOutput(Rendering.verification(verification))
    if !verification.passed { throw OTPError.verificationFailed(count: verification.problems.count) }
  }
}
