import OTPCore
import Testing

/// The loss report is computed from capabilities alone: every change and drop is listed.
@Suite struct LossReportTests {
  static let origin = Origin(file: "in.txt", place: .line(1))

  static func target(
    kinds: Set<OTPKind> = [.totp, .hotp], algorithms: Set<HashAlgorithm> = [.sha1], digits: ClosedRange<Int> = 6...8,
    periods: PeriodSupport = .only([30]), fields: Set<AccountField> = [.issuer, .name, .counter]
  ) -> FormatDescriptor {
    FormatDescriptor(
      id: "narrow", displayName: "Narrow", fileExtensions: [], canRead: false, canWrite: true, encryption: .none,
      capabilities: Capabilities(kinds: kinds, algorithms: algorithms, digits: digits, periods: periods, fields: fields),
      summary: "")
  }

  @Test func aPlainAccountIsKept() {
    let account = Account(kind: .totp, issuer: "A", name: "b", secret: Secret([1, 2, 3]), origin: Self.origin)
    let report = LossReport(accounts: [account], target: Self.target())
    #expect(report.isLossless)
    #expect(report.outcomes[0].status == .kept)
    #expect(report.convertedAccounts == [account])
  }

  @Test func unsupportedPeriodIsChangedAndSaysCodesDiffer() {
    let account = Account(kind: .totp, issuer: "A", secret: Secret([1]), period: 60, origin: Self.origin)
    let report = LossReport(accounts: [account], target: Self.target())
    let outcome = report.outcomes[0]
    #expect(outcome.status == .changed)
    #expect(outcome.converted?.period == 30)
    #expect(outcome.changes.count == 1)
    #expect(outcome.changes[0].effect == .changed(from: "60 s", to: "30 s"))
    #expect(outcome.changes[0].breaksCodes)
    #expect(!report.isLossless)
  }

  @Test func unsupportedKindDropsTheAccount() {
    let steam = Account(kind: .steam, issuer: "Steam", secret: Secret([1]), origin: Self.origin)
    let report = LossReport(accounts: [steam], target: Self.target())
    #expect(report.outcomes[0].status == .dropped)
    #expect(report.convertedAccounts.isEmpty)
    #expect(report.outcomes[0].dropReason?.contains("steam") == true)
  }

  @Test func fieldsWithoutAPlaceAreDroppedButShownSafely() {
    let account = Account(
      kind: .totp, issuer: "A", name: "b", labelIssuer: "Contoso", secret: Secret([1]), algorithm: .sha256,
      note: "recovery: 1111-2222", favorite: true, groups: ["Work"], origin: Self.origin)
    let report = LossReport(accounts: [account], target: Self.target())
    let changes = report.outcomes[0].changes
    #expect(changes.map(\.field.label) == ["algorithm", "label prefix", "note", "favorite", "groups"])
    #expect(changes.first { $0.field == .field(.note) }?.effect == .dropped("19 characters"))
    #expect(!changes.map(\.description).joined().contains("1111"))
    #expect(report.outcomes[0].converted?.algorithm == .sha1)
    #expect(report.outcomes[0].converted?.note == "")
  }

  @Test func skippedEntriesMakeAConversionLossy() {
    let skipped = Finding(.error, rawCode: "X", "bad", at: Self.origin, entrySkipped: true)
    let report = LossReport(accounts: [], skippedEntries: [skipped], target: Self.target())
    #expect(!report.isLossless)
    #expect(report.changedOrDroppedCount + report.unreadableCount == 1)
  }

  @Test func hotpCounterIsKeptOnlyWhereTheFormatHasOne() {
    let hotp = Account(kind: .hotp, issuer: "A", secret: Secret([1]), counter: 7, origin: Self.origin)
    let without = LossReport(accounts: [hotp], target: Self.target(fields: [.issuer]))
    #expect(without.outcomes[0].converted?.counter == 0)
    #expect(without.outcomes[0].changes.first?.breaksCodes == true)
    #expect(LossReport(accounts: [hotp], target: Self.target()).isLossless)
  }
}

/// ReadResult's parts keep pointing at their own accounts and findings when others are removed.
@Suite struct ExportPartRangeTests {
  static func account(_ name: String) -> Account {
    Account(
      kind: .totp, issuer: "", name: name, secret: Secret([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      origin: Origin(file: "f", place: .whole))
  }

  @Test func removingAPartAndOtherFindingsMovesTheRestInStep() {
    let export = SplitExport(
      id: "x", title: "X", noun: "code", count: 3, missingCode: CoreCode.itemsWithoutOTP, remedy: "",
      duplicateCode: CoreCode.itemsWithoutOTP)
    let note = { (text: String) in Finding(.warning, code: CoreCode.itemsWithoutOTP, text) }
    var result = ReadResult(
      accounts: ["a", "b", "c", "d"].map(Self.account),
      findings: [note("A1"), Finding(.error, rawCode: "M", "missing", missingPartsOf: "x"), note("B1"), note("C1")])
    result.parts = [
      ExportPart(
        export: export, index: 0, origin: Origin(file: "f", place: .whole), accounts: 0..<1, findings: 0..<1, content: 1),
      ExportPart(
        export: export, index: 1, origin: Origin(file: "f", place: .whole), accounts: 1..<3, findings: 2..<3, content: 2),
      ExportPart(
        export: export, index: 2, origin: Origin(file: "f", place: .whole), accounts: 3..<4, findings: 3..<4, content: 3),
    ]
    result.remove(parts: [result.parts[0]], alsoRemoving: { $0.missingPartsOf != nil })
    #expect(result.accounts.map(\.name) == ["b", "c", "d"])
    #expect(result.findings.map(\.message) == ["B1", "C1"])
    #expect(result.parts.map { result.accounts[$0.accounts].map(\.name) } == [["b", "c"], ["d"]])
    #expect(result.parts.map { result.findings[$0.findings].map(\.message) } == [["B1"], ["C1"]])
  }
}
