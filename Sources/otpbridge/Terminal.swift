import Foundation
import OTPBridge
import OTPCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The controlling terminal, for password prompts that do not echo.
enum Terminal {
  /// Asks on /dev/tty with echo off; nil when there is no terminal (CI, pipes, cron). Echo comes
  /// back on every way out: the answer, an error, and Ctrl-C or a kill (Interruption).
  static func readSecret(prompt: String) -> String? {
    let descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    guard isatty(descriptor) == 1 else { return nil }
    var original = termios()
    guard tcgetattr(descriptor, &original) == 0 else { return nil }
    var silent = original
    silent.c_lflag &= ~tcflag_t(ECHO)
    // From the start of a cleared line: a progress line may be drawn there (Progress).
    let start = Console.errorIsTerminal ? "\r\u{1B}[K" : ""
    _ = "\(start)\(prompt)".withCString { write(descriptor, $0, strlen($0)) }
    Interruption.restoreOnSignal(terminal: descriptor, settings: original)
    tcsetattr(descriptor, TCSAFLUSH, &silent)
    defer {
      tcsetattr(descriptor, TCSAFLUSH, &original)
      Interruption.forgetTerminal()
      _ = write(descriptor, "\n", 1)
    }
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let count = read(descriptor, &byte, 1)
      if count < 0, errno == EINTR { continue }
      guard count == 1, byte != UInt8(ascii: "\n") else { break }
      bytes.append(byte)
    }
    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// A new password for `file`, typed twice: a typo in a password nobody can see would lock the
  /// new file for good. Three tries; nil when there is no terminal.
  static func readNewSecret(for file: String) throws -> String? {
    for _ in 1...3 {
      guard let first = readSecret(prompt: "New password for \(file): ") else { return nil }
      if first.isEmpty { return first }  // refused as empty by the password's supply
      guard let second = readSecret(prompt: "Repeat new password: ") else { return nil }
      if first == second { return first }
      printError("otpbridge: the passwords do not match; try again.")
    }
    throw OTPError.invalidArgument("the new passwords did not match three times; nothing was written")
  }
}
