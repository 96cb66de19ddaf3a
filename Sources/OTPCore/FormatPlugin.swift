import Foundation
import OTPJSON
import Synchronization

/// The bytes of one input and the name to use for it in messages.
public struct InputFile: Sendable {
  /// The path as the user gave it, or `-` for standard input.
  public var name: String
  public let bytes: [UInt8]
  private let outlineMemo = OutlineMemo()

  public init(name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
  }

  /// The structure of a JSON input (`JSONOutline`), or nil when it is not a JSON object or
  /// array. Worked out once, on first use, and shared by every sniffer that asks.
  public var jsonOutline: JSONOutline? {
    outlineMemo.value.withLock { memo in
      if let memo { return memo }
      let outline = JSONOutline(bytes)
      memo = .some(outline)
      return outline
    }
  }

  private final class OutlineMemo: Sendable {
    let value = Mutex<JSONOutline??>(nil)
  }

  /// The file name's ending after the last dot, lower-cased, or "".
  public var fileExtension: String {
    let last = name.split(separator: "/").last.map(String.init) ?? name
    guard let dot = last.lastIndex(of: ".") else { return "" }
    return last[last.index(after: dot)...].lowercased()
  }

  /// Whether the bytes are valid UTF-8, checked without making a String of them.
  public var isUTF8: Bool {
    (try? UTF8Span(validating: bytes.span)) != nil
  }

  /// The first `limit` bytes as UTF-8 text without a byte-order mark, or nil when they are not
  /// UTF-8: what a sniffer looks at, at a cost that does not grow with the file. A character cut
  /// by the limit is left out.
  public func head(_ limit: Int) -> String? {
    Self.text(of: textBytes, limit: limit)
  }

  /// The bytes after a UTF-8 byte-order mark, if there is one.
  var textBytes: ArraySlice<UInt8> {
    bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
  }

  /// The first `limit` bytes of `slice` as UTF-8, a character cut by the limit left out.
  static func text(of slice: ArraySlice<UInt8>, limit: Int) -> String? {
    guard slice.count > limit else { return String(validating: slice, as: UTF8.self) }
    var end = slice.startIndex + limit
    // The byte after the limit continues a character: step back to where that character starts.
    var steps = 0
    while steps < 3, end > slice.startIndex, slice[end] & 0xC0 == 0x80 {
      end -= 1
      steps += 1
    }
    return String(validating: slice[..<end], as: UTF8.self)
  }

  /// Where the first line with text on it lies in `bytes`, its line break (LF, CR or CRLF) and
  /// surrounding spaces and tabs left out, skipping lines that begin with `comment`: what a text format's sniffer
  /// looks at. Found by scanning bytes, so the blank and comment lines before it cost their
  /// length and nothing is copied, however many there are.
  public func firstLineRange(skippingLinesStartingWith comment: UInt8? = nil) -> Range<Int>? {
    let text = textBytes
    var start = text.startIndex
    while start < text.endIndex {
      // A line ends at LF, CR or CRLF (the blank "line" between CR and LF is skipped below), as
      // Windows and old Mac files end them.
      let end = text[start...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? text.endIndex
      var first = start, last = end
      while first < last, Self.isBlank(text[first]) { first += 1 }
      while last > first, Self.isBlank(text[last - 1]) { last -= 1 }
      if first < last, comment == nil || text[first] != comment { return first..<last }
      start = end + 1
    }
    return nil
  }

  static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

  /// The first `limit` bytes of that line as text, or nil when there is no such line or it is
  /// not UTF-8.
  public func firstLine(skippingLinesStartingWith comment: UInt8? = nil, limit: Int = 4096) -> String? {
    guard let range = firstLineRange(skippingLinesStartingWith: comment) else { return nil }
    return Self.text(of: bytes[range], limit: limit)
  }

  /// The bytes as UTF-8 text without a byte-order mark, or nil when they are not UTF-8.
  public var text: String? { head(.max) }
}

/// Gives a password when a plugin asks for one. Plugins ask only when a file is encrypted, so a
/// prompt appears only then. The password never travels through argv.
public struct PasswordProvider: Sendable {
  let provide: @Sendable (_ purpose: String) throws -> String?
  let doubts: @Sendable () -> String?
  let forgetTyped: @Sendable () -> Bool

