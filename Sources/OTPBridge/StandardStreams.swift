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
        throw OTPError.invalidArgument("standard input (-) can be read only once, and \(claimed) already read it; give \(reader) as a file")
      }
      claimed = reader
    }
  }

  /// Writes all of `bytes` to standard output; throws `OutputClosed` when its reader is gone.
  public static func output(_ bytes: some Collection<UInt8>) throws {
    if !write(bytes, to: STDOUT_FILENO) { throw OutputClosed() }
  }

  /// Writes to standard error; a closed standard error is ignored (there is nowhere to say so).
  public static func error(_ bytes: some Collection<UInt8>) {
    _ = write(bytes, to: STDERR_FILENO)
  }

  /// False when the descriptor's reader is gone or it cannot be written.
  static func write(_ bytes: some Collection<UInt8>, to descriptor: Int32) -> Bool {
    let contiguous = Array(bytes)
    return contiguous.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += written
      }
      return true
    }
  }
}
