import Foundation
import OTPCore
import Proton
import TestSupport
import Testing

@Suite struct ProtonTests {
  let format = ProtonFormat()

  func read(_ text: String, password: String? = nil) throws -> ReadResult {
    try format.read(
      InputFile(name: "p.json", bytes: Array(text.utf8)), context: ReadContext(password: PasswordProvider { _ in password }))
  }

  @Test func aegisProtonFileGivesV1ToV3() throws {
    let input = try Vectors.input("aegis/importers/proton_authenticator.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 3)
    for (index, id) in ["V1", "V2", "V3"].enumerated() {
      #expect(try #require(expected[id]).matches(result.accounts[index]), "\(id)")
      #expect(result.accounts[index].note == "")
      #expect(result.accounts[index].origin == Origin(file: input.name, place: .entry(index + 1)))
    }
    #expect(try CodeGenerator.code(for: result.accounts[1], at: 1_234_567_890) == "8650438")
  }

  @Test func stratumProtonFileGivesSixVectorsAndSteam() throws {
    let input = try Vectors.input("stratum/data/protonauthenticator.json")
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 7)
    let expected = try Vectors.expectedAccounts("stratum/EXPECTED.md")
    for (index, id) in ["S7", "S3", "S4", "S5", "S1", "S2"].enumerated() {
      let account = result.accounts[index]
      if id == "S3" {
        #expect(
          account.issuer == "" && account.name == "NoIssuer"
            && account.secret.revealBase32() == "KY2QJPMNQLSGSZE2C5F7AYBLBVEEDHFX")
      } else {
        #expect(try #require(expected[id]).matches(account), "\(id)")
      }
    }
    let rows = try Vectors.tableRows("stratum/EXPECTED.md").filter { $0.count == 10 && $0[0].hasPrefix("S") && $0[1] == "totp" }
    for row in rows {
      let account = try #require(result.accounts.first { $0.secret.revealBase32() == row[4] })
      #expect(try CodeGenerator.code(for: account, at: 1_234_567_890) == row[8], "\(row[0])")
      #expect(try CodeGenerator.code(for: account, at: 1_700_000_000) == row[9], "\(row[0])")
    }
    // Proton's steam:// carries standard base64 (its steam/mod.rs), not base32.
    let steam = result.accounts[6]
    #expect(steam.kind == .steam && steam.issuer == "Steam" && steam.name == "Steam" && steam.digits == 5)
    #expect(steam.secret.bytes == Array(Data(base64Encoded: "steamsteamsteamsteam")!))
  }

  @Test func writesProtonsShape() throws {
    let account = Account(
      kind: .totp, issuer: "ACME Co", name: "alice", secret: Secret(try Base32.decode("JBSWY3DPEHPK3PXP")), algorithm: .sha256,
      digits: 8, period: 15, origin: Origin(file: "t", place: .whole))
    let text = String(decoding: try format.write([account], context: WriteContext()).bytes, as: UTF8.self)
    #expect(text.hasPrefix(#"{"version":1,"entries":[{"id":""#))
    #expect(
      text.hasSuffix(
        #"","content":{"uri":"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=15","entry_type":"Totp","name":"alice"},"note":null}]}"#
      ))
  }

  @Test func badEntriesAreSkippedWithFindings() throws {
    let text = #"""
      {"version":1,"entries":[
        {"id":"1","content":{"uri":"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP","entry_type":"Totp","name":"a"},"note":"keep me"},
        {"id":"2","content":{"uri":"otpauth://totp/b?secret=JBSWY3DPEHPK3PXP","entry_type":"Hotp","name":"b"}},
        {"id":"3","content":{"uri":"steam://not base64!","entry_type":"Steam","name":"c"}},
        {"id":"4","content":{"entry_type":"Totp","name":"d"}},
        {"id":"5","content":{"uri":"otpauth://totp/e?secret=1","entry_type":"Totp","name":"e"}}
      ]}
      """#
    let result = try read(text)
    #expect(result.accounts.count == 1)
    #expect(result.accounts[0].note == "keep me")
    #expect(
      result.findings.map(\.code) == ["PROTON_UNKNOWN_TYPE", "PROTON_BAD_STEAM_SECRET", "PROTON_NO_URI", "OTPAUTH_BAD_SECRET"])
    #expect(result.findings.allSatisfy { $0.entrySkipped })
    #expect(result.findings.map(\.origin?.place) == [.entry(2), .entry(3), .entry(4), .entry(5)])
  }

  @Test func damagedUnsupportedAndPasswordErrors() throws {
    func error(_ text: String, password: String? = "pw") -> OTPError? {
      do {
        _ = try read(text, password: password)
        return nil
      } catch {
        return error as? OTPError
      }
    }
    for text in [
      "{", "[]", #"{"entries":[]}"#, #"{"version":1}"#, #"{"version":1,"salt":"AAAA","content":"AAAA"}"#,
      #"{"version":1,"salt":"oSNHLO3BMxAocxngndY9bw==","content":"AAAA"}"#,
    ] {
      guard case .corrupted = error(text) else {
        Issue.record("expected corrupted for \(text), got \(String(describing: error(text)))")
        continue
      }
    }
    #expect(error(#"{"version":2,"entries":[]}"#) == .unsupportedVersion(file: "p.json", version: "2", supported: "1"))
    let sealed = String(
      decoding: try format.write([], context: WriteContext(newPassword: PasswordProvider { _ in "pw" })).bytes, as: UTF8.self)
    #expect(error(sealed, password: "pw") == nil)
    #expect(error(sealed, password: "wrong") == .wrongPassword(file: "p.json"))
    #expect(error(sealed, password: nil) == .passwordRequired(file: "p.json"))
  }

  @Test(arguments: [(1, 1), (9, 2), (200, 3), (500, 4)])
  func randomAccountsRoundTrip(count: Int, seed: UInt64) throws {
    let accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: seed)
    let written = try format.write(accounts, context: WriteContext())
    let input = InputFile(name: "out.json", bytes: written.bytes)
    #expect(format.sniff(input) == .certain)
    let back = try format.read(input, context: ReadContext())
    #expect(back.findings.isEmpty)
    try Self.expectSame(back.accounts, accounts, warnings: written.findings)
  }

  @Test func randomAccountsRoundTripEncrypted() throws {
    let accounts = RandomAccounts.make(count: 50, fitting: format.descriptor.capabilities, seed: 7)
    let password = "你好世界 PZqE=_L]Ra;ZD8N&"
    let written = try format.write(accounts, context: WriteContext(newPassword: PasswordProvider { _ in password }))
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(text.hasPrefix(#"{"version":1,"salt":""#) && text.contains(#"","content":""#) && !text.contains("entries"))
    let input = InputFile(name: "out.json", bytes: written.bytes)
    #expect(format.sniff(input) == .likely)
    let back = try format.read(input, context: ReadContext(password: PasswordProvider { _ in password }))
    try Self.expectSame(back.accounts, accounts, warnings: written.findings)
  }

  /// Every field comes back, except that a Steam entry is `steam://SECRET` and a name in Proton:
  /// its issuer reads back as "Steam" and its period as 30 (which the loss report changes before
  /// a conversion writes: `aSteamAccountIsFittedToProtonsSteamForm`). The writer says nothing.
  static func expectSame(_ back: [Account], _ accounts: [Account], warnings: [Finding]) throws {
    #expect(back.count == accounts.count)
    for (a, b) in zip(accounts, back) {
      var expected = a
      if a.kind == .steam {
        expected.issuer = "Steam"
        expected.period = 30
      }
      var moved = b
      moved.origin = a.origin
      #expect(moved == expected, "\(a.displayName)")
    }
    #expect(warnings.isEmpty)
  }

  /// What `steam://SECRET` and a name cannot hold is changed by the loss report, before writing;
  /// the fitted account is written and read back exactly, without a warning.
  @Test func aSteamAccountIsFittedToProtonsSteamForm() throws {
    let steam = Account(
      kind: .steam, issuer: "Valve", name: "gabe", secret: Secret(Array(repeating: 7, count: 10)), digits: 6,
      period: 60, note: "recovery R12345", origin: Origin(file: "t", place: .whole))
    let report = LossReport(accounts: [steam], skippedEntries: [], target: ProtonFormat().descriptor)
    let outcome = try #require(report.outcomes.first)
    let fitted = try #require(outcome.converted)
    #expect(fitted.period == 30 && fitted.digits == 5 && fitted.issuer == "Steam" && fitted.note == steam.note)
    #expect(outcome.changes.map(\.field) == [.digits, .period, .field(.issuer)])
    #expect(outcome.changes.map(\.breaksCodes) == [true, true, false])
    #expect(outcome.changes.allSatisfy { $0.reason.contains("steam://SECRET") || $0.reason.contains("this issuer") })
    #expect(!report.isLossless)
    let written = try format.write([fitted], context: WriteContext())
    #expect(written.findings.isEmpty)
    let back = try format.read(InputFile(name: "p.json", bytes: written.bytes), context: ReadContext())
    var moved = try #require(back.accounts.first)
    moved.origin = fitted.origin
    #expect(moved == fitted)
    // A TOTP account keeps its period: only Steam's is fixed.
    let totp = Account(
      kind: .totp, issuer: "X", name: "y", secret: Secret(Array(repeating: 7, count: 10)), period: 60,
      origin: Origin(file: "t", place: .whole))
    #expect(LossReport(accounts: [totp], skippedEntries: [], target: ProtonFormat().descriptor).isLossless)
  }
}