  /// `provide` gets a short purpose (the file's name) and returns nil if there is none.
  /// `doubts` says what about the password given could explain a wrong-password error ("the
  /// input password file pw.txt: it ends with a space"). `forgetTyped` forgets a password typed
  /// at a prompt, so that the next `password(for:)` asks again, and says whether it did.
  public init(
    _ provide: @escaping @Sendable (_ purpose: String) throws -> String?,
    doubts: @escaping @Sendable () -> String? = { nil }, forgetTyped: @escaping @Sendable () -> Bool = { false }
  ) {
    self.provide = provide
    self.doubts = doubts
    self.forgetTyped = forgetTyped
  }

  /// After a wrong password: forgets it if it was typed at a prompt, so that it can be asked
  /// again; false when it came from a file or a variable, which would give the same again.
  public func forgetTypedPassword() -> Bool { forgetTyped() }

  /// What is odd about the password given so far, for a wrong-password error; nil when nothing is.
  public var doubtsAboutPassword: String? { doubts() }

  public static let none = PasswordProvider { _ in nil }

  public func password(for purpose: String) throws -> String? {
    try provide(purpose)
  }
}

public struct ReadContext: Sendable {
  public typealias NestedReader = @Sendable (_ input: InputFile, _ context: ReadContext) throws -> ReadResult

  public var password: PasswordProvider
  /// Set by the registry: reads bytes found inside a container (the text of a QR code, a member of
  /// an archive) with whichever plugin recognises them, so containers never import other plugins.
  public var nestedReader: NestedReader
  /// How far a reader may go for this file: archive sizes, KDF costs, image sizes (Limits.swift).
  public var limits: Limits
  /// A key file that opens databases with (or instead of) a password (KeePass's `--key-file`).
  public var keyFile: KeyFile?
  /// Whether the file is a member of an archive being read: an archive inside one is not opened
  /// (a zip that holds itself would never end).
  public var insideArchive = false
  /// Shared by the members of one archive (`ReadBudget`); nil for a file read on its own.
  public var budget: ReadBudget?

  public init(password: PasswordProvider = .none, nestedReader: NestedReader? = nil, limits: Limits = .standard) {
    self.password = password
    self.limits = limits
    self.nestedReader =
      nestedReader ?? { input, _ in
        throw OTPError.unrecognisedFormat(file: input.name, known: [])
      }
  }

  /// Reads the bytes of something found inside the file being read.
  public func readNested(_ input: InputFile) throws -> ReadResult {
    try nestedReader(input, self)
  }
}

/// The bytes of a key file the command line named, with its name for messages.
public struct KeyFile: Sendable, Equatable {
  public var name: String
  public var bytes: [UInt8]

  public init(name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
  }
}

public struct WriteContext: Sendable {
  /// The password for formats that encrypt what they write.
  public var newPassword: PasswordProvider
  /// The name of the output, for messages.
  public var outputName: String

  public init(newPassword: PasswordProvider = .none, outputName: String = "-") {
    self.newPassword = newPassword
    self.outputName = outputName
  }
}

/// The accounts of one file, and what reading noticed on the way.
public struct ReadResult: Sendable {
  public var accounts: [Account]
  public var findings: [Finding]
  /// The parts of split exports read (Google transfer codes), in the order read, for putting
  /// inputs read together back together.
  public var parts: [ExportPart]

  public init(accounts: [Account], findings: [Finding] = [], parts: [ExportPart] = []) {
    self.accounts = accounts
    self.findings = findings
    self.parts = parts
  }
}

/// What a writer made: the bytes of one file, or for a format that writes a folder
/// (`FormatDescriptor.writesFolder`) the files of that folder. (QR images are drawn from these
/// bytes afterwards by `convert --qr`, not by a writer.)
public struct WriteResult: Sendable {
  public var bytes: [UInt8]
  public var findings: [Finding]
  /// A folder's files, by name; empty for a format that writes one file.
  public var files: [WrittenFile]

