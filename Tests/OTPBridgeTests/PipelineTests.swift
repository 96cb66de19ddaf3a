import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

@Suite struct RegistryTests {
  @Test func unknownIDIsAUsageErrorListingTheKnownOnes() {
    #expect(throws: OTPError.unknownFormatID("nope", known: Registry.builtIn.ids)) {
      try Registry.builtIn.plugin(id: "nope")
    }
  }

  @Test func unrecognisedInputIsAnUnreadableFileError() throws {
    let input = InputFile(name: "mystery.bin", bytes: [0, 1, 2, 3])
    do {
      _ = try Registry.builtIn.reader(for: input, from: nil)
      Issue.record("expected an error")
    } catch let error as OTPError {
      #expect(error.exitCode == 3)
      #expect(error.description.contains("mystery.bin"))
    }
  }

  @Test func fromOverridesSniffing() throws {
    let input = InputFile(name: "x.json", bytes: Array("otpauth://totp/a?secret=JBSWY3DP".utf8))
    #expect(try Registry.builtIn.reader(for: input, from: "OTPAUTH").descriptor.id == "otpauth")
  }
}

@Suite struct ConversionTests {
  @Test func convertsReadsBackAndReportsNoLoss() throws {
    let reading = try Reading.read(paths: [Vectors.path("aegis/importers/plain.txt")], from: nil, context: ReadContext())
    let conversion = try Conversion.run(reading, to: try Registry.builtIn.plugin(id: "otpauth"), context: WriteContext())
    #expect(conversion.report.isLossless)
    #expect(conversion.report.outcomes.count == 7)
    let text = String(decoding: conversion.output, as: UTF8.self)
    #expect(text.split(separator: "\n").count == 7)
  }

  @Test func mergesSeveralInputsInOrder() throws {
    let paths = [Vectors.path("aegis/importers/plain.txt"), Vectors.path("stratum/data/urilist.txt")]
    let reading = try Reading.read(paths: paths, from: nil, context: ReadContext())
    #expect(reading.accounts.count == 14)
    #expect(reading.accounts.first?.issuer == "Deno")
    #expect(reading.accounts.last?.name == "NoIssuer")
  }
}

@Suite struct VerificationTests {
  static let origin = Origin(file: "v", place: .whole)

  static func accounts() throws -> [Account] {
    try Reading.read(paths: [Vectors.path("aegis/importers/plain.txt")], from: nil, context: ReadContext()).accounts
  }

  @Test func identicalAccountsPass() throws {
    let accounts = try Self.accounts()
    let result = Verification.compare(
      source: accounts, converted: accounts.reversed(), instants: Verification.instants(now: 1_700_000_000))
    #expect(result.passed)
    #expect(result.matched == 7)
  }

  @Test func aChangedPeriodIsNamed() throws {
    var converted = try Self.accounts()
    converted[1].period = 30
    let result = Verification.compare(
      source: try Self.accounts(), converted: converted, instants: Verification.instants(now: 1_700_000_000))
    #expect(!result.passed)
    #expect(result.problems.count == 1)
    #expect(result.problems[0].description.contains("SPDX (James)"))
  }

  @Test func aHOTPCounterOffByOneIsCaught() throws {
    var converted = try Self.accounts()
    converted[3].counter -= 1
    let result = Verification.compare(source: try Self.accounts(), converted: converted, instants: [0])
    #expect(result.problems.map(\.description).first?.contains("Issuu (James)") == true)
  }

  @Test func missingAndUnexpectedAccountsAreListed() throws {
    var converted = try Self.accounts()
    converted.removeLast()
    converted.append(Account(kind: .totp, issuer: "New", secret: Secret([1, 2, 3]), origin: Self.origin))
    let result = Verification.compare(source: try Self.accounts(), converted: converted, instants: [0])
    #expect(result.problems.count == 2)
    #expect(result.problems.contains { if case .missing(let a) = $0 { a.issuer == "Boeing" } else { false } })
    #expect(result.problems.contains { if case .unexpected(let a) = $0 { a.issuer == "New" } else { false } })
  }
}

@Suite struct FilesTests {
  static func folder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-files-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test func writesWithMode0600AndLeavesNoTemporaryFile() throws {
    let folder = try Self.folder()
    let path = folder + "/out.txt"
    try Files.write(Array("hello\n".utf8), to: path, force: false)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.txt"])
  }

  @Test func refusesToOverwriteWithoutForce() throws {
    let path = try Self.folder() + "/out.txt"
    try Files.write(Array("first".utf8), to: path, force: false)
    #expect(throws: OTPError.outputExists(path: path)) { try Files.write(Array("second".utf8), to: path, force: false) }
    #expect(FileManager.default.contents(atPath: path) == Data("first".utf8))
    try Files.write(Array("second".utf8), to: path, force: true)
    #expect(FileManager.default.contents(atPath: path) == Data("second".utf8))
  }

