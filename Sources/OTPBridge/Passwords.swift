import Foundation
import OTPCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a password comes from: a file (its first line) or the name of an environment variable.
/// The manifest never holds a password itself (docs/tenant.md).
public struct PasswordReference: Sendable, Codable, Equatable {
  public var file: String?
  public var environment: String?

  public init(file: String? = nil, environment: String? = nil) {
    self.file = file
    self.environment = environment
  }

  var isEmpty: Bool { file == nil && environment == nil }

  /// A provider that reads the password only when a reader or writer asks for it, and then once:
  /// the file (which may be `-`, /dev/stdin or a pipe), else the variable, else `fallback` (the
  /// CLI's no-echo prompt), else none.
  public func provider(role: PasswordRole, fallback: (@Sendable (_ purpose: String) throws -> String?)? = nil) -> PasswordProvider
  {
    supply(role: role, fallback: fallback).provider
  }

  /// The provider, with a record of what it gave (`PasswordSupply.gavePassword`).
  public func supply(role: PasswordRole, fallback: (@Sendable (_ purpose: String) throws -> String?)? = nil) -> PasswordSupply {
    PasswordSupply(reference: self, role: role, fallback: isEmpty ? fallback : nil)
  }
}

/// What a password is for, and how messages name it.
public enum PasswordRole: Sendable {
  /// Opens a file: "input", "converted file".
  case opening(String)
  /// Gives a new file its password: "new", "output". Never empty (docs/safety.md), and typed twice
  /// at a prompt.
  case creating(String)

  public var name: String {
    switch self {
    case .opening(let name), .creating(let name): return name
    }
  }

  public var createsFile: Bool {
    if case .creating = self { return true }
    return false
  }
}

/// One password, fetched at most once (a pipe can be read only once, a prompt should ask once),
/// with what is odd about it for a wrong-password error.
public final class PasswordSupply: Sendable {
  let reference: PasswordReference
  let role: PasswordRole
  let fallback: (@Sendable (_ purpose: String) throws -> String?)?
  private let fetched = Mutex<PasswordText?>(nil)

  init(reference: PasswordReference, role: PasswordRole, fallback: (@Sendable (_ purpose: String) throws -> String?)?) {
    self.reference = reference
    self.role = role
    self.fallback = fallback
  }

  public var provider: PasswordProvider {
    guard !reference.isEmpty || fallback != nil else { return .none }
    return PasswordProvider(
      { [self] purpose in try password(for: purpose) },
      doubts: { [self] in fetched.withLock { $0?.doubts } },
      forgetTyped: { [self] in
        fetched.withLock { text in
          guard text?.typed == true else { return false }
          text = nil
          return true
        }
      })
  }

  /// Whether a password was asked for and given: nil when nobody asked (the format was not
  /// encrypted), false when asked and none was there (no option, no terminal).
  public var gavePassword: Bool? {
    fetched.withLock { $0.map { $0.value != nil } }
  }

  func password(for purpose: String) throws -> String? {
    if let known = fetched.withLock({ $0 }) { return known.value }
    let text = try fetch(purpose: purpose)
    fetched.withLock { $0 = text }
    return text.value
  }

  private func fetch(purpose: String) throws -> PasswordText {
    var text: PasswordText
    let source: String
    if let file = reference.file {
      source = "the \(role.name) password file \(file)"
      text = PasswordText(fileBytes: try Self.readAll(file, named: source))
    } else if let name = reference.environment {
      guard let value = ProcessInfo.processInfo.environment[name] else {
        throw OTPError.invalidArgument("the \(role.name) password variable \(name) is not set")
      }
      text = PasswordText(fileBytes: Array(value.utf8))
      source = "the \(role.name) password variable \(name)"
    } else if let fallback {
      text = PasswordText(value: try fallback(purpose))
      text.typed = text.value != nil
      source = "the \(role.name) password typed"
    } else {
      return PasswordText(value: nil)
    }
    text.source = source
    if role.createsFile, text.value == "" {
      throw OTPError.invalidArgument(
        "\(source) is empty: a file encrypted with an empty password is not protected. Give a password, or no password option at all to write a format unencrypted."
      )
    }
    return text
  }

