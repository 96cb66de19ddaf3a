import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

/// Runs the command and maps every failure to the documented exit codes: 0 ok, 1 findings at the
/// threshold or a refused lossy conversion, 2 usage, 3 an input that cannot be read or decrypted,
/// 4 an output that cannot be written.
func runMain() -> Never {
  do {
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
    StandardStreams.error(
      "otpbridge: \(OTPBridgeCommand.fullMessage(for: error).escapedForTerminal(keepingLineBreaks: true))\n".utf8)
    exit(code == .validationFailure ? 2 : code.rawValue)
  }
}

// A plugin that exits before reading its input, or a closed output pipe, must not kill otpbridge:
// those become ordinary errors instead.
signal(SIGPIPE, SIG_IGN)
// Ctrl-C, kill and a closed terminal remove temporary files and restore a prompt's echo.
Interruption.install()
runMain()
