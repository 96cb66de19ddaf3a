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
    guard let text = input.text else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is not UTF-8 text")
    }
    var result = ReadResult(accounts: [])
    // A Swift Character holds "\r\n" as one grapheme, so CRLF, LF and CR all end a line here.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    for (index, line) in lines.enumerated() {
      let trimmed = line.trimmingWhitespace()
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let origin = Origin(file: input.name, place: .line(index + 1))
      if trimmed.lowercased().hasPrefix("otpauth-migration:"),
        let nested = try? context.readNested(InputFile(name: origin.description, bytes: Array(trimmed.utf8)))
      {
        // A Google Authenticator transfer link among the lines: its plugin unpacks it.
        result.accounts += nested.accounts
        result.findings += nested.findings
        continue
      }
      do {
        let parsed = try OtpauthURI.parse(trimmed, origin: origin)
        result.accounts.append(parsed.account)
        for warning in parsed.warnings {
          result.findings.append(Finding(.warning, code: warning.code, warning.message, at: origin))
        }
      } catch {
        // Activation links and push enrolments say what they are and what to do, not just "bad URI".
        if let verdict = Classifier.classify(payload: trimmed), verdict.portability == .notPortable {
          result.findings.append(verdict.finding(at: origin))
        } else {
          result.findings.append(
            Finding(
              .error, code: error.code, "\(error.message); the line was skipped", at: origin,
              remedy: error.remedy, entrySkipped: true))
        }
      }
    }
    return result
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    var text = ""
    for account in accounts {
      text += OtpauthURI.format(account)
      text += "\n"
    }
    return WriteResult(bytes: Array(text.utf8))
  }
}
