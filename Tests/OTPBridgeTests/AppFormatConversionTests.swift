import OTPBridge
import OTPCore
import TestSupport
import Testing

/// Aegis, 2FAS and andOTP through the whole pipeline: sniffing, the loss report, encrypted writing
/// and the read-back check.
@Suite struct AppFormatConversionTests {
  static func password(_ text: String) -> PasswordProvider {
    PasswordProvider { _ in text }
  }

  @Test(arguments: [
    ("aegis/importers/aegis_encrypted.json", "aegis"), ("aegis/importers/2fas_authenticator_encrypted_v4.2fas", "2fas"),
    ("stratum/data/twofas.encrypted.2fas", "2fas"), ("aegis/importers/andotp_plain.json", "andotp"),
    ("stratum/data/aegis.unencrypted.json", "aegis"),
  ])
  func sniffingPicksTheFormat(file: String, format: String) throws {
    let reading = try Reading.read(paths: [Vectors.path(file)], from: nil, context: ReadContext(password: Self.password("test")))
    #expect(reading.files.map(\.format) == [format])
  }

  @Test(arguments: ["aegis", "2fas", "andotp"])
  func aegisVectorsConvertLosslesslyAndEncrypted(target: String) throws {
    let reading = try Reading.read(
      paths: [Vectors.path("aegis/importers/aegis_encrypted.json")], from: nil,
      context: ReadContext(password: Self.password("test")))
    let plugin = try Registry.builtIn.plugin(id: target)
    let conversion = try Conversion.run(
      reading, to: plugin, context: WriteContext(newPassword: Self.password("new pw"), outputName: "out"),
      readBackPassword: Self.password("new pw"))
    // V2 (20 s) and V3 (50 s) do not fit 2FAS's periods; everything else is kept.
    #expect(conversion.report.outcomes.filter { $0.status != .kept }.count == (target == "2fas" ? 2 : 0))
    let back = try plugin.read(
      InputFile(name: "out", bytes: conversion.output), context: ReadContext(password: Self.password("new pw")))
    #expect(back.accounts.count == 7)
    #expect(throws: OTPError.wrongPassword(file: "out")) {
      try plugin.read(InputFile(name: "out", bytes: conversion.output), context: ReadContext(password: Self.password("old pw")))
    }
  }

  @Test func stratumAegisVaultKeepsEverythingThroughAegisAndReportsWhatAndOTPCannotHold() throws {
    let reading = try Reading.read(
      paths: [Vectors.path("stratum/data/aegis.unencrypted.json")], from: nil, context: ReadContext())
    let aegis = try Conversion.run(reading, to: try Registry.builtIn.plugin(id: "aegis"), context: WriteContext())
    #expect(aegis.report.isLossless)
    let andOTP = try Conversion.run(reading, to: try Registry.builtIn.plugin(id: "andotp"), context: WriteContext())
    let dropped = andOTP.report.outcomes.filter { $0.status == .dropped }.map(\.source.kind)
    #expect(dropped == [.yandex])
    let changed = andOTP.report.outcomes.filter { $0.status == .changed }
    #expect(changed.map(\.source.displayName).sorted() == ["Motp (Motp)", "Username"])
  }
}
