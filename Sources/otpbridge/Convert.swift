import Foundation
import ArgumentParser
import OTPBridge
import OTPCore

struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Convert export files into another format, with a per-account loss report.",
    discussion: """
      The loss report goes to standard error. If any account would be dropped or changed, nothing \
      is written and the exit code is 1, unless --allow-lossy is given. The output is read back \
      before it is written, to check that every account gives the same codes.
      """)

  @Argument(help: ArgumentHelp("Export files to read; - reads standard input. Their accounts are merged in order.", valueName: "file"))
  var files: [String]

  @Option(name: .customLong("to"), help: ArgumentHelp("The format to write (see 'otpbridge formats').", valueName: "id"))
  var targetID: String

  @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Where to write; - for standard output.", valueName: "path"))
  var output: String

  @OptionGroup var input: InputOptions

  @Flag(help: "Write even when accounts are dropped or changed; the loss report still lists them.")
  var allowLossy = false

  @Flag(help: "Replace the output file if it exists.")
  var force = false

  @Option(help: ArgumentHelp("For encrypted outputs: read the new password from the first line of this file.", valueName: "file"))
  var newPasswordFile: String?

  @Option(help: ArgumentHelp("For encrypted outputs: read the new password from this environment variable.", valueName: "var"))
  var newPasswordEnv: String?

  @OptionGroup var plugins: PluginOptions

  func run() throws {
    let registry = plugins.registry()
    let target = try registry.plugin(id: targetID)
    guard target.descriptor.canWrite else { throw OTPError.cannotWrite(format: target.descriptor.id) }
    if output != "-", !force, FileManager.default.fileExists(atPath: output) {
      throw OTPError.outputExists(path: output)
    }
    let reading = try Reading.read(paths: files, from: input.formatID, context: input.readContext, registry: registry)
    let newPassword = PasswordSource(file: newPasswordFile, environment: newPasswordEnv, role: "new").provider()
    let conversion = try Conversion.run(
      reading, to: target, context: WriteContext(newPassword: newPassword, outputName: output),
      readBackPassword: newPassword)
    let notes = reading.findings.filter { !$0.entrySkipped } + conversion.findings
    if !notes.isEmpty { printError(Rendering.findings(notes)) }
    printError(Rendering.lossReport(conversion.report))
    guard conversion.report.isLossless || allowLossy else {
      throw OTPError.lossRefused(count: conversion.report.lossyCount)
    }
    try Files.write(conversion.output, to: output, force: force)
    if output != "-" {
      printError("Wrote \(conversion.report.convertedAccounts.count) account(s) to \(output) (\(target.descriptor.id)).")
    }
  }
}