  @Test func aMissingFolderFailsWithoutLeavingAnything() throws {
    let path = try Self.folder() + "/no/such/out.txt"
    #expect(throws: OTPError.self) { try Files.write([1], to: path, force: false) }
  }

  @Test func readingAFolderOrMissingFileNamesIt() throws {
    let folder = try Self.folder()
    #expect(throws: OTPError.cannotOpen(file: folder, reason: "it is a folder, not a file")) { try Files.read(folder) }
    #expect(throws: OTPError.self) { try Files.read(folder + "/missing.txt") }
  }
}

/// `verify` computes codes only where the values codes are made from differ (unless asked for
/// every code), on every core for a long list, and says which pairs it took by which.
@Suite struct VerificationTrustTests {
  static let accounts = RandomAccounts.make(
    count: 40_000,
    fitting: Capabilities(
      kinds: [.totp, .hotp], algorithms: [.sha1, .sha256], digits: 6...8, periods: .range(1...120), fields: [.issuer, .name]),
    seed: 21)

  @Test func equalValuesAreTrustedAndOtherPairsComputed() {
    var converted = Self.accounts
    // Other values, the same codes: a PIN plays no part in a TOTP or HOTP code.
    converted[3].pin = Secret(Array("1234".utf8))
    let instants = Verification.instants(now: 1_700_000_000)
    let trusted = Verification.compare(source: Self.accounts, converted: converted, instants: instants, trustingEqualValues: true)
    #expect(trusted.passed, "\(trusted.problems.prefix(3))")
    #expect(trusted.codesComputed == 1)
    #expect(
      Rendering.verification(trusted).contains("39999 with the same secret and code settings in both files, 1 by their codes"))
    let every = Verification.compare(source: Self.accounts, converted: converted, instants: instants)
    #expect(every.passed && every.codesComputed == 40_000)
    #expect(
      Rendering.verification(every) == "verify: all 40000 accounts match; codes compared at 7 instants, HOTP at 3 counters.")
  }

  /// Problems in source order, whichever thread found them.
  @Test func problemsComeInSourceOrder() {
    var converted = Self.accounts
    let changed = [5, 17_000, 20_001, 39_999]
    for index in changed {
      converted[index].digits = converted[index].digits == 6 ? 7 : 6
    }
    let result = Verification.compare(
      source: Self.accounts, converted: converted, instants: Verification.instants(now: 0), trustingEqualValues: true)
    #expect(result.codesComputed == changed.count)
    let places = result.problems.map { problem -> Origin? in
      if case .differs(let account, _) = problem { return account.origin }
      return nil
    }
    #expect(places == changed.map { Self.accounts[$0].origin })
  }
}

/// The text table of `inspect` and `codes`: columns padded to their widest cell, cells escaped for
/// a terminal, the same whether a table is small or long enough to be made on every core.
@Suite struct TableTests {
  static func reference(header: [String], rows: [[String]]) -> String {
    let all = ([header] + rows).map { $0.map { $0.escapedForTerminal() } }
    let widths = header.indices.map { column in all.map { $0[column].count }.max()! }
    return all.map { cells in
      cells.enumerated().map { column, cell in
        column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  @Test(arguments: [0, 3, 40_000]) func theTableIsPaddedEscapedAndInOrder(count: Int) {
    let words = ["GitHub", "Zoë", "日本", "esc\u{1B}[31m", "a\nb", "", "x"]
    // Long enough rows that 40,000 of them come in several pieces.
    let rows = (0..<count).map { index in
      [
        String(index), words[index % words.count],
        words[(index * 3 + 1) % words.count] + String(repeating: "w", count: index % 13),
        String(repeating: "n", count: 40 + index % 7),
      ]
    }
    let header = ["#", "NAME\u{7}", "ISSUER", "NOTE"]
    #expect(Rendering.table(header: header, rows: rows) == Self.reference(header: header, rows: rows))
    final class Sink: @unchecked Sendable { var pieces: [[UInt8]] = [] }
    let sink = Sink()
    Rendering.writeTable(header: header, rowCount: rows.count, cells: { rows[$0] }) { sink.pieces.append($0) }
    #expect(sink.pieces.count == (count == 40_000 ? 3 : 1))
    #expect(sink.pieces.allSatisfy { $0.last == UInt8(ascii: "\n") })
    #expect(String(decoding: sink.pieces.joined(), as: UTF8.self) == Self.reference(header: header, rows: rows) + "\n")
  }
}
