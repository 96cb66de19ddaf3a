import OTPCore

/// A text file of otpauth URIs, one per line: the lingua franca every app can at least import
/// (formats.md §1). Blank lines, `#` comments, CRLF line ends and a byte-order mark are fine; a bad
/// line becomes a finding with its line number and the other lines still convert.
public struct OtpauthListFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "otpauth",
    displayName: "otpauth URI list",
    fileExtensions: ["txt", "uri", "uris"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    capabilities: Capabilities(
      kinds: Set(OTPKind.allCases),
      algorithms: [.sha1, .sha256, .sha512],
      digits: 1...10,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .counter, .pin, .icon, .extraParameters]),
    summary: "One otpauth:// URI per line; read by nearly every authenticator app.")

  static let schemes = ["otpauth://", "motp://", "steam://"]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let text = input.text else { return .no }
    for line in text.prefix(8192).split(whereSeparator: \.isNewline) {
      let trimmed = line.trimmingWhitespace().lowercased()
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      // Google transfer links belong to the google-migration plugin; read here they only get a finding.
      if trimmed.hasPrefix("otpauth-migration://") { return .possible }
      return Self.schemes.contains { trimmed.hasPrefix($0) } ? .certain : .no
    }
    return input.fileExtension == "txt" ? .possible : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard input.text != nil else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is not UTF-8 text")
    }
    var result = ReadResult(accounts: [])
    // Lines are byte slices of the file (LF, CRLF and CR all end one), so that a million-line list
    // reads without making a String per line.
    var bytes = input.bytes[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    var lineNumber = 0
    var lineStart = bytes.startIndex
    var index = bytes.startIndex
    while lineStart < bytes.endIndex || index < bytes.endIndex {
      while index < bytes.endIndex, bytes[index] != 0x0a, bytes[index] != 0x0d { index += 1 }
      lineNumber += 1
      readLine(bytes[lineStart..<index], number: lineNumber, file: input.name, context: context, into: &result)
      if index < bytes.endIndex, bytes[index] == 0x0d, index + 1 < bytes.endIndex, bytes[index + 1] == 0x0a { index += 1 }
      if index >= bytes.endIndex { break }
      index += 1
      lineStart = index
    }
    return result
  }

  func readLine(_ line: ArraySlice<UInt8>, number: Int, file: String, context: ReadContext, into result: inout ReadResult) {
    let trimmed = line.trimmingASCIIWhitespace()
    if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { return }
    let origin = Origin(file: file, place: .line(number))
    if trimmed.prefix(Self.migrationScheme.utf8.count).equalsASCIICaseInsensitive(Self.migrationScheme) {
      // A Google Authenticator transfer link among the lines: its plugin unpacks it.
      if let nested = try? context.readNested(InputFile(name: origin.description, bytes: Array(trimmed))) {
        result.accounts += nested.accounts
        result.findings += nested.findings
        return
      }
    }
    do {
      let parsed = try OtpauthURI.parse(utf8: trimmed, origin: origin)
      result.accounts.append(parsed.account)
      for warning in parsed.warnings {
        result.findings.append(Finding(.warning, code: warning.code, warning.message, at: origin))
      }
    } catch {
      // Activation links and push enrolments say what they are and what to do, not just "bad URI".
      let text = String(decoding: trimmed, as: UTF8.self)
      if let verdict = Classifier.classify(payload: text), verdict.portability == .notPortable {
        result.findings.append(verdict.finding(at: origin))
      } else {
        result.findings.append(
          Finding(
            .error, code: error.code, "\(error.message); the line was skipped", at: origin,
            remedy: error.remedy, entrySkipped: true))
      }
    }
  }

  static let migrationScheme = "otpauth-migration:"

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(accounts.count * 128)
    for account in accounts {
      OtpauthURI.format(account, into: &bytes)
      bytes.append(0x0a)
    }
    return WriteResult(bytes: bytes)
  }
}
