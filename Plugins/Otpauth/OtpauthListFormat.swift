import OTPCore

/// A text file of otpauth URIs, one per line: the lingua franca every app can at least import
/// (formats.md §1). Blank lines, `#` comments, CRLF line ends and a byte-order mark are fine; a bad
/// line becomes a finding with its line number and the other lines still convert.
public struct OtpauthListFormat: EntryWriting {
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
    guard input.firstLineRange(skippingLinesStartingWith: UInt8(ascii: "#")) != nil else {
      return input.fileExtension == "txt" ? .possible : .no
    }
    guard let line = input.firstLine(skippingLinesStartingWith: UInt8(ascii: "#"), limit: 32)?.lowercased() else {
      return .no
    }
    // Google transfer links belong to the google-migration plugin; read here they only get a finding.
    if line.hasPrefix("otpauth-migration://") { return .possible }
    return Self.schemes.contains { line.hasPrefix($0) } ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard input.isUTF8 else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is not UTF-8 text")
    }
    // Lines are parsed in place in the file's buffer (LF, CRLF and CR all end one), so that a
    // million-line list reads without making an array or a String per line; a long list is read
    // in parts, one a core, joined in order.
    return input.withLines { lines in
      // Parts of 50,000 lines, so that a part copied into the result and freed is a small part of
      // the whole; the first part has room for every line (pages are used only once written).
      let ranges = Parallel.chunks(of: lines.value.count, size: 50_000)
      var parts = Parallel.map(ranges) { range in
        var part = ReadResult(accounts: [])
        part.accounts.reserveCapacity(range.lowerBound == 0 ? lines.value.count : range.count)
        for index in range {
          readLine(lines.value[index], number: index + 1, file: input.name, context: context, into: &part)
        }
        return part
      }
      guard !parts.isEmpty else { return ReadResult(accounts: []) }
      var result = ReadResult(accounts: [])
      swap(&result, &parts[0])
      for index in parts.indices.dropFirst() {
        var part = ReadResult(accounts: [])
        swap(&part, &parts[index])
        result.append(part)
      }
      return result
    }
  }

  func readLine(
    _ line: UnsafeBufferPointer<UInt8>, number: Int, file: String, context: ReadContext, into result: inout ReadResult
  ) {
    let trimmed = line.trimmingASCIIWhitespace()
    if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { return }
    let origin = Origin(file: file, place: .line(number))
    if trimmed.part(..<min(trimmed.count, Self.migrationScheme.utf8CodeUnitCount)).equalsASCIICaseInsensitive(
      Self.migrationScheme)
    {
      // A Google Authenticator transfer link among the lines: its plugin unpacks it.
      if let nested = try? context.readNested(InputFile(name: origin.description, bytes: Array(trimmed))) {
        // With its parts, so that the other codes of its export are found or named missing.
        result.append(nested)
        return
      }
    }
    // Activation links and push enrolments say what they are and what to do, not just "bad URI".
    result.readEntry(at: origin, noun: "line", classifying: { String(decoding: trimmed, as: UTF8.self) }) {
      warnings throws(EntryProblem) in
      try OtpauthURI.parse(buffer: trimmed, origin: origin, warnings: &warnings)
    }
  }

  static let migrationScheme: StaticString = "otpauth-migration:"

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    try Lines().document(accounts[...])
  }

  public func entryWriter(for accounts: some Sequence<Account>, context: WriteContext) -> any EntryWriter {
    Lines()
  }

  /// One URI a line, each ended by a line feed: nothing before, between or after.
  struct Lines: EntryWriter {
    let head: [UInt8] = [], separator: [UInt8] = [], tail: [UInt8] = []

    func writeEntries(_ accounts: ArraySlice<Account>, to bytes: inout [UInt8], findings: inout [Finding]) {
      bytes.reserveCapacity(bytes.count + accounts.count * 128)
      // By index: a for-in loop would copy each account (a dozen reference counts).
      for index in accounts.indices {
        OtpauthURI.format(accounts[index], into: &bytes)
        bytes.append(0x0a)
      }
    }
  }
}
