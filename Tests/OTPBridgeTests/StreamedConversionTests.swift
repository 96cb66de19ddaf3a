import Foundation
import OTPBridge
import TestSupport
import Testing

@testable import OTPCore

/// `convert` into a format that writes entries (`EntryWriting`) fits, writes and reads back a
/// chunk at a time on both cores (`StreamedConversion`): the output, the loss report and the
/// writer's findings must be what the conversion of all the accounts at once gives, whatever the
/// chunk size and the number of threads.
@Suite struct StreamedConversionTests {
  static let entryFormats = Registry.builtIn.plugins.filter { $0 is any EntryWriting }.map(\.descriptor.id)
  /// Chunk sizes and thread counts: one account a chunk, chunks that do not divide the accounts,
  /// and one chunk for all.
  static let splits: [(chunkSize: Int, workers: Int)] = [(1, 1), (1, 2), (3, 2), (7, 3), (10_000, 2)]

  @Test func theWritersOfEntriesAreTheOnesConvertStreams() {
    #expect(Set(Self.entryFormats) == ["otpauth", "otpbridge-json", "aegis"])
  }

  /// Accounts of the whole model with tricky names: the loss report changes some (fields the
  /// target has no place for) and the read-back others (text the format gives back otherwise).
  static func sources(count: Int, seed: UInt64) -> [Account] {
    var accounts = RoundTripPropertyTests.accounts(count: count, seed: seed, fitting: RoundTripPropertyTests.wholeModel)
    let names = RoundTripPropertyTests.trickyNames
    for index in accounts.indices where index % 2 == 0 {
      accounts[index].issuer = names[index % names.count]
      accounts[index].name = names[(index * 7 + 3) % names.count]
      accounts[index].groups = index % 4 == 0 ? ["Work", names[index % names.count]] : []
    }
    return accounts
  }

  /// Entries written in any chunks and joined by the separator, between the head and the tail,
  /// are the bytes of the whole document; and each chunk's own document reads back to its
  /// accounts.
  @Test(arguments: entryFormats, [1, 2, 41])
  func entriesInChunksMakeTheWholeDocument(format: String, count: Int) throws {
    let plugin = try #require(try Registry.builtIn.plugin(id: format) as? any EntryWriting)
    let accounts = LossReport(accounts: Self.sources(count: count, seed: 3), target: plugin.descriptor).convertedAccounts
    let writer = try plugin.entryWriter(for: accounts, context: WriteContext())
    let whole = try writer.document(accounts[...])
    for chunkSize in [1, 4, count] {
      var framed = writer.head
      for start in stride(from: 0, to: accounts.count, by: chunkSize) {
        let chunk = accounts[start..<min(start + chunkSize, accounts.count)]
        if start > 0 { framed += writer.separator }
        var findings: [Finding] = []
        try writer.writeEntries(chunk, to: &framed, findings: &findings)
        let own = try writer.document(chunk)
        let back = try plugin.read(InputFile(name: "part", bytes: own.bytes), context: ReadContext())
        #expect(back.accounts.count == chunk.count, "\(format): a chunk of \(chunk.count) read back as \(back.accounts.count)")
        #expect(back.accounts.map(\.secret) == chunk.map(\.secret))
      }
      framed += writer.tail
      // Aegis draws a fresh UUID for each entry on each write.
      #expect(try numberingUUIDs(framed) == numberingUUIDs(whole.bytes), "\(format), chunks of \(chunkSize)")
    }
    // The plugin's own write is the same document.
    let written = try plugin.write(accounts, context: WriteContext())
    #expect(try numberingUUIDs(written.bytes) == numberingUUIDs(whole.bytes))
  }

  @Test(arguments: entryFormats, splits.indices)
  func sameBytesReportAndFindingsAsTheWholeConversion(format: String, split: Int) throws {
    let (chunkSize, workers) = Self.splits[split]
    let plugin = try Registry.builtIn.plugin(id: format)
    let target = try #require(plugin as? any EntryWriting)
    var sources = Self.sources(count: 23, seed: UInt64(split + 1))
    // Icons Aegis cannot hold: a finding of the writer each.
    sources[5].icon = "https://example.com/icon.png"
    sources[6].icon = "data:image/png;base64,iVBORw0KGgo="
    let reading = Reading(accounts: sources, findings: [])
    let context = WriteContext(outputName: "out")

    var streamedBytes: [UInt8] = []
    let streamed = try #require(
      try StreamedConversion.run(reading, to: target, context: context, chunkSize: chunkSize, workers: workers) {
        streamedBytes += $0
      })
    let whole = try Conversion.run(reading, to: plugin, context: context)

