import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

/// Runs the command and maps every failure to the documented exit codes: 0 ok, 1 findings at the
/// threshold or a refused lossy conversion, 2 usage, 3 an input that cannot be read or decrypted,
/// 4 an output that cannot be written.
func runMain() -> Never {
  do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    try refuseUnknownSubcommand(arguments)
    if let command = helpRequested(arguments) {
      try StandardStreams.output((OTPBridgeCommand.helpMessage(for: command) + Examples.section(for: command)).utf8)
      exit(0)
    }
    var command = try OTPBridgeCommand.parseAsRoot()
    try command.run()
    exit(0)
  } catch is StandardStreams.OutputClosed {
    // The reader of standard output went away (`| head`): stop quietly, as SIGPIPE would.
    exit(141)
  } catch let error as OTPError {
    StandardStreams.error("otpbridge: error: \(error.description.escapedForTerminal())\n".utf8)
    exit(error.exitCode)
  } catch let error as ExitCode {
    exit(error.rawValue)
  } catch {
    // ArgumentParser's errors: help and --version as it prints them; anything else as its message,
    // escaped (it may quote a path or value), with usage errors as exit 2 like every usage error.
    let code = OTPBridgeCommand.exitCode(for: error)
    if code == .success { OTPBridgeCommand.exit(withError: error) }
    // One prefix for every error, ours and the parser's ("Error: …" there).
    var message = OTPBridgeCommand.fullMessage(for: error)
    if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
    StandardStreams.error("otpbridge: \(message.escapedForTerminal(keepingLineBreaks: true))\n".utf8)
    exit(code == .validationFailure ? 2 : code.rawValue)
  }
}

/// A word where a command is expected that names none ("inspct") is a usage error that names the
/// closest command, not the parser's "2 unexpected arguments".
func refuseUnknownSubcommand(_ arguments: [String]) throws {
  var command: any ParsableCommand.Type = OTPBridgeCommand.self
  for argument in arguments {
    let subcommands = command.configuration.subcommands
    guard !subcommands.isEmpty, !argument.hasPrefix("-") else { return }
    let names = subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
    guard let next = subcommands.first(where: { $0.configuration.commandName == argument }) else {
      if argument == "help" { return }
      let path = (command == OTPBridgeCommand.self ? "" : "\(command.configuration.commandName ?? "") ")
      let suggestion = Spelling.closest(to: argument, among: names).map { " Did you mean '\(path)\($0)'?" } ?? ""
      throw OTPError.invalidArgument(
        "unknown command '\(path)\(String(argument.prefix(40)))'.\(suggestion) The commands are \(names.dropLast().map { path + $0 }.joined(separator: ", ")); see 'otpbridge --help'."
      )
    }
    command = next
  }
}

/// The command whose help `arguments` ask for (`-h`, `--help`, or `help` before the command's
/// words), so that its help ends with its examples; nil when they ask for none.
func helpRequested(_ arguments: [String]) -> (any ParsableCommand.Type)? {
  let options = arguments.prefix { $0 != "--" }
  let words = options.first == "help" ? Array(options.dropFirst()) : Array(options)
  guard options.first == "help" || options.contains("-h") || options.contains("--help") else { return nil }
  var command: any ParsableCommand.Type = OTPBridgeCommand.self
  for word in words where !word.hasPrefix("-") {
    guard let next = command.configuration.subcommands.first(where: { $0.configuration.commandName == word }) else { break }
    command = next
  }
  return command
}

// A plugin that exits before reading its input, or a closed output pipe, must not kill otpbridge:
// those become ordinary errors instead.
signal(SIGPIPE, SIG_IGN)
// Ctrl-C, kill and a closed terminal remove temporary files and restore a prompt's echo.
Interruption.install()
runMain()
