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
    // An option typo is named first: "--too aegis" is not "missing --to".
    if let unknown = unknownOption(in: Array(CommandLine.arguments.dropFirst())) {
      StandardStreams.error("otpbridge: error: \(unknown.escapedForTerminal())\n".utf8)
      exit(2)
    }
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
  // -h alone or among other short flags (-qh).
  let asksHelp = options.contains { $0 == "--help" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.dropFirst().contains("h")) }
  guard options.first == "help" || asksHelp else { return nil }
  return command(named: words).type
}

/// The command the leading words of `arguments` name ("tenant merge …" is TenantMerge), and
/// those words ("otpbridge tenant merge").
func command(named arguments: [String]) -> (type: any ParsableCommand.Type, path: String) {
  var command: any ParsableCommand.Type = OTPBridgeCommand.self
  var path = "otpbridge"
  for word in arguments where !word.hasPrefix("-") {
    guard let next = command.configuration.subcommands.first(where: { $0.configuration.commandName == word }) else { break }
    command = next
    path += " " + word
  }
  return (command, path)
}

/// "unknown option '--too'. Did you mean '--to'?" for the first long option in `arguments` that
/// the command's help does not list; nil when they are all known.
func unknownOption(in arguments: [String]) -> String? {
  let (command, path) = command(named: arguments)
  let help = OTPBridgeCommand.helpMessage(for: command, includeHidden: true)
  let known = Set(help.matches(of: /--[a-z0-9][a-z0-9-]*/).map { String($0.output) })
  for argument in arguments.prefix(while: { $0 != "--" }) where argument.hasPrefix("--") {
    let name = String(argument.prefix { $0 != "=" })
    guard !known.contains(name) else { continue }
    let suggestion = Spelling.closest(to: name, among: known.sorted()).map { " Did you mean '\($0)'?" } ?? ""
    return "unknown option '\(name.prefix(40))'.\(suggestion) See '\(path) --help'."
  }
  return nil
}

// A plugin that exits before reading its input, or a closed output pipe, must not kill otpbridge:
// those become ordinary errors instead.
signal(SIGPIPE, SIG_IGN)
// Ctrl-C, kill and a closed terminal remove temporary files and restore a prompt's echo.
Interruption.install()
runMain()
