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
  /// `guess` says what the file looks like, or which format it resembles and why that format
  /// did not read it.
  case unrecognisedFormat(file: String, known: [String], guess: String? = nil)
  /// The file resembled a format (its sniffer was not certain), which then could not read it:
  /// perhaps that format damaged, perhaps another file altogether.
  case resemblanceFailed(file: String, format: String, reason: String, known: [String])
  /// An external plugin crashed, timed out, exited non-zero or replied with nonsense.
  case pluginFailed(plugin: String, reason: String)
  // Exit 2: the request itself is wrong.
  case unknownFormatID(String, known: [String])
  case cannotWrite(format: String)
  case outputExists(path: String)
  case invalidArgument(String)
  // Exit 1: the run worked, but what it found is at the failure threshold.
  case lossRefused(LossRefusal)
  /// Every account read would be lost: refused even with --allow-lossy.
  case nothingToWrite(LossRefusal)
  case verificationFailed(count: Int)
  /// The inputs held no account, and their reader said why (an error finding): nothing to convert.
  case nothingRead(reason: String)
  // Exit 4: the output could not be written.
  case writeFailed(path: String, reason: String)

  public var exitCode: Int32 {
    switch self {
    case .cannotOpen, .corrupted, .wrongPassword, .passwordRequired, .unsupportedVersion,
      .unrecognisedFormat, .resemblanceFailed, .pluginFailed:
      return 3
    case .unknownFormatID, .cannotWrite, .outputExists, .invalidArgument:
      return 2
    case .lossRefused, .nothingToWrite, .verificationFailed, .nothingRead:
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
    case .unrecognisedFormat(let file, let known, let guess):
      return
        "\(file): not a format otpbridge recognises\(guess.map { ": \($0)" } ?? ""). If it is one of otpbridge's formats, name it with --from ID (one of: \(known.joined(separator: ", "))); docs/formats/ lists what each reads."
    case .resemblanceFailed(let file, let format, let reason, let known):
      return OTPError.unrecognisedFormat(
        file: file, known: known,
        guess: "it resembles \(format), but does not read as one: \(reason); if it is one, it is damaged"
      ).description
    case .pluginFailed(let plugin, let reason):
      return "external plugin \(plugin) failed: \(reason)"
    case .unknownFormatID(let id, let known):
      let suggestion = Spelling.closest(to: id, among: known).map { " Did you mean '\($0)'?" } ?? ""
      return
        "unknown format '\(id)'.\(suggestion) Known formats: \(known.joined(separator: ", ")). 'otpbridge formats' lists them."
    case .cannotWrite(let format):
      return "otpbridge can read '\(format)' but not write it. 'otpbridge formats' lists the formats it writes."
    case .outputExists(let path):
      return "\(path) exists. Choose another path, or pass --force to replace it."
    case .invalidArgument(let message):
      return message
    case .lossRefused(let refusal):
      return refusal.description
    case .nothingToWrite(let refusal):
      return refusal.nothingLeftDescription
    case .verificationFailed(let count):
      return "\(count) account(s) missing or giving different codes, listed in the report."
    case .nothingRead(let reason):
      return "nothing to convert: \(reason). Nothing was written."
    case .writeFailed(let path, let reason):
      return "\(path): cannot write: \(reason). Nothing was written."
    }
  }
}

/// Why a conversion was refused: what it would lose, and whether another format would keep it.
public struct LossRefusal: Sendable, Equatable, CustomStringConvertible {
  /// Accounts the target's limits change or drop.
  public var changedOrDropped: Int
  /// Entries no reader could read, and exports missing parts (whose accounts are unknown).
  public var unreadable: Int
  public var incompleteExports: Int
  /// The formats that would keep every changed or dropped account as it is.
  public var formatsKeeping: [String]

  public init(changedOrDropped: Int, unreadable: Int, incompleteExports: Int, formatsKeeping: [String]) {
    self.changedOrDropped = changedOrDropped
    self.unreadable = unreadable
    self.incompleteExports = incompleteExports
    self.formatsKeeping = formatsKeeping
  }

  public var description: String {
    "the conversion would lose \(losses), listed in the loss report. Nothing was written." + advice
      + " Pass --allow-lossy to write the rest anyway."
  }

  /// When no account would be left to write.
  public var nothingLeftDescription: String {
    "no account would be written: the conversion would lose \(losses), listed in the loss report. Nothing was written, even with --allow-lossy."
      + advice
  }

  var losses: String {
    var losses: [String] = []
    if changedOrDropped > 0 { losses.append("\(changedOrDropped) account(s) the target format changes or drops") }
    if unreadable > 0 { losses.append("\(unreadable) entr\(unreadable == 1 ? "y" : "ies") that could not be read") }
    if incompleteExports > 0 { losses.append("the unknown accounts of \(incompleteExports) incomplete export(s)") }
    return losses.joined(separator: ", ")
  }

  var advice: String {
    var text = ""
    if changedOrDropped > 0 {
      text +=
        formatsKeeping.isEmpty
        ? " No format otpbridge writes keeps the changed or dropped accounts as they are."
        : " --to \(formatsKeeping.joined(separator: ", ")) would keep the changed or dropped accounts as they are."
    }
    if unreadable + incompleteExports > 0 {
      text += " What was not read cannot go into any format: see what to do under each entry."
    }
    return text
  }
}
