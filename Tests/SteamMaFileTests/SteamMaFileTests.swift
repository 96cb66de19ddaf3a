import Foundation
import OTPCore
import TestSupport
import Testing

@testable import SteamMaFile

@Suite struct SteamMaFileTests {
  let format = SteamMaFileFormat()

  /// aegis/EXPECTED.md: one Steam entry, secret = base64 shared_secret = V7's, issuer "Steam",
  /// name "Sophia", SHA1/5/30; in the Steam app's `{"accounts": {…}}` file and in a bare maFile.
  @Test(arguments: ["aegis/importers/steam.json", "aegis/importers/steam_old.json"])
  func aegisFixturesGiveV7AsSteam(path: String) throws {
    let input = try Vectors.input(path)
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    let v7 = try #require(try Vectors.expectedAccounts("aegis/EXPECTED.md")["V7"])
    #expect(result.findings.isEmpty)
    let account = try #require(result.accounts.first)
    #expect(result.accounts.count == 1)
    #expect(account.kind == .steam && account.issuer == "Steam" && account.name == "Sophia")
    #expect(account.secret.revealBase32() == v7.secretBase32)
    #expect(account.algorithm == .sha1 && account.digits == 5 && account.period == 30)
    // The revocation code recovers the Steam account: kept, as the note (masked like secrets).
    #expect(account.note == "Steam revocation code: R1234")
    #expect(
      account.extraParameters.map(\.name) == ["serial_number", "token_gid", "identity_secret", "secret_1", "steamid"])
    #expect(account.extraParameters.first { $0.name == "steamid" }?.value == "1234")
  }

  @Test func aSecretThatIsNotBase64IsNamed() throws {
    let input = InputFile(name: "x.maFile", bytes: Array(#"{"shared_secret": "not base64!", "account_name": "a"}"#.utf8))
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.isEmpty && result.findings.map(\.code) == ["STEAM_BAD_SECRET"])
  }
}

/// What otpbridge writes for Steam Desktop Authenticator: its maFiles folder.
@Suite struct MaFileWriterTests {
  let format = SteamMaFileFormat()
  static let origin = Origin(file: "source", place: .whole)

  static let accounts: [Account] = [
    Account(
      kind: .steam, issuer: "Steam", name: "Sophia", secret: Secret(Array("twenty-byte-secret!!".utf8)),
      note: Account.steamRevocationNotePrefix + "R1234",
      extraParameters: [
        ExtraParameter(name: "identity_secret", value: "aWRlbnRpdHk="),
        ExtraParameter(name: "device_id", value: "android:0000-1111"),
        ExtraParameter(name: "steamid", value: "76561197960287930"),
      ], origin: origin),
    Account(kind: .steam, issuer: "Steam", name: "über/../x", secret: Secret(Array("another-20-byte-key!".utf8)), origin: origin),
  ]

  /// The folder SDA reads: manifest.json listing one maFile per account, named by SteamID (or by
  /// place and a name made safe), read back to the same accounts; an independent reading of SDA's
  /// format in Python gives the same names, revocation code and Steam codes.
  @Test func theFolderHoldsEachAccountAndReadsBack() throws {
    let written = try format.write(Self.accounts, context: WriteContext())
    #expect(written.files.map(\.name) == ["manifest.json", "76561197960287930.maFile", "account-2-ber..x.maFile"])
    #expect(written.files.map(\.holdsAccounts) == [false, true, true])
    let back = try format.readWritten(written, name: "out", context: ReadContext())
    #expect(back.findings.isEmpty, "\(back.findings)")
    expectSameAccounts(Self.accounts, back.accounts)

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mafiles-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for file in written.files { try Data(file.bytes).write(to: URL(fileURLWithPath: folder + "/" + file.name)) }
    let script = Vectors.packageRoot.appendingPathComponent("Tests/SteamMaFileTests/read-mafiles.py").path
    let time: Int64 = 1_700_000_000
    let run = try Subprocess.run("/usr/bin/python3", [script, folder, String(time)])
    #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
    let listed = try JSONSerialization.jsonObject(with: run.stdout) as? [[String: Any]] ?? []
    #expect(listed.count == 2)
    for (account, entry) in zip(Self.accounts, listed) {
      #expect(entry["code"] as? String == (try CodeGenerator.code(for: account, at: time)))
      #expect(entry["account_name"] as? String == account.name)
    }
    #expect(listed.first?["revocation_code"] as? String == "R1234")
    #expect(listed.first?["steamid"] as? UInt64 == 76_561_197_960_287_930 && listed.last?["steamid"] as? Int == 0)
  }

  /// One SteamID repeated 100,000 times: each maFile gets a name of its own, in linear time.
  @Test func aRepeatedSteamIDGivesEachFileItsOwnName() throws {
    let accounts = Array(repeating: Self.accounts[0], count: 100_000)
    let files = try MaFileWriter.files(for: accounts)
    #expect(Set(files.map(\.name)).count == 100_001)
    #expect(files[2].name == "76561197960287930-2.maFile" && files.last?.name == "76561197960287930-100000.maFile")
  }

  /// A maFile holds Steam accounts only, and a note that is not a revocation code has no place:
  /// the loss report says so.
  @Test func theLossReportNamesWhatAMaFileCannotHold() {
    let totp = Account(kind: .totp, issuer: "I", name: "n", secret: Secret([1, 2, 3]), origin: Self.origin)
    var steam = Self.accounts[1]
    steam.note = "my own words"
    let report = LossReport(accounts: [totp, steam], target: format.descriptor)
    #expect(report.outcomes[0].converted == nil)
    #expect(report.outcomes[1].changes.contains { $0.reason.contains("revocation code") })
  }
}
