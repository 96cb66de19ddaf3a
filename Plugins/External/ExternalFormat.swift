import Foundation

#if canImport(Glibc)
  import Glibc
#endif
import OTPCore

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
    let reply = try process.run("describe", body: ["protocol": Self.protocolVersion])
    descriptor = try Self.descriptor(from: reply, process: process)
  }

  public func sniff(_ input: InputFile) -> SniffConfidence {
    let body = Self.body(["file": ["name": input.name, "base64": Data(input.bytes.prefix(Self.sniffBytes)).base64EncodedString()]])
    guard let reply = try? process.run("sniff", body: body), let word = reply["confidence"] as? String else { return .no }
    return ["possible": .possible, "likely": .likely, "certain": .certain][word] ?? .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    var body = Self.body(["file": ["name": input.name, "base64": Data(input.bytes).base64EncodedString()]])
    var reply = try process.run("read", body: body)
    if Self.errorKind(reply) == "passwordRequired" {
      guard let password = try context.password.password(for: input.name) else {
        throw OTPError.passwordRequired(file: input.name)
      }
      body["password"] = password
      reply = try process.run("read", body: body)
    }
    try throwIfError(reply, file: input.name)
    guard let document = reply["document"] else { throw process.failure("its reply to 'read' has no \"document\"") }
    let documentBytes = try JSONSerialization.data(withJSONObject: document)
    var result: ReadResult
    do {
      result = try NeutralJSON.decode(Array(documentBytes), file: input.name)
    } catch let error as OTPError {
      throw process.failure("its document is not valid otpbridge-json: \(error)")
    }
    // The plugin's entries carry the plugin's own places in the file, when it gives them.
    result.findings += try Self.findings(reply["findings"], file: input.name, process: process)
    return result
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let document = try JSONSerialization.jsonObject(with: Data(NeutralJSON.encode(accounts)))
    var body = Self.body(["document": document])
    if descriptor.encryption != .none, let password = try context.newPassword.password(for: context.outputName) {
      body["password"] = password
    }
    let reply = try process.run("write", body: body)
    try throwIfError(reply, file: context.outputName)
    guard let text = reply["base64"] as? String, let bytes = Data(base64Encoded: text) else {
      throw process.failure("its reply to 'write' has no valid \"base64\"")
    }
    return WriteResult(bytes: Array(bytes), findings: try Self.findings(reply["findings"], file: context.outputName, process: process))
  }

  static func body(_ fields: [String: Any]) -> [String: Any] {
    fields.merging(["protocol": protocolVersion]) { $1 }
  }

  static func errorKind(_ reply: [String: Any]) -> String? {
    (reply["error"] as? [String: Any])?["kind"] as? String
  }

  /// Maps the plugin's error reply onto the same errors built-ins throw.
  func throwIfError(_ reply: [String: Any], file: String) throws {
    guard let error = reply["error"] as? [String: Any] else { return }
    let message = (error["message"] as? String).map { String($0.prefix(500)) } ?? "no reason given"
    switch error["kind"] as? String {
    case "passwordRequired": throw OTPError.passwordRequired(file: file)
    case "wrongPassword": throw OTPError.wrongPassword(file: file)
    case "unsupportedVersion":
      throw OTPError.unsupportedVersion(file: file, version: error["version"] as? String ?? "?", supported: message)
    case "corrupted": throw OTPError.corrupted(file: file, place: nil, reason: message)
    default: throw process.failure(message)
    }
  }

  static func findings(_ value: Any?, file: String, process: PluginProcess) throws -> [Finding] {
    guard let value else { return [] }
    guard let list = value as? [[String: Any]] else { throw process.failure("\"findings\" is not a list of objects") }
    return list.map { item in
      let severity = Finding.Severity.allCases.first { $0.label == item["severity"] as? String } ?? .warning
      var place = Origin.Place.whole
      if let line = item["line"] as? Int { place = .line(line) } else if let entry = item["entry"] as? Int { place = .entry(entry) }
      return Finding(
        severity, code: (item["code"] as? String) ?? "PLUGIN_FINDING", (item["message"] as? String) ?? "",
        at: Origin(file: file, place: place), remedy: item["remedy"] as? String, entrySkipped: (item["skipped"] as? Bool) ?? false)
    }
  }

  static func descriptor(from reply: [String: Any], process: PluginProcess) throws -> FormatDescriptor {
    func field<T>(_ key: String, _ type: T.Type) throws -> T {
      guard let value = reply[key] as? T else { throw process.failure("its description has no valid \"\(key)\"") }
      return value
    }
    guard (reply["protocol"] as? Int) == protocolVersion else {
      throw process.failure("it speaks protocol \(reply["protocol"] ?? "?"), otpbridge speaks \(protocolVersion)")
    }
    let id = try field("id", String.self)
    guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
      throw process.failure("its id '\(id.prefix(40))' is not letters, digits and hyphens")
    }
    let capabilities = try field("capabilities", [String: Any].self)
    func list<T>(_ key: String, _ make: (String) -> T?) throws -> [T] {
      guard let words = capabilities[key] as? [String] else { throw process.failure("capabilities has no list \"\(key)\"") }
      return try words.map { word in
        guard let value = make(word) else { throw process.failure("capabilities.\(key) has an unknown value '\(word.prefix(24))'") }
        return value
      }
    }
    guard let digits = capabilities["digits"] as? [Int], digits.count == 2, digits[0] >= 1, digits[0] <= digits[1] else {
      throw process.failure("capabilities.digits is not [lowest, highest]")
    }
    let periods: PeriodSupport
    if let only = (capabilities["periods"] as? [String: Any])?["only"] as? [Int] {
      periods = .only(Set(only))
    } else if let range = capabilities["periods"] as? [String: Any], let low = range["min"] as? Int, let high = range["max"] as? Int, low <= high {
      periods = .range(low...high)
    } else {
      throw process.failure("capabilities.periods is neither {\"min\", \"max\"} nor {\"only\": [...]}")
    }
    return FormatDescriptor(
      id: id, displayName: (reply["name"] as? String) ?? id, fileExtensions: (reply["extensions"] as? [String]) ?? [],
      canRead: (reply["reads"] as? Bool) ?? false, canWrite: (reply["writes"] as? Bool) ?? false,
      encryption: EncryptionSupport(rawValue: (reply["encryption"] as? String) ?? "none") ?? .none,
      capabilities: Capabilities(
        kinds: Set(try list("kinds") { OTPKind(rawValue: $0) }),
        algorithms: Set(try list("algorithms") { HashAlgorithm(rawValue: $0) }),
        digits: digits[0]...digits[1], periods: periods,
        fields: Set(try list("fields") { AccountField(rawValue: $0) })),
      summary: ((reply["summary"] as? String) ?? "An external plugin.") + " (external: \(process.executable))")
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

  public static func discover(folders: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Discovery {
    let searched = folders
      + (environment["OTPBRIDGE_PLUGIN_PATH"] ?? "").split(separator: ":").map(String.init)
      + (environment["PATH"] ?? "").split(separator: ":").map(String.init)
    // Seconds, finite and above zero (up to a day); anything else ("nan", "-1") leaves the default.
    let timeout = environment["OTPBRIDGE_PLUGIN_TIMEOUT"].flatMap(TimeInterval.init).flatMap { $0 > 0 && $0 <= 86_400 ? $0 : nil } ?? 30
    // A whole number of MiB from 1; anything else leaves the default.
    let maximumReplyMiB = environment["OTPBRIDGE_PLUGIN_MAX_REPLY_MIB"].flatMap { Int($0) }.flatMap { (1...(1 << 20)).contains($0) ? $0 : nil }
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
