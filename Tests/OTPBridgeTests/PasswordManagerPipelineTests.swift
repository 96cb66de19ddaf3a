import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// Issue 5's acceptance: an authenticator export converts to a 1Password 8 CSV and to a
/// password-protected Bitwarden JSON that verify accepts against the source, and both read back
/// unchanged.
@Suite struct PasswordManagerPipelineTests {
  /// The TOTP accounts of Aegis's otpauth list (V1–V3), as a file of their own.
  static func totpSource() throws -> String {
    let lines = try Vectors.text("aegis/importers/plain.txt").split(separator: "\n").filter { $0.hasPrefix("otpauth://totp/") }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-pm-\(UUID().uuidString).txt").path
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test(
    arguments: [("1password-csv", nil), ("bitwarden-json", "correct horse"), ("bitwarden-csv", nil), ("keepassxc-csv", nil)]
      as [(String, String?)])
  func convertsVerifiesAndReadsBack(target: String, password: String?) throws {
    let source = try Self.totpSource()
    defer { try? FileManager.default.removeItem(atPath: source) }
    let reading = try Reading.read(paths: [source], from: nil, context: ReadContext())
    #expect(reading.accounts.count == 3)
    let plugin = try Registry.builtIn.plugin(id: target)
    let provider = PasswordProvider { _ in password }
    let conversion = try Conversion.run(
      reading, to: plugin, context: WriteContext(newPassword: provider, outputName: "out"), readBackPassword: provider)
    #expect(conversion.report.isLossless)

    let output = InputFile(name: "out", bytes: conversion.output)
    #expect(try Registry.builtIn.reader(for: output, from: nil).descriptor.id == target)
    let back = try plugin.read(output, context: ReadContext(password: provider))
    let check = Verification.compare(
      source: reading.accounts, converted: back.accounts, instants: Verification.instants(now: 1_700_000_000))
    #expect(check.passed && check.matched == 3)
    expectSameAccounts(reading.accounts, back.accounts)
    if password != nil {
      #expect(throws: OTPError.wrongPassword(file: "out")) {
        try plugin.read(output, context: ReadContext(password: PasswordProvider { _ in "wrong" }))
      }
    }
  }
}

@Suite struct PasswordManagerSniffingTests {
  @Test(
    arguments: [
      ("aegis/importers/bitwarden.json", "bitwarden-json"), ("aegis/importers/bitwarden.csv", "bitwarden-csv"),
      ("stratum/data/bitwarden.unencrypted.json", "bitwarden-json"),
      ("stratum/data/bitwarden.encrypted.argon2id.json", "bitwarden-json"),
      ("stratum/data/bitwarden.encrypted.accountrestricted.json", "bitwarden-json"),
      ("stratum/data/bitwardenauthenticator.json", "bitwarden-json"),
      ("keepassxc/tests/data/bitwarden_export.json", "bitwarden-json"),
      ("bitwarden-authenticator-ios/Fixtures/BitwardenExport.json", "bitwarden-json"),
      ("keepassxc/tests/data/1PasswordExport.1pux", "1pux"), ("aegis/importers/plain.txt", "otpauth"),
    ])
  func vectorsGoToTheirReader(file: String, id: String) throws {
    #expect(try Registry.builtIn.reader(for: try Vectors.input(file), from: nil).descriptor.id == id)
  }
}
