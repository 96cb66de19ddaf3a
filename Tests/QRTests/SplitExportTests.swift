import Foundation
import OTPBridge
import OTPCore
import QRCodes
import TestSupport
import Testing

/// A Google export saved as one screenshot per QR code, the way people keep them: each image alone
/// lacks the others' batches; read, converted or audited together they make the whole export.
@Suite struct SplitExportTests {
  /// The three batches of one export of the fixture accounts, one PNG each.
  static func screenshots() throws -> (paths: [String], accounts: [Account]) {
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
    return (paths, accounts)
  }

  @Test func theImagesTogetherAreTheWholeExport() throws {
    let (paths, accounts) = try Self.screenshots()
    let reading = try Reading.read(paths: paths)
    #expect(reading.findings.isEmpty, "\(reading.findings)")
    #expect(reading.accounts.count == accounts.count)
    #expect(zip(accounts, reading.accounts).allSatisfy(QRReadingTests.sameAccount))
  }

  @Test func imagesStillMissingABatchSaySo() throws {
    let (paths, accounts) = try Self.screenshots()
    let reading = try Reading.read(paths: [paths[0], paths[2]])
    #expect(reading.accounts.count == accounts.count - 10)
    let missing = reading.findings.filter { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" }
    #expect(missing.count == 2)
    #expect(missing.allSatisfy { $0.entrySkipped })
  }

  @Test func aBatchInTwoImagesIsNotTakenForAWholeExport() throws {
    // Batch 1 twice and batch 3: batch 2 is still missing however the parts are counted.
    let (paths, _) = try Self.screenshots()
    let reading = try Reading.read(paths: [paths[0], paths[0], paths[2]])
    #expect(reading.findings.contains { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" })
  }

  @Test func theAuditOfTheImagesTogetherFindsNothingMissing() throws {
    let (paths, _) = try Self.screenshots()
    let whole = try Audit.run(paths: paths)
    #expect(!whole.files.flatMap(\.findings).contains { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" })
    let partial = try Audit.run(paths: Array(paths.prefix(2)))
    #expect(partial.files.flatMap(\.findings).filter { $0.code == "GOOGLE_MIGRATION_MISSING_BATCHES" }.count == 2)
  }
}
