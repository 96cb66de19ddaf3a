import Foundation
import OTPCore

#if canImport(Glibc)
  import Glibc
#endif

/// An external plugin, an executable `otpbridge-format-NAME`, adapted to `FormatPlugin` so that
/// nothing else can tell it from a built-in (docs/plugins.md).
public struct ExternalFormat: FormatPlugin {
  public static let protocolVersion = 1
  public static let executablePrefix = "otpbridge-format-"
  /// The most of a file `sniff` sends: sniffing must stay cheap.
  static let sniffBytes = 64 * 1024

  public let descriptor: FormatDescriptor
  let process: PluginProcess

  /// The longest reply otpbridge reads from a plugin unless told otherwise: 256 MiB, the input limit.
  public static let defaultMaximumReply = PluginProcess.defaultMaximumReply

  /// Asks the executable to describe itself. `timeout` bounds each request, reading its reply
  /// included; a reply longer than `maximumReply` bytes is refused.
  public init(executable: String, timeout: TimeInterval = 30, maximumReply: Int = defaultMaximumReply) throws {
    let name = URL(fileURLWithPath: executable).lastPathComponent
    process = PluginProcess(executable: executable, name: name, timeout: timeout, maximumReply: maximumReply)
    let reply = try process.run("describe", body: DescribeRequest(), as: DescribeReply.self)
    descriptor = try Self.descriptor(from: reply, process: process)
  }

  public func sniff(_ input: InputFile) -> SniffConfidence {
    let request = SniffRequest(file: PluginFile(name: input.name, bytes: input.bytes.prefix(Self.sniffBytes)))
    guard let reply = try? process.run("sniff", body: request, as: SniffReply.self) else { return .no }
    return ["possible": .possible, "likely": .likely, "certain": .certain][reply.confidence] ?? .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    var request = ReadRequest(file: PluginFile(name: input.name, bytes: input.bytes))
    var reply = try process.run("read", body: request, as: ReadReply.self)
    if reply.error?.kind == "passwordRequired" {
      guard let password = try context.password.password(for: input.name) else {
        throw OTPError.passwordRequired(file: input.name)
      }
      request.password = password
      reply = try process.run("read", body: request, as: ReadReply.self)
    }
    try throwIfError(reply.error, file: input.name)
    guard let document = reply.document else { throw process.failure("its reply to 'read' has no \"document\"") }
    var result: ReadResult
    do {
      result = try NeutralJSON.read(document, file: input.name)
    } catch let error as OTPError {
      throw process.failure("its document is not valid otpbridge-json: \(error)")
    }
    // The plugin's entries carry the plugin's own places in the file, when it gives them.
    result.findings += (reply.findings ?? []).map { $0.finding(file: input.name) }
    return result
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var request = WriteRequest(document: NeutralJSON.Document(accounts))
    if descriptor.encryption != .none, let password = try context.newPassword.password(for: context.outputName) {
      request.password = password
    }
    let reply = try process.run("write", body: request, as: WriteReply.self)
    try throwIfError(reply.error, file: context.outputName)
    guard let text = reply.base64, let bytes = Data(base64Encoded: text) else {
      throw process.failure("its reply to 'write' has no valid \"base64\"")
    }
    return WriteResult(bytes: Array(bytes), findings: (reply.findings ?? []).map { $0.finding(file: context.outputName) })
  }

  /// Maps the plugin's error reply onto the same errors built-ins throw.
  func throwIfError(_ error: PluginError?, file: String) throws {
    guard let error else { return }
    let message = error.message.map { String($0.prefix(500)) } ?? "no reason given"
    switch error.kind {
    case "passwordRequired": throw OTPError.passwordRequired(file: file)
    case "wrongPassword": throw OTPError.wrongPassword(file: file)
    case "unsupportedVersion":
      throw OTPError.unsupportedVersion(file: file, version: error.version ?? "?", supported: message)
    case "corrupted": throw OTPError.corrupted(file: file, place: nil, reason: message)
    default: throw process.failure(message)
    }
  }