  /// Everything a password file holds, read front to back without seeking, so `-`, /dev/stdin
  /// and a shell's `<(pass show x)` work like a regular file. A password file is small: more than
  /// 64 KiB is refused.
  static func readAll(_ path: String, named name: String) throws -> [UInt8] {
    guard let bytes = try Files.readStream(Files.openStream(path, reader: name), name: path, maximumSize: 1 << 16) else {
      throw OTPError.cannotOpen(
        file: path, reason: "\(name) is larger than 64 KiB; it should hold the password on its first line")
    }
    return bytes
  }
}

/// A password as given, and what about it could explain a wrong-password error.
struct PasswordText: Sendable {
  var value: String?
  /// "the input password file pw.txt", for messages.
  var source = ""
  /// Lines after the first, which are not part of the password.
  var ignoredLines = 0
  /// Typed at a prompt, which can ask again after a wrong password.
  var typed = false

  init(value: String?) {
    self.value = value
  }

  /// The first line of a file: without a byte-order mark (UTF-8, or UTF-16 as PowerShell's `>`
  /// writes) and without its line ending, whether `\n`, `\r\n` or `\r`.
  init(fileBytes: [UInt8]) {
    var lines: [String] = []
    var line = String.UnicodeScalarView()
    var afterReturn = false
    for scalar in PasswordText.decode(fileBytes).unicodeScalars {
      defer { afterReturn = scalar == "\r" }
      if scalar == "\n" && afterReturn { continue }  // the second half of \r\n
      if scalar == "\n" || scalar == "\r" {
        lines.append(String(line))
        line = String.UnicodeScalarView()
      } else {
        line.append(scalar)
      }
    }
    lines.append(String(line))
    value = lines[0]
    ignoredLines = lines.dropFirst().filter { !$0.isEmpty }.count
  }

  static func decode(_ bytes: [UInt8]) -> String {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: bytes.dropFirst(3), as: UTF8.self) }
    if let text = UTF16Text.decode(bytes) { return text }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// What a person typing the password would not type: spaces at either end, control
  /// characters, an empty password, lines that were ignored.
  var doubts: String? {
    guard let value else { return nil }
    var doubts: [String] = []
    if value.isEmpty { doubts.append("it is empty") }
    if value.first == " " || value.last == " " { doubts.append("it begins or ends with a space") }
    let controls = value.unicodeScalars.filter { $0.properties.generalCategory == .control }
    if !controls.isEmpty {
      let named = controls.contains("\t") ? " (a tab among them)" : ""
      doubts.append("it holds \(controls.count) control character(s)\(named), which a person does not type")
    }
    if ignoredLines > 0 { doubts.append("only its first line is the password; \(ignoredLines) more line(s) were ignored") }
    guard !doubts.isEmpty else { return nil }
    return "\(source): \(doubts.joined(separator: "; "))"
  }
}

extension FormatDescriptor {
  /// A new password for a format that cannot encrypt is refused (exit 2; a tenant user fails),
  /// never silently left unused: `convert` and tenant runs both ask here.
  public func refuseUnusedNewPassword(given: Bool) throws {
    guard given, writtenEncryption == .none else { return }
    throw OTPError.invalidArgument(
      "\(displayName) files cannot be encrypted by otpbridge, so the new password would not be used. Leave it out to write the file "
        + "unencrypted, or choose a format that encrypts ('otpbridge formats').")
  }
}

/// Records whether a reader asked for a password and got one: how the audit and tenant runs know a
/// file is encrypted, and how `Reading.read` knows a file was the format it resembled.
final class PasswordProbe: Sendable {
  private let asked = Mutex(false)

  func wrap(_ provider: PasswordProvider) -> PasswordProvider {
    PasswordProvider(
      { purpose in
        let password = try provider.password(for: purpose)
        self.asked.withLock { $0 = true }
        return password
      }, doubts: { provider.doubtsAboutPassword }, forgetTyped: { provider.forgetTypedPassword() })
  }

  var wasAsked: Bool { asked.withLock { $0 } }
}
