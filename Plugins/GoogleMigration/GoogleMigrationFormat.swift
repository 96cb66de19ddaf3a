import Foundation
import OTPCore

/// Google Authenticator's "Transfer accounts" QR codes: `otpauth-migration://offline?data=…`
/// links holding a protobuf (formats.md §2). A file holds one link or several lines of them, the
/// text of the QR codes; the batches of one export are put back together by their batch id.
public struct GoogleMigrationFormat: FormatPlugin {
  /// Google Authenticator puts at most 10 accounts in one QR code (formats.md §2.4).
  public static let defaultBatchSize = 10

  /// The most accounts the writer puts into one link (one QR code).
  public let batchSize: Int

  public init(batchSize: Int = Self.defaultBatchSize) {
    precondition(batchSize >= 1, "a batch holds at least one account")
    self.batchSize = batchSize
  }

  public let descriptor = FormatDescriptor(
    id: "google-migration",
    displayName: "Google Authenticator transfer",
    fileExtensions: ["txt"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    // No period field: every account is 30 s (§2.2). Digits are an enum of 6 or 8, and Google
    // Authenticator honours SHA256 and SHA512 since 2024 but has no HMAC-MD5 (§2.5).
    capabilities: Capabilities(
      kinds: [.totp, .hotp],
      algorithms: [.sha1, .sha256, .sha512],
      digits: 6...8,
      periods: .only([30]),
      fields: [.issuer, .name, .labelIssuer, .counter],
      excludingDigits: [7]),
    summary: "Google Authenticator's transfer QR codes (otpauth-migration://), one link per line; at most 10 accounts a code.",
    findingCodes: GoogleMigrationCode.codes, writerSettings: [.batchSize])

  public func configured(_ settings: WriterSettings) -> any FormatPlugin {
    settings.batchSize.map { GoogleMigrationFormat(batchSize: $0) } ?? self
  }

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let line = input.firstLine(skippingLinesStartingWith: UInt8(ascii: "#"), limit: 32) else { return .no }
    return MigrationLink.isLink(line) ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard input.isUTF8 else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is not UTF-8 text")
    }
    return input.withLines { lines in
      // Each line's payload is decoded on its own, on every core; then, in line order, each is
      // filed with its batch, and the accounts are read once every batch is in.
      let ranges = Parallel.chunks(of: lines.value.count, size: 512)
      let payloads = Parallel.map(ranges) { range in range.map { Self.payload(ofLine: lines.value[$0]) } }
      var batches = BatchAssembly(file: input.name)
      var result = ReadResult(accounts: [])
      for (index, payload) in payloads.joined().enumerated() {
        guard let payload else { continue }
        result.readEntry(at: Origin(file: input.name, place: .line(index + 1)), noun: "line") { warnings throws(EntryProblem) in
          batches.add(try payload.get(), line: index + 1, warnings: &warnings)
          return nil
        }
      }
      batches.read(into: &result)
      return result
    }
  }

  /// The payload of a line, or why it has none; nil for a blank or `#` comment line.
  static func payload(ofLine line: UnsafeBufferPointer<UInt8>) -> Result<MigrationPayload, EntryProblem>? {
    let trimmed = line.trimmingASCIIWhitespace()
    if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { return nil }
    return Result { () throws(EntryProblem) in
      let bytes = try MigrationLink.payloadBytes(of: trimmed)
      guard let payload = try? MigrationPayload(serializedBytes: bytes) else {
        throw EntryProblem(
          GoogleMigrationCode.badPayload, "the transfer link's data is not a Google Authenticator payload",
          remedy: "scan the QR code again")
      }
      return payload
    }
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let batchID = Int32.random(in: .min ... .max)
    let chunks = stride(from: 0, to: accounts.count, by: batchSize).map {
      accounts[$0..<min($0 + batchSize, accounts.count)]
    }
    var text = ""
    for (index, chunk) in chunks.enumerated() {
      var payload = MigrationPayload()
      payload.version = 1
      payload.batchSize = Int32(chunks.count)
      payload.batchIndex = Int32(index)
      payload.batchID = batchID
      for account in chunk {
        payload.otpParameters.append(try MigrationAccount.entry(for: account, outputName: context.outputName))
      }
      text += MigrationLink.link(for: try payload.serializedBytes()) + "\n"
    }
    return WriteResult(bytes: Array(text.utf8))
  }
}

/// The findings the Google Authenticator transfer reader reports (docs/audit.md lists their meanings).
enum GoogleMigrationCode: String, FindingCode {
  case badBase64 = "GOOGLE_MIGRATION_BAD_BASE64"
  case badIndex = "GOOGLE_MIGRATION_BAD_INDEX"
  case badPayload = "GOOGLE_MIGRATION_BAD_PAYLOAD"
  case duplicateBatch = "GOOGLE_MIGRATION_DUPLICATE_BATCH"
  case md5 = "GOOGLE_MIGRATION_MD5"
  case missingBatches = "GOOGLE_MIGRATION_MISSING_BATCHES"
  case noData = "GOOGLE_MIGRATION_NO_DATA"
  case noSecret = "GOOGLE_MIGRATION_NO_SECRET"
  case notALink = "GOOGLE_MIGRATION_NOT_A_LINK"
  case unknownAlgorithm = "GOOGLE_MIGRATION_UNKNOWN_ALGORITHM"
  case unknownDigits = "GOOGLE_MIGRATION_UNKNOWN_DIGITS"
  case unknownType = "GOOGLE_MIGRATION_UNKNOWN_TYPE"
}
