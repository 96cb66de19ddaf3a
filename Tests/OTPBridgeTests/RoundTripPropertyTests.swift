import OTPBridge
import OTPCore
import TestSupport
import Testing

/// For every built-in format that writes and reads: random accounts of the whole model (every kind,
/// algorithm, digit count and period, unicode names, empty issuers), fitted by the loss report,
/// written and read back, are exactly what the report said the writer would get (or what the
/// writer's own findings named), and every account
/// the report did not mark as breaking codes gives the same codes at several times.
@Suite struct RoundTripPropertyTests {
  static let formats = Registry.builtIn.plugins.filter { $0.descriptor.canRead && $0.descriptor.canWrite }.map(\.descriptor.id)
  static let password = "property-test-pässword"
  /// Writers configured as a user would: entra-csv needs the user's UPN (`convert --upn`).
  static let registry = Registry.builtIn.applying(WriterSettings(upn: "user@example.com"))

  /// Everything the model holds, so the loss report has something to fit.
  static let wholeModel = Capabilities(
    kinds: Set(OTPKind.allCases), algorithms: Set(HashAlgorithm.allCases), digits: 1...10,
    periods: .range(1...Int(Int32.max)), fields: Set(AccountField.allCases).subtracting([.extraParameters, .labelIssuer]))

  /// RandomAccounts, spread further: digits 1–10, odd periods, empty issuers and names.
  static func accounts(count: Int, seed: UInt64, fitting capabilities: Capabilities) -> [Account] {
    var random = SeededGenerator(seed: seed &* 31 &+ 7)
    return RandomAccounts.make(count: count, fitting: capabilities, seed: seed).map { account in
      var account = account
      // A kind written in a form of its own (KeePass's HOTP) keeps the kind's default digits.
      if account.kind == .totp || account.kind == .hotp, capabilities.kindForms[account.kind] == nil {
        let digits = (1...10).filter { capabilities.holds(digits: $0, kind: account.kind) }
        account.digits = digits.randomElement(using: &random) ?? account.digits
      }
      guard account.kind == .totp || account.kind == .hotp else {
        // Steam, mOTP and Yandex have one period each, and readers name their issuer when a file
        // has none; capabilities cannot say either per kind (see the report of issue 9).
        account.period = account.kind.defaults.period
        return account
      }
      if !account.kind.isCounterBased, Int.random(in: 0..<3, using: &random) == 0 {
        let periods = [1, 10, 29, 45, 300, 86_400].filter(capabilities.periods.contains)
        account.period = periods.randomElement(using: &random) ?? account.period
      }
      switch Int.random(in: 0..<5, using: &random) {
      case 0 where !capabilities.issuerRequired: account.issuer = ""
      case 1 where !account.issuer.isEmpty: account.name = ""
      default: break
      }
      return account
    }
  }

  /// The loss report, the accounts read back, and the accounts whose change the writer named in a
  /// finding (Proton's Steam issuer): together they say what may differ.
  static func roundTrip(_ source: [Account], through plugin: any FormatPlugin) throws -> (
    report: LossReport, back: [Account], named: Set<Origin>
  ) {
    let report = LossReport(accounts: source, target: plugin.descriptor)
    let needsPassword = plugin.descriptor.writtenEncryption == .required
    let provider = PasswordProvider { _ in needsPassword ? password : nil }
    let written = try plugin.write(report.convertedAccounts, context: WriteContext(newPassword: provider, outputName: "out"))
    let back = try plugin.readWritten(
      written, name: "out.\(plugin.descriptor.fileExtensions.first ?? "txt")",
      context: ReadContext(password: PasswordProvider { _ in password }))
    let skipped = back.findings.filter(\.entrySkipped)
    #expect(skipped.isEmpty, "\(plugin.descriptor.id): entries skipped on reading back: \(skipped)")
    var ordered = inWrittenOrder(back.accounts, report.convertedAccounts, format: plugin.descriptor.id)
    // A group the format filled in where the account had none (FormatContractTests.fillsGroups).
    if FormatContractTests.fillsGroups[plugin.descriptor.id] != nil, ordered.count == report.convertedAccounts.count {
      for index in ordered.indices where report.convertedAccounts[index].groups.isEmpty { ordered[index].groups = [] }
    }
    return (report, ordered, Set(written.findings.compactMap(\.origin)))
  }

  /// `back` in the order of `written`, for a format that reads accounts back group by group
  /// (FormatContractTests.regrouping), matched by secret; as read for the others.
  static func inWrittenOrder(_ back: [Account], _ written: [Account], format: String) -> [Account] {
    guard FormatContractTests.regrouping[format] != nil else { return back }
    var bySecret: [[UInt8]: [Account]] = [:]
    for account in back.reversed() { bySecret[account.secret.bytes, default: []].append(account) }
    let ordered = written.compactMap { bySecret[$0.secret.bytes]?.popLast() }
    return ordered.count == back.count ? ordered : back
  }

