import Foundation
import OTPBridge
import OTPCore
import QRCodes
import TestSupport
import Testing

/// A Google export saved as one screenshot per QR code, the way people keep them: each image alone
/// lacks the others' batches; read, converted or audited together they make the whole export.
@Suite struct SplitExportTests {
  /// The three batches of one export of the fixture accounts, one PNG each, and their links.
  static func screenshots() throws -> (paths: [String], accounts: [Account], links: [String]) {
    let accounts = try QRReadingTests.fixtureAccounts()
    let google = try Registry.builtIn.plugin(id: "google-migration")
    let links = String(decoding: try google.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
      .split(separator: "\n").map(String.init)
    #expect(links.count == 3)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("split-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let paths = try links.enumerated().map { index, link in
      let path = "\(folder)/code-\(index + 1).png"
      try Data(try QRCode(encoding: link).png(scale: 3)).write(to: URL(fileURLWithPath: path))
      return path
    }
    return (paths, accounts, links)
  }

  @Test func theImagesTogetherAreTheWholeExport() throws {
    let (paths, accounts, _) = try Self.screenshots()
    let reading = try Reading.read(paths: paths)
    #expect(reading.findings.isEmpty, "\(reading.findings)")
    #expect(reading.accounts.count == accounts.count)
    #expect(zip(accounts, reading.accounts).allSatisfy(QRReadingTests.sameAccount))
  }

  @Test func imagesStillMissingABatchSaySoOnceForTheRun() throws {
    let (paths, accounts, _) = try Self.screenshots()
    let reading = try Reading.read(paths: [paths[0], paths[2]])
    #expect(reading.accounts.count == accounts.count - 10)
    let missing = reading.findings.filter { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" }
    #expect(missing.count == 1)
    #expect(missing.first?.entrySkipped == true)
    #expect(missing.first?.message.contains("QR code 2 of 3 is missing (you gave 1 and 3)") == true, "\(missing)")
    #expect(missing.first?.message.contains("accounts it holds are unknown") == true)
  }

  @Test func aScreenshotTakenTwiceIsReadOnce() throws {
    // Codes 1, 2, 2 again (a re-taken screenshot) and 3: the whole export, each account once.
    let (paths, accounts, _) = try Self.screenshots()
    let reading = try Reading.read(paths: [paths[0], paths[1], paths[1], paths[2]])
    #expect(reading.accounts.count == accounts.count)
    #expect(zip(accounts, reading.accounts).allSatisfy(QRReadingTests.sameAccount))
    #expect(reading.skippedEntries.isEmpty, "\(reading.findings)")
    let copies = reading.findings.filter { $0.code == "GOOGLE_MIGRATION_DUPLICATE_BATCH" }
    #expect(copies.count == 1)
    #expect(copies.first?.severity == .info)
    #expect(copies.first?.origin?.file.hasPrefix(paths[1]) == true)
    #expect(copies.first?.message.contains("QR code 2 of 3") == true)
    #expect(copies.first?.message.contains("was already read from \(paths[1])") == true)
  }

  @Test func aBatchInTwoImagesIsNotTakenForAWholeExport() throws {
    // Batch 1 twice and batch 3: batch 2 is still missing, and batch 1 is read once.
    let (paths, accounts, _) = try Self.screenshots()
    let reading = try Reading.read(paths: [paths[0], paths[0], paths[2]])
    #expect(reading.accounts.count == accounts.count - 10)
    #expect(reading.findings.filter { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" }.count == 1)
  }

  @Test func theAuditOfTheImagesTogetherFindsNothingMissing() throws {
    let (paths, _, _) = try Self.screenshots()
    let whole = try Audit.run(paths: paths)
    #expect(!whole.files.flatMap(\.findings).contains { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" })
    let partial = try Audit.run(paths: Array(paths.prefix(2)))
    let missing = partial.files.flatMap(\.findings).filter { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" }
    #expect(missing.count == 1)
    #expect(missing.first?.file == paths[0])
  }

  @Test func aFolderOfTheScreenshotsAndTheirLinksAuditsWithoutFalseErrors() throws {
    // The screenshots, one taken twice, beside a text file of the same links: every account is
    // audited once, and the copies are notes, not duplicate accounts.
    let (paths, accounts, links) = try Self.screenshots()
    let folder = (paths[0] as NSString).deletingLastPathComponent
    try Data(links.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: "\(folder)/links.txt"))
    try FileManager.default.copyItem(atPath: paths[1], toPath: "\(folder)/code-2-again.png")
    let report = try Audit.run(paths: [folder])
    let findings = report.files.flatMap(\.findings)
    #expect(report.files.map(\.accounts).reduce(0, +) == accounts.count)
    #expect(!findings.contains { $0.code == "DUPLICATE_SECRET" || $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" }, "\(findings)")
    #expect(findings.filter { $0.code == "GOOGLE_MIGRATION_DUPLICATE_BATCH" }.count == 4)
    #expect(report.count(.error) == 0)
  }
}
