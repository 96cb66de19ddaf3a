import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// What the page of `otpbridge serve` works on, without HTTP: passwords asked and checked, no
/// secret in what the page is sent, the targets it offers, and no stale download.
@Suite struct ServeSessionTests {
  static let examples = Vectors.packageRoot.appendingPathComponent("examples").path

  @Test func aFileAsksForItsPasswordAndShowsNoSecret() throws {
    let session = ServeSession()
    let vault = try Array(Data(contentsOf: URL(fileURLWithPath: "\(Self.examples)/aegis/vault-encrypted.json")))
    let id = try session.add(name: "C:\\Users\\me\\vault.json", bytes: vault)
    #expect(session.state().files.map(\.status) == [.needsPassword])
    #expect(session.state().files[0].name == "vault.json")
    try session.setPassword(file: id, password: "wrong")
    #expect(session.state().files.map(\.status) == [.wrongPassword])
    let password = try String(contentsOfFile: "\(Self.examples)/aegis/password.txt", encoding: .utf8)
      .trimmingCharacters(in: .newlines)
    try session.setPassword(file: id, password: password)
    let state = session.state()
    #expect(state.files[0].status == .read && state.files[0].encrypted && state.accounts == 7)
    let sent = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    #expect(!sent.contains("secret") && !sent.contains(password) && !sent.contains("4SJHB4GSD43FZBAI7C2HLRJGPQ"))
  }

  @Test func theTargetsAreThoseThePageCanWrite() {
    let targets = Set(ServeSession().state().targets.map(\.id))
    #expect(targets.isSuperset(of: ["aegis", "otpauth", "google-migration", "bitwarden-json", "proton-pass", "keepass"]))
    // Entra's upload needs --upn, SDA's maFiles are a folder, Microsoft's database is read only.
    #expect(targets.isDisjoint(with: ["entra-csv", "steam-mafile", "ms-authenticator"]))
  }

  @Test func aConversionIsForgottenWhenTheFilesChange() throws {
    let session = ServeSession()
    let list = try Array(Data(contentsOf: URL(fileURLWithPath: "\(Self.examples)/otpauth/accounts.txt")))
    _ = try session.add(name: "accounts.txt", bytes: list)
    let converted = try session.convert(to: "google-migration", newPassword: nil)
    // Google's transfer takes the TOTP and HOTP ones; each code lists the accounts it holds.
    #expect(converted.written == converted.kept + converted.changed && converted.written >= 5)
    #expect(converted.codes.count == 1 && converted.codes[0].accounts.count == converted.written, "\(converted)")
    #expect(session.download()?.name == "otpbridge-google-migration.txt" && session.code(0) != nil && session.code(1) == nil)
    #expect(throws: OTPError.self) { try session.convert(to: "entra-csv", newPassword: nil) }
    // A new password for a format that cannot be encrypted is refused, not ignored.
    #expect(throws: OTPError.self) { try session.convert(to: "otpauth", newPassword: "unused") }
    _ = try session.add(name: "again.txt", bytes: list)
    #expect(session.download() == nil && session.code(0) == nil)
    session.clear()
    #expect(session.state().files.isEmpty)
    #expect(throws: OTPError.self) { try session.convert(to: "otpauth", newPassword: nil) }
  }
}
