import Foundation
import OTPCore
import TestSupport
import Testing

@testable import GoogleMigration

/// The quirks of formats.md §2: link encodings, UNSPECIFIED values, labels, batches.
@Suite struct GoogleMigrationRuleTests {
  let format = GoogleMigrationFormat()
  static let origin = Origin(file: "t", place: .whole)

  func read(_ text: String) throws -> ReadResult {
    try format.read(InputFile(name: "f", bytes: Array(text.utf8)), context: ReadContext())
  }

  func link(_ payload: MigrationPayload) throws -> String {
    MigrationLink.link(for: try payload.serializedBytes())
  }

  func entry(name: String, issuer: String = "", secret: [UInt8] = [1, 2, 3, 4, 5]) -> MigrationPayload.OtpParameters {
    var entry = MigrationPayload.OtpParameters()
    entry.secret = Data(secret)
    entry.name = name
    entry.issuer = issuer
    return entry
  }

  @Test func everyEncodingOfTheBase64Reads() throws {
    let original = try Vectors.text("stratum/data/googleauthenticator.txt").trimmingWhitespace()
    let expected = try read(original).accounts
    let raw = PercentEncoding.decode(original, plusIsSpace: false)
    #expect(raw.contains("+") && raw.contains("/") && raw.hasSuffix("B"))
    let variants = [
      raw,  // what a QR reader hands over
      raw.replacingOccurrences(of: "+", with: " "),  // after a form decoder
      original.replacingOccurrences(of: "%", with: "%25"),  // percent-encoded twice
      "otpauth-migration://offline?data="
        + raw.dropFirst(33).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"),  // URL-safe
      "\u{FEFF}# exported\r\n\r\n" + original + "\r\n",  // BOM, comment, CRLF
    ]
    for variant in variants {
      let result = try read(variant)
      #expect(result.findings.isEmpty)
      #expect(result.accounts == expected)
    }
  }

  @Test func unspecifiedMeansTOTPWithSHA1AndSixDigits() throws {
    var payload = MigrationPayload()
    payload.otpParameters = [entry(name: "plain")]
    let account = try #require(try read(try link(payload)).accounts.first)
    #expect(account.kind == .totp && account.algorithm == .sha1 && account.digits == 6 && account.period == 30)
  }

  @Test func theIssuerPrefixOfTheNameIsSplitOff() throws {
    var payload = MigrationPayload()
    payload.otpParameters = [
      entry(name: "SerenityLabs:test1@serenitylabs.co.uk", issuer: "SerenityLabs"),
      entry(name: "Contoso:alice", issuer: "Microsoft"),
      entry(name: "Prefix: bob"),
      entry(name: "pi@raspberrypi", issuer: "raspberrypi"),
      entry(name: ":a:b"),
    ]
    let accounts = try read(try link(payload)).accounts
    #expect(accounts.map(\.issuer) == ["SerenityLabs", "Microsoft", "Prefix", "raspberrypi", ""])
    #expect(accounts.map(\.name) == ["test1@serenitylabs.co.uk", "alice", "bob", "pi@raspberrypi", "a:b"])
    #expect(accounts.map(\.labelIssuer) == [nil, "Contoso", nil, nil, nil])
  }