  public init(bytes: [UInt8], findings: [Finding] = []) {
    self.bytes = bytes
    self.findings = findings
    self.files = []
  }

  public init(files: [WrittenFile], findings: [Finding] = []) {
    self.bytes = []
    self.findings = findings
    self.files = files
  }
}

/// One file of a folder a writer made (Steam Desktop Authenticator's maFiles folder).
public struct WrittenFile: Sendable {
  public var name: String
  public var bytes: [UInt8]
  /// Whether the file holds accounts (a maFile), as opposed to the folder's index (its manifest).
  public var holdsAccounts: Bool

  public init(name: String, bytes: [UInt8], holdsAccounts: Bool) {
    self.name = name
    self.bytes = bytes
    self.holdsAccounts = holdsAccounts
  }
}

/// How sure a plugin is that it can read an input.
public enum SniffConfidence: Int, Sendable, Comparable {
  case no = 0, possible = 1, likely = 2, certain = 3

  public static func < (lhs: SniffConfidence, rhs: SniffConfidence) -> Bool {
    lhs.rawValue < rhs.rawValue
  }
}

/// The contract every format module fulfils (docs/architecture.md, "The plugin contract").
///
/// - `sniff` is cheap and never throws.
/// - `read` returns every entry it could read; a bad entry becomes a `Finding` with its origin and
///   `entrySkipped` set, and the rest still converts. Only a file that cannot be read at all throws,
///   with an `OTPError` that tells a wrong password from damage from an unsupported version.
/// - `write` receives accounts that already fit the descriptor's capabilities (the loss report
///   adapted them), so a writer never has to drop or change anything on its own.
public protocol FormatPlugin: Sendable {
  var descriptor: FormatDescriptor { get }
  func sniff(_ input: InputFile) -> SniffConfidence
  func read(_ input: InputFile, context: ReadContext) throws -> ReadResult
  func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult
  /// The plugin with the command line's writer settings applied, for a format whose descriptor
  /// lists them in `writerSettings` (its capabilities may depend on them: Entra's `--upn`).
  func configured(_ settings: WriterSettings) -> any FormatPlugin
}

extension FormatPlugin {
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    throw OTPError.cannotWrite(format: descriptor.id)
  }

  /// What `write` made, read back with this plugin: its file, or each file of its folder that holds
  /// accounts (named `name/file`), one after the other.
  public func readWritten(_ written: WriteResult, name: String, context: ReadContext) throws -> ReadResult {
    guard !written.files.isEmpty else { return try read(InputFile(name: name, bytes: written.bytes), context: context) }
    var result = ReadResult(accounts: [])
    for file in written.files where file.holdsAccounts {
      result.append(try read(InputFile(name: name + "/" + file.name, bytes: file.bytes), context: context))
    }
    return result
  }

  public func configured(_ settings: WriterSettings) -> any FormatPlugin { self }
}

/// A command-line setting that tunes one writer; a format names those it takes in
/// `FormatDescriptor.writerSettings`, and `convert` refuses them for any other.
public enum WriterSetting: String, Sendable, CaseIterable {
  /// The most accounts in one Google Authenticator transfer code.
  case batchSize = "--batch-size"
  /// The user principal name every Entra OATH CSV row gets.
  case upn = "--upn"
}

/// The values of the writer settings a command line gave; nil where it gave none.
public struct WriterSettings: Sendable, Equatable {
  public var batchSize: Int?
  public var upn: String?

  public init(batchSize: Int? = nil, upn: String? = nil) {
    self.batchSize = batchSize
    self.upn = upn
  }

  /// The settings given, to check each against the target's `writerSettings`.
  public var given: [WriterSetting] {
    (batchSize == nil ? [] : [.batchSize]) + (upn == nil ? [] : [.upn])
  }
}