    #expect(try numberingUUIDs(streamedBytes) == numberingUUIDs(whole.output), "\(format), split \(split)")
    #expect(Rendering.lossReport(streamed.report) == Rendering.lossReport(whole.report), "\(format), split \(split)")
    #expect(streamed.report.changedOrDroppedCount == whole.report.changedOrDroppedCount)
    #expect(streamed.report.keptCount == whole.report.keptCount)
    #expect(streamed.findings.map(\.description) == whole.findings.map(\.description))
    #expect(streamed.writtenCount == whole.report.convertedAccounts.count)
    if format == "otpauth" {
      // Colons and spaces come back otherwise from a URI label: found by the read-back.
      #expect(streamed.report.outcomes.contains { $0.changes.contains { $0.reason.contains("reading the output back") } })
    }
  }

  /// The quick check that an account goes as it is (`Fitter.keepsAsItIs`, which copies nothing)
  /// says yes exactly when the whole fitting (`LossReport.adapt`) changes and reports nothing, for
  /// every format, on accounts of the whole model and on accounts each format holds.
  @Test(arguments: Registry.builtIn.plugins.filter(\.descriptor.canWrite).map(\.descriptor.id))
  func theQuickCheckAgreesWithTheWholeFitting(format: String) throws {
    let target = try RoundTripPropertyTests.registry.plugin(id: format).descriptor
    var accounts = Self.sources(count: 200, seed: 12)
    accounts += RandomAccounts.make(count: 200, fitting: target.capabilities, seed: 13)
    for index in accounts.indices where index % 5 == 1 {
      accounts[index].extraParameters = [ExtraParameter(name: index % 2 == 0 ? "image" : "x-kept", value: "v")]
      accounts[index].labelIssuer = index % 3 == 0 ? "Prefix" : nil
    }
    let fitter = LossReport.Fitter(target: target)
    var kept = 0
    for account in accounts {
      let missing = fitter.rules[account.kind]!.missingFields
      let whole = LossReport.adapt(account, to: target, missingFields: missing)
      #expect(
        fitter.keepsAsItIs(account) == (whole.isUnremarkable && target.capabilities.text.isEmpty), "\(format): \(whole.changes)")
      if whole.isUnremarkable { kept += 1 }
    }
    // Only the neutral format holds all of the model.
    #expect(kept > 0 && (kept < accounts.count || format == "otpbridge-json"), "\(format): \(kept) of \(accounts.count) kept")
  }

  /// The same on made-up formats whose rules no built-in has: a form whose kind's own digit
  /// count the format cannot hold, kept extra parameters, text rules.
  @Test func theQuickCheckAgreesOnMadeUpFormats() {
    let steamForm = KindForm(shape: "steam://SECRET", fields: [.issuer], extraParameterNames: ["x-kept"], fixedIssuer: "Steam")
    let formats = [
      Capabilities(
        kinds: Set(OTPKind.allCases), algorithms: [.sha1], digits: 6...8, periods: .only([30]), fields: [.issuer, .name],
        kindForms: [.steam: steamForm]),
      Capabilities(
        kinds: [.totp, .steam], algorithms: [.sha1, .sha256], digits: 5...6, periods: .range(10...60),
        fields: [.issuer, .name, .extraParameters], extraParameterNames: ["image"], kindForms: [.steam: steamForm]),
      Capabilities(
        kinds: [.totp, .hotp], algorithms: [.sha1], digits: 6...6, periods: .only([30]), fields: [.issuer, .name, .note],
        text: [.spreadsheetCells]),
    ]
    var accounts = Self.sources(count: 300, seed: 14)
    for index in accounts.indices where index % 4 == 1 {
      accounts[index].kind = .steam
      accounts[index].digits = index % 8 == 1 ? 5 : 6
      accounts[index].period = 30
      accounts[index].issuer = index % 3 == 0 ? "Steam" : "Valve"
      accounts[index].extraParameters = index % 5 == 0 ? [ExtraParameter(name: "x-kept", value: "1")] : []
    }
    for (number, capabilities) in formats.enumerated() {
      let target = FormatDescriptor(
        id: "made-up-\(number)", displayName: "Made-up \(number)", fileExtensions: ["txt"], canRead: true, canWrite: true,
        encryption: .none, capabilities: capabilities, summary: "A test format.")
      let fitter = LossReport.Fitter(target: target)
      for account in accounts {
        let whole = LossReport.adapt(account, to: target, missingFields: fitter.rules[account.kind]!.missingFields)
        #expect(
          fitter.keepsAsItIs(account) == (whole.isUnremarkable && capabilities.text.isEmpty),
          "made-up \(number), \(account.kind.rawValue) \(account.digits) digits: \(whole.changes)")
      }
    }
  }

  @Test func droppedAccountsAreReportedAndNotWritten() throws {
    var sources = Self.sources(count: 12, seed: 9)
    for index in sources.indices { sources[index].kind = index % 3 == 0 ? .hotp : .totp }
    var bytes: [UInt8] = []
    let streamed = try #require(
      try StreamedConversion.run(Reading(accounts: sources), to: TOTPLines(), chunkSize: 5, workers: 2) { bytes += $0 })
    let whole = try Conversion.run(Reading(accounts: sources), to: TOTPLines())
    #expect(bytes == whole.output)
    #expect(streamed.writtenCount == 8)
    #expect(streamed.report.outcomes.count { $0.status == .dropped } == 4)
    #expect(Rendering.lossReport(streamed.report) == Rendering.lossReport(whole.report))
  }

  /// Nothing to write, or an output that cannot be made in parts: nil before anything is written,
  /// and `convert` converts it whole.
  @Test func whatCannotBeStreamedIsLeftToTheWholeConversion() throws {
    let hotpOnly = Self.sources(count: 3, seed: 4).map { account in
      var account = account
      account.kind = .hotp
      return account
    }
    var bytes: [UInt8] = []
    #expect(try StreamedConversion.run(Reading(accounts: hotpOnly), to: TOTPLines()) { bytes += $0 } == nil)
    #expect(try StreamedConversion.run(Reading(accounts: []), to: TOTPLines()) { bytes += $0 } == nil)
    let encrypted = WriteContext(newPassword: PasswordProvider { _ in "pässword" }, outputName: "vault.json")
    let aegis = try #require(try Registry.builtIn.plugin(id: "aegis") as? any EntryWriting)
    #expect(
      try StreamedConversion.run(Reading(accounts: Self.sources(count: 3, seed: 4)), to: aegis, context: encrypted) {
        bytes += $0
      } == nil)
    #expect(bytes.isEmpty)
  }

  /// A writer whose output does not read back is a bug: the error says so, and the file being
  /// written is discarded, whatever chunks had gone into it.
  @Test func anOutputThatDoesNotReadBackLeavesNoFile() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streamed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.txt").path
    var sources = Self.sources(count: 40, seed: 6)
    for index in sources.indices { sources[index].kind = .totp }
    let reading = Reading(accounts: sources)
    #expect {
      try Files.write(to: path, force: false) { append in
        _ = try StreamedConversion.run(reading, to: TOTPLines(breaksAccount: 33), chunkSize: 4, workers: 2, output: append)
      }
    } throws: { error in
      guard case OTPError.writeFailed(_, let reason) = error else { return false }
      return reason.contains("did not read back") && reason.contains("this is a bug")
    }
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }
}