  @Test func badEntriesAreSkippedWithAFindingAndTheRestReads() throws {
    var payload = MigrationPayload()
    var md5 = entry(name: "md5")
    md5.algorithm = .md5
    var unknownType = entry(name: "type")
    unknownType.type = .UNRECOGNIZED(7)
    payload.otpParameters = [entry(name: "good"), md5, entry(name: "empty", secret: []), unknownType]
    let result = try read(try link(payload))
    #expect(result.accounts.map(\.name) == ["good"])
    #expect(
      result.findings.map(\.code) == ["GOOGLE_MIGRATION_MD5", "GOOGLE_MIGRATION_NO_SECRET", "GOOGLE_MIGRATION_UNKNOWN_TYPE"])
    #expect(result.findings.allSatisfy { $0.entrySkipped && $0.severity == .error })
    #expect(result.findings.map(\.origin?.place) == [.entry(2), .entry(3), .entry(4)])
  }

  @Test func badLinesAreSkippedWithTheirLineNumbers() throws {
    let good = try Vectors.text("stratum/data/googleauthenticator.txt").trimmingWhitespace()
    let text = [
      good, "otpauth-migration://offline?data=%%%", "otpauth://totp/x?secret=AAAA", "otpauth-migration://offline",
      "otpauth-migration://offline?data=AAAA",
    ].joined(separator: "\n")
    let result = try read(text)
    #expect(result.accounts.count == 6)
    #expect(
      result.findings.map(\.code) == [
        "GOOGLE_MIGRATION_BAD_BASE64", "GOOGLE_MIGRATION_NOT_A_LINK", "GOOGLE_MIGRATION_NO_DATA", "GOOGLE_MIGRATION_BAD_PAYLOAD",
      ])
    #expect(result.findings.map(\.origin?.place) == [.line(2), .line(3), .line(4), .line(5)])
    #expect(result.findings[1].message.contains("'otpauth'"))
    #expect(!result.findings.contains { $0.message.contains("AAAA") })
  }

  @Test func writerEmitsNegativeBatchIDsAsTenByteVarintsAndIndexZero() throws {
    var payload = MigrationPayload()
    payload.version = 1
    payload.batchSize = 1
    payload.batchIndex = 0
    payload.batchID = -1_320_898_453
    let bytes: [UInt8] = try payload.serializedBytes()
    #expect(bytes == [0x10, 0x01, 0x18, 0x01, 0x20, 0x00, 0x28, 0xEB, 0xE0, 0x92, 0x8A, 0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    #expect(try MigrationPayload(serializedBytes: bytes).batchID == -1_320_898_453)
  }

  /// A hostile file: 20,000 links, each its own export claiming to be 1 of 2 billion codes. Read
  /// in linear time, each export naming its first ten missing codes and the count of the rest.
  @Test func exportsClaimingBillionsOfCodesCostWhatTheirLinesDo() throws {
    var lines: [String] = []
    for id in 0..<20_000 {
      var payload = MigrationPayload()
      payload.otpParameters = [entry(name: "n\(id)")]
      payload.batchSize = Int32.max
      payload.batchIndex = 0
      payload.batchID = Int32(id)
      lines.append(try link(payload))
    }
    let start = Date()
    let result = try read(lines.joined(separator: "\n"))
    #expect(Date().timeIntervalSince(start) < 30)
    #expect(result.accounts.count == 20_000)
    let missing = result.findings.filter { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" }
    #expect(missing.count == 20_000)
    #expect(
      missing[0].message.contains(
        "QR codes 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2147483636 more of 2147483647 are missing (you gave 1)"))
  }

  @Test func batchesAreReassembledByIDInIndexOrder() throws {
    let accounts = RandomAccounts.make(count: 25, fitting: format.descriptor.capabilities, seed: 7)
    let lines = String(decoding: try format.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
      .split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    let payloads = try lines.map { try MigrationPayload(serializedBytes: try MigrationLink.payloadBytes(of: $0)) }
    #expect(payloads.map(\.otpParameters.count) == [10, 10, 5])
    #expect(payloads.map(\.batchIndex) == [0, 1, 2])
    #expect(payloads.allSatisfy { $0.batchSize == 3 && $0.version == 1 && $0.batchID == payloads[0].batchID })
    let back = try read(lines.reversed().joined(separator: "\n"))
    #expect(back.findings.isEmpty)
    #expect(back.accounts.map(\.secret) == accounts.map(\.secret))
  }

  @Test func missingBatchesAreNamed() throws {
    let accounts = RandomAccounts.make(count: 25, fitting: format.descriptor.capabilities, seed: 8)
    let lines = String(decoding: try format.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
      .split(separator: "\n").map(String.init)
    let first = try read(lines[0])
    #expect(first.accounts.count == 10)
    let missing = try #require(first.findings.first { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" })
    #expect(missing.message.contains("QR codes 2 and 3 of 3 are missing (you gave 1)"))
    #expect(missing.entrySkipped && missing.severity == .error)
    let middle = try read(lines[1])
    #expect(middle.findings.map(\.message).first?.contains("QR codes 1 and 3 of 3 are missing (you gave 2)") == true)
    let twoOfThree = try read(lines[0] + "\n" + lines[2])
    #expect(twoOfThree.findings.map(\.message).first?.contains("QR code 2 of 3 is missing (you gave 1 and 3)") == true)
    let duplicate = try read(lines.joined(separator: "\n") + "\n" + lines[1])
    #expect(duplicate.accounts.count == 25)
    #expect(duplicate.findings.map(\.code) == ["GOOGLE_MIGRATION_DUPLICATE_BATCH"])
  }

  @Test func batchSizeIsTheWritersSetting() throws {
    let small = GoogleMigrationFormat(batchSize: 3)
    let accounts = RandomAccounts.make(count: 7, fitting: small.descriptor.capabilities, seed: 9)
    let text = String(decoding: try small.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
    #expect(text.split(separator: "\n").count == 3)
    #expect(try small.read(InputFile(name: "o", bytes: Array(text.utf8)), context: ReadContext()).accounts.count == 7)
    #expect(GoogleMigrationFormat().batchSize == 10)
  }

  @Test func randomAccountsRoundTripWithTheSameCodes() throws {
    for (seed, count) in [1, 2, 9, 10, 11, 99, 1000].enumerated() {
      let accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: UInt64(seed))
      let written = try format.write(accounts, context: WriteContext())
      let back = try format.read(InputFile(name: "o", bytes: written.bytes), context: ReadContext())
      #expect(back.findings.isEmpty)
      try #require(back.accounts.count == count)
      for (a, b) in zip(accounts, back.accounts) {
        var moved = b
        moved.origin = a.origin
        #expect(moved == a)
        if a.kind == .totp {
          #expect(try CodeGenerator.code(for: a, at: 1_700_000_000) == CodeGenerator.code(for: b, at: 1_700_000_000))
        } else {
          #expect(try CodeGenerator.code(for: a, counter: a.counter) == CodeGenerator.code(for: b, counter: b.counter))
        }
      }
    }
  }

  @Test func capabilitiesNameWhatTheFormatCannotHold() {
    let capabilities = format.descriptor.capabilities
    #expect(capabilities.kinds == [.totp, .hotp])
    #expect(capabilities.holds(digits: 6) && capabilities.holds(digits: 8))
    #expect(!capabilities.holds(digits: 7) && !capabilities.holds(digits: 5))
    #expect(capabilities.periods == .only([30]))
    let accounts = [
      Account(kind: .steam, issuer: "Steam", secret: Secret([1]), origin: Self.origin),
      Account(kind: .totp, issuer: "Seven", secret: Secret([1]), digits: 7, origin: Self.origin),
      Account(kind: .totp, issuer: "Sixty", secret: Secret([1]), period: 60, origin: Self.origin),
      Account(kind: .totp, issuer: "Fine", secret: Secret([1]), algorithm: .sha512, digits: 8, origin: Self.origin),
    ]
    let report = LossReport(accounts: accounts, target: format.descriptor)
    #expect(report.outcomes.map(\.status) == [.dropped, .changed, .changed, .kept])
    #expect(
      report.outcomes[1].changes.map(\.description) == [
        "digits changed from 7 to 6: Google Authenticator transfer holds 6, 8 digits; its codes will differ"
      ])
    #expect(report.outcomes[2].changes.map(\.field.label) == ["period"])
  }

  @Test func sniffing() {
    func sniff(_ text: String) -> SniffConfidence { format.sniff(InputFile(name: "f.txt", bytes: Array(text.utf8))) }
    #expect(sniff("# x\n\nOTPAUTH-MIGRATION://offline?data=AA") == .certain)
    #expect(sniff("otpauth://totp/x?secret=AA") == .no)
    #expect(sniff("") == .no)
  }
}
