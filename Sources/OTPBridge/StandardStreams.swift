import OTPCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard output and standard error, written with write(2) so that a reader who goes away
/// (`otpbridge inspect --json | head`) ends the run quietly instead of crashing it.
public enum StandardStreams {
  /// Standard output was closed by its reader (EPIPE): nothing more can reach anyone. The CLI ends
  /// at once with exit 141, as a process killed by SIGPIPE would, and prints nothing.
  public struct OutputClosed: Error {}

  /// Who has read standard input, so a second reader is told why it gets nothing.
  private static let inputReader = Mutex<String?>(nil)

  /// Claims standard input for `reader` ("the input", "the input password file"); throws when
  /// another reader had it: a pipe can be read only once.
  public static func claimInput(for reader: String) throws {
    try inputReader.withLock { claimed in
      if let claimed {
        throw OTPError.invalidArgument(
          "standard input (-) can be read only once, and \(claimed) already read it; give \(reader) as a file")
      }
      claimed = reader
    }
  }

  /// Writes all of `bytes` to standard output; throws `OutputClosed` when its reader is gone, and
  /// a write failure (exit 4) for anything else, such as a full disk behind `> file`.
  public static func output(_ bytes: some Collection<UInt8>) throws {
    switch Files.writeAll(bytes, to: STDOUT_FILENO) {
    case 0: return
    case EPIPE: throw OutputClosed()
    case let code: throw OTPError.writeFailed(path: "standard output", reason: String(cString: strerror(code)))
    }
  }

  /// Writes to standard error; a failing standard error is ignored (there is nowhere to say so).
  public static func error(_ bytes: some Collection<UInt8>) {
    _ = Files.writeAll(bytes, to: STDERR_FILENO)
  }
}