/// A test format: `name,BASE32SECRET` lines of TOTP accounts; `breaksAccount` writes that
/// account (by position in its chunk's list, counted over the whole output) with a wrong secret.
struct TOTPLines: EntryWriting {
  var breaksAccount: Int?

  let descriptor = FormatDescriptor(
    id: "totp-lines", displayName: "TOTP lines", fileExtensions: ["txt"], canRead: true, canWrite: true,
    encryption: .none,
    capabilities: Capabilities(kinds: [.totp], algorithms: [.sha1], digits: 6...6, periods: .only([30]), fields: [.name]),
    summary: "A test format.")

  func sniff(_ input: InputFile) -> SniffConfidence { .no }

  func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let lines = String(decoding: input.bytes, as: UTF8.self).split(separator: "\n")
    return ReadResult(
      accounts: lines.enumerated().map { index, line in
        let parts = line.split(separator: ",", omittingEmptySubsequences: false)
        return Account(
          kind: .totp, name: String(parts[0]), secret: Secret(try! Base32.decode(String(parts[1]))),
          origin: Origin(file: input.name, place: .line(index + 1)))
      })
  }

  func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    try Lines(breaksName: nil).document(accounts[...])
  }

  func entryWriter(for accounts: some Sequence<Account>, context: WriteContext) -> any EntryWriter {
    Lines(breaksName: breaksAccount.map { Array(accounts)[$0].name })
  }

  struct Lines: EntryWriter {
    var breaksName: String?
    let head: [UInt8] = [], separator: [UInt8] = [], tail: [UInt8] = []

    func writeEntries(_ accounts: ArraySlice<Account>, to bytes: inout [UInt8], findings: inout [Finding]) {
      for account in accounts {
        let secret = account.name == breaksName ? [UInt8](repeating: 7, count: 10) : account.secret.bytes
        bytes += Array("\(account.name.filter { $0 != "," && $0 != "\n" }),\(Base32.encode(secret))\n".utf8)
      }
    }
  }
}
