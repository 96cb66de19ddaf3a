/// Every error that stops a run, with the message a user reads and a fixed exit code.
/// Messages name the file, the place and the cause, and never contain a secret or a password.
public enum OTPError: Error, Sendable, Equatable, CustomStringConvertible {
  // Exit 3: an input that cannot be read or decrypted.
  case cannotOpen(file: String, reason: String)
  case corrupted(file: String, place: String?, reason: String)
  /// `hint` says what about the password given looks like a mistake (a trailing space).
  case wrongPassword(file: String, hint: String? = nil)
  case passwordRequired(file: String)
  case unsupportedVersion(file: String, version: String, supported: String)
  case unrecognisedFormat(file: String, known: [String])
  /// An external plugin crashed, timed out, exited non-zero or replied with nonsense.
  case pluginFailed(plugin: String, reason: String)
  // Exit 2: the request itself is wrong.
  case unknownFormatID(String, known: [String])
  case cannotWrite(format: String)
  case outputExists(path: String)
  case invalidArgument(String)
  // Exit 1: the run worked, but what it found is at the failure threshold.
  case lossRefused(count: Int)
  case verificationFailed(count: Int)
  // Exit 4: the output could not be written.
  case writeFailed(path: String, reason: String)

  public var exitCode: Int32 {
    switch self {
    case .cannotOpen, .corrupted, .wrongPassword, .passwordRequired, .unsupportedVersion,
      .unrecognisedFormat, .pluginFailed:
      return 3
    case .unknownFormatID, .cannotWrite, .outputExists, .invalidArgument:
      return 2
    case .lossRefused, .verificationFailed:
      return 1
    case .writeFailed:
      return 4
    }
  }

  public var description: String {
    switch self {
    case .cannotOpen(let file, let reason):
      return "\(file): cannot open: \(reason)"
    case .corrupted(let file, let place, let reason):
      return "\(file)\(place.map { " (\($0))" } ?? ""): the file is damaged or not what it claims to be: \(reason)"
    case .wrongPassword(let file, let hint):
      let doubt = hint.map { " Note: \($0)." } ?? ""
      return "\(file): wrong password: the file did not decrypt with it. Check the password and try again.\(doubt)"
    case .passwordRequired(let file):
      return
        "\(file): the file is encrypted and no password was given. Use --password-file FILE or --password-env VAR, or run on a terminal to be asked."
    case .unsupportedVersion(let file, let version, let supported):
      return "\(file): version \(version) of this format is not supported (supported: \(supported))."
    case .unrecognisedFormat(let file, let known):
      return "\(file): not a format otpbridge recognises. Name it with --from ID (one of: \(known.joined(separator: ", ")))."
    case .pluginFailed(let plugin, let reason):
      return "external plugin \(plugin) failed: \(reason)"
    case .unknownFormatID(let id, let known):
      return "unknown format '\(id)'. Known formats: \(known.joined(separator: ", ")). 'otpbridge formats' lists them."
    case .cannotWrite(let format):
      return "otpbridge can read '\(format)' but not write it. 'otpbridge formats' lists the formats it writes."
    case .outputExists(let path):
      return "\(path) exists. Choose another path, or pass --force to replace it."
    case .invalidArgument(let message):
      return message
    case .lossRefused(let count):
      return
        "the conversion would lose or change data in \(count) account(s), listed above. Nothing was written. Pass --allow-lossy to convert anyway, or choose a target format that keeps them."
    case .verificationFailed(let count):
      return "\(count) account(s) missing or giving different codes, listed above."
    case .writeFailed(let path, let reason):
      return "\(path): cannot write: \(reason). Nothing was written."
    }
  }
}