  /// The descriptor for a description whose shape `DescribeReply` has checked.
  static func descriptor(from reply: DescribeReply, process: PluginProcess) throws -> FormatDescriptor {
    let id = reply.id
    guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
      throw process.failure("its id '\(id.prefix(40))' is not letters, digits and hyphens")
    }
    let capabilities = reply.capabilities
    func known<T: Hashable>(_ key: String, _ words: [String], _ make: (String) -> T?) throws -> Set<T> {
      Set(
        try words.map { word in
          guard let value = make(word) else {
            throw process.failure("capabilities.\(key) has an unknown value '\(word.prefix(24))'")
          }
          return value
        })
    }
    let digits = capabilities.digits
    guard digits.count == 2, digits[0] >= 1, digits[0] <= digits[1] else {
      throw process.failure(DescribeReply.badDigits)
    }
    let periods: PeriodSupport
    if let only = capabilities.periods.only {
      periods = .only(Set(only))
    } else if let low = capabilities.periods.min, let high = capabilities.periods.max, low <= high {
      periods = .range(low...high)
    } else {
      throw process.failure(DescribeReply.badPeriods)
    }
    return FormatDescriptor(
      id: id, displayName: reply.name ?? id, fileExtensions: reply.extensions ?? [],
      canRead: reply.reads ?? false, canWrite: reply.writes ?? false,
      encryption: EncryptionSupport(rawValue: reply.encryption ?? "none") ?? .none,
      capabilities: Capabilities(
        kinds: try known("kinds", capabilities.kinds, OTPKind.init(rawValue:)),
        algorithms: try known("algorithms", capabilities.algorithms, HashAlgorithm.init(rawValue:)),
        digits: digits[0]...digits[1], periods: periods,
        fields: try known("fields", capabilities.fields, AccountField.init(rawValue:))),
      summary: (reply.summary ?? "An external plugin.") + " (external: \(process.executable))")
  }
}

/// Finds external plugins: executables named `otpbridge-format-NAME` in the folders given, then
/// in $OTPBRIDGE_PLUGIN_PATH, then on $PATH. The first executable of a name wins.
public enum ExternalPlugins {
  public struct Discovery: Sendable {
    public var plugins: [ExternalFormat]
    /// Plugins that were found but could not describe themselves, in words.
    public var problems: [String]
  }

  public static func discover(folders: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Discovery
  {
    let searched =
      folders
      + (environment["OTPBRIDGE_PLUGIN_PATH"] ?? "").split(separator: ":").map(String.init)
      + (environment["PATH"] ?? "").split(separator: ":").map(String.init)
    // Seconds, finite and above zero (up to a day); anything else ("nan", "-1") leaves the default.
    let timeout =
      environment["OTPBRIDGE_PLUGIN_TIMEOUT"].flatMap(TimeInterval.init).flatMap { $0 > 0 && $0 <= 86_400 ? $0 : nil } ?? 30
    // A whole number of MiB from 1; anything else leaves the default.
    let maximumReplyMiB = environment["OTPBRIDGE_PLUGIN_MAX_REPLY_MIB"].flatMap { Int($0) }.flatMap {
      (1...(1 << 20)).contains($0) ? $0 : nil
    }
    let maximumReply = maximumReplyMiB.map { $0 << 20 } ?? ExternalFormat.defaultMaximumReply
    var seen: Set<String> = []
    var discovery = Discovery(plugins: [], problems: [])
    for folder in searched {
      for path in candidates(in: folder) {
        let name = (path as NSString).lastPathComponent
        guard !seen.contains(name) else { continue }
        guard FileManager.default.isExecutableFile(atPath: path) else { continue }
        seen.insert(name)
        do {
          discovery.plugins.append(try ExternalFormat(executable: path, timeout: timeout, maximumReply: maximumReply))
        } catch {
          discovery.problems.append("\(error)")
        }
      }
    }
    return discovery
  }

  /// The `otpbridge-format-*` files in `folder`, sorted. libc's glob filters the folder's entries
  /// in C, which keeps start-up fast with thousands of programs on $PATH.
  static func candidates(in folder: String) -> [String] {
    guard !folder.isEmpty, !folder.contains(where: { "*?[".contains($0) }) else { return [] }
    var matches = glob_t()
    defer { globfree(&matches) }
    let pattern = (folder as NSString).appendingPathComponent(ExternalFormat.executablePrefix + "*")
    guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
    return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }
  }
}