  @Test(arguments: formats, [UInt64(1), 2, 3])
  func wholeModelAccountsComeBackAsTheReportSaid(format: String, seed: UInt64) throws {
    let plugin = try Self.registry.plugin(id: format)
    let source = Self.accounts(count: seed == 1 ? 1 : 40, seed: seed, fitting: Self.wholeModel)
    let (report, back, named) = try Self.roundTrip(source, through: plugin)
    let differences = accountDifferences(back, report.convertedAccounts, named: named)
    #expect(differences.isEmpty, "\(format), seed \(seed): \(differences)")
    // Accounts the report kept, or changed without breaking codes, give the same codes.
    let intact = report.outcomes.filter { outcome in outcome.converted != nil && !outcome.changes.contains(where: \.breaksCodes) }
    let verification = Verification.compare(
      source: intact.map(\.source), converted: back, instants: Verification.instants(now: 1_700_000_000))
    let problems = verification.problems.filter { if case .unexpected = $0 { false } else { true } }
    #expect(problems.isEmpty, "\(format), seed \(seed): \(problems.prefix(3))")
    #expect(verification.matched == intact.count, "\(format), seed \(seed)")
  }

  @Test(arguments: formats)
  func accountsThatFitAreKeptExactly(format: String) throws {
    let plugin = try Self.registry.plugin(id: format)
    let source = Self.accounts(count: 60, seed: 11, fitting: plugin.descriptor.capabilities)
    let (report, back, named) = try Self.roundTrip(source, through: plugin)
    let notKept = report.outcomes.filter { $0.status != .kept }.prefix(3).map { "\($0.source.kind.rawValue): \($0.changes)" }
    #expect(notKept.isEmpty, "\(format): accounts that fit were changed: \(notKept)")
    let differences = accountDifferences(back, report.convertedAccounts, named: named)
    #expect(differences.isEmpty, "\(format): \(differences)")
  }

  /// Names people and crafted files give: colons, spaces at the ends, percent signs, control
  /// characters, emoji, right-to-left text, formula starts, URI punctuation.
  static let trickyNames = [
    "a:b", "usera:b", " lead", "trail ", "50% off", "%41", "tab\there", "nul\u{0}x", "esc\u{1B}[0m", "line\nbreak",
    "🔐 vault 👩‍💻", "עברית", "\u{202E}gnp.exe", "=SUM(A1)", "-minus", "@at", "+plus", "x&y=z", "q?r#s", "slash/name",
  ]

  /// Issue 14: no name changes silently. Every account whose outcome lists no change of its
  /// issuer, name, note or groups comes back with exactly those; each difference is in the report.
  @Test(arguments: formats)
  func trickyNamesAreKeptOrReported(format: String) throws {
    let plugin = try Self.registry.plugin(id: format)
    var source = Self.accounts(count: 40, seed: 5, fitting: plugin.descriptor.capabilities)
    for index in source.indices {
      source[index].issuer = Self.trickyNames[index % Self.trickyNames.count]
      source[index].name = Self.trickyNames[(index * 7 + 3) % Self.trickyNames.count]
      if index % 3 == 0 { source[index].issuer = "" }
      if !source[index].groups.isEmpty { source[index].groups = [Self.trickyNames[(index * 3 + 1) % Self.trickyNames.count]] }
    }
    let needsPassword = plugin.descriptor.writtenEncryption == .required
    let conversion = try Conversion.run(
      Reading(accounts: source), to: plugin,
      context: WriteContext(newPassword: PasswordProvider { _ in needsPassword ? Self.password : nil }, outputName: "out"),
      readBackPassword: PasswordProvider { _ in Self.password })
    var result = WriteResult(bytes: conversion.output)
    result.files = conversion.files
    let readBack = try plugin.readWritten(
      result, name: "out.\(plugin.descriptor.fileExtensions.first ?? "txt")",
      context: ReadContext(password: PasswordProvider { _ in Self.password })
    ).accounts
    let written = conversion.report.outcomes.filter { $0.converted != nil }
    let back = Self.inWrittenOrder(readBack, written.map { $0.converted! }, format: format)
    try #require(back.count == written.count, "\(format): \(back.count) read back, \(written.count) written")
    for (outcome, account) in zip(written, back) {
      let changed = Set(outcome.changes.map(\.field.label))
      let given = outcome.converted!
      if !changed.contains("issuer"), !given.issuer.isEmpty {
        #expect(
          account.issuer == given.issuer,
          "\(format): issuer \(given.issuer.debugDescription) came back \(account.issuer.debugDescription) unreported")
      }
      if !changed.contains("name"), !given.name.isEmpty {
        #expect(
          account.name == given.name,
          "\(format): name \(given.name.debugDescription) came back \(account.name.debugDescription) unreported")
      }
      if !changed.contains("groups"), !changed.contains("group"), !given.groups.isEmpty {
        #expect(account.groups == given.groups, "\(format): groups \(given.groups) came back \(account.groups) unreported")
      }
    }
  }
}
