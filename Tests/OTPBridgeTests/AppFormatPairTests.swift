import OTPBridge
import TestSupport
import Testing

/// One vault (Aegis's V1–V7) through every ordered pair of the app-backup formats: after
/// source → A → B, every account gives the codes it gave at the start, unless one of the two loss
/// reports named it as dropped or as changed in a way that changes its codes.
@Suite struct AppFormatPairTests {
  static let formats = ["aegis", "2fas", "andotp", "ente", "proton", "freeotp-plus", "raivo"]
  static let pairs = formats.flatMap { a in formats.filter { $0 != a }.map { (a, $0) } }

  /// One conversion step as `convert --allow-lossy` does it, then the written bytes read back.
  static func step(_ accounts: [Account], to id: String) throws -> (report: LossReport, back: [Account]) {
    let plugin = try Registry.builtIn.plugin(id: id)
    let conversion = try Conversion.run(Reading(accounts: accounts), to: plugin, context: WriteContext(outputName: "out"))
    let back = try plugin.read(InputFile(name: "out", bytes: conversion.output), context: ReadContext())
    return (conversion.report, back.accounts)
  }

  /// The source accounts whose codes a report says will differ or which it drops.
  static func named(_ report: LossReport) -> Set<Secret> {
    Set(report.outcomes.filter { $0.converted == nil || $0.changes.contains(where: \.breaksCodes) }.map(\.source.secret))
  }

  @Test(arguments: pairs)
  func codesSurviveOrTheReportSaysWhy(first: String, second: String) throws {
    let source = try Reading.read(paths: [Vectors.path("aegis/importers/aegis_plain.json")]).accounts
    #expect(source.count == 7)
    let (firstReport, middle) = try Self.step(source, to: first)
    let (secondReport, final) = try Self.step(middle, to: second)
    let explained = Self.named(firstReport).union(Self.named(secondReport))
    let intact = source.filter { !explained.contains($0.secret) }
    let verification = Verification.compare(
      source: intact, converted: final.filter { !explained.contains($0.secret) },
      instants: Verification.instants(now: 1_700_000_000))
    #expect(verification.passed, "\(first) → \(second): \(verification.problems)")
    // Nothing vanished without a report saying so.
    #expect(final.count + explained.count >= source.count, "\(first) → \(second)")
  }
}
