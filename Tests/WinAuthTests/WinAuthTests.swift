import Foundation
import OTPCore
import TestSupport
import Testing
import WinAuth

@Suite struct WinAuthTests {
  let format = WinAuthFormat()

  func read(_ bytes: [UInt8], name: String = "winauth-2026-12-06.txt", password: String? = nil) throws -> ReadResult {
    try format.read(InputFile(name: name, bytes: bytes), context: ReadContext(password: .fixed(password)))
  }

  /// stratum/EXPECTED.md: the ZipCrypto zip (password `test`) holds one TOTP "Authenticator"
  /// with no issuer; a wrong password and none are told apart; the empty zip says it is empty.
  @Test func stratumZipGivesItsAccount() throws {
    let result = try readVector("stratum/data/winauth.zip", with: format, password: "test")
    let account = try #require(result.accounts.first)
    #expect(result.accounts.count == 1)
    #expect(account.kind == .totp && account.issuer == "" && account.name == "Authenticator")
    #expect(account.secret.bytes == (try Base32.decode("TESTTESTTESTTESTTESQ")))
    #expect(account.digits == 6 && account.period == 30 && account.algorithm == .sha1)
    #expect(throws: OTPError.wrongPassword(file: "stratum/data/winauth.zip")) {
      try readVector("stratum/data/winauth.zip", with: format, password: "test1")
    }
    #expect(throws: OTPError.passwordRequired(file: "stratum/data/winauth.zip")) {
      try readVector("stratum/data/winauth.zip", with: format)
    }
    #expect {
      try readVector("stratum/data/winauth.invalid.zip", with: format, password: "test")
    } throws: { error in
      guard case OTPError.corrupted(_, _, let reason) = error else { return false }
      return reason.contains("empty")
    }
  }

  /// Lines as WinAuth 3 writes them (WinAuthAuthenticator.ToUrl, docs/formats/winauth.md): a
  /// Steam line with its data and device, a Battle.net line with its serial, a Glyph line
  /// (skipped: Trion's codes are its own), and a plain one with an icon; CRLF line ends.
  static let winAuthLines =
    [
      "otpauth://totp/Steam:gamer?secret=JBSWY3DPEHPK3PXP&digits=5&issuer=Steam&deviceid=android%3a1234-abcd"
        + "&data=%7b%22shared_secret%22%3a%22SGVsbG8h3q2%2b7w%3d%3d%22%2c%22revocation_code%22%3a%22R12345%22"
        + "%2c%22identity_secret%22%3a%22aWRlbnRpdHk%3d%22%2c%22steamid%22%3a76561197960287930%7d&icon=SteamAuthenticator",
      "otpauth://totp/BattleNet:Battle.net?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=BattleNet"
        + "&serial=US120412345678&icon=BattleNetAuthenticator",
      "otpauth://totp/Trion:Glyph?secret=JBSWY3DPEHPK3PXP&digits=8&issuer=Trion&icon=Glyph",
      "otpauth://totp/GitHub:me%20x?secret=JBSWY3DPEHPK3PXP&digits=6&issuer=GitHub&icon=GitHub",
    ].joined(separator: "\r\n") + "\r\n"

  @Test func steamAndBattleNetLinesStayWhatTheyAre() throws {
    let input = InputFile(name: "winauth-2026-12-06.txt", bytes: Array(Self.winAuthLines.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try read(input.bytes)
    #expect(result.findings.map(\.code) == ["WINAUTH_TRION"])
    #expect(result.findings.first?.origin == Origin(file: input.name, place: .line(3)))
    #expect(result.accounts.count == 3)
    let steam = result.accounts[0]
    #expect(steam.kind == .steam && steam.issuer == "Steam" && steam.name == "gamer" && steam.digits == 5)
    #expect(steam.secret.revealBase32() == "JBSWY3DPEHPK3PXP")
    #expect(steam.note == Account.steamRevocationNotePrefix + "R12345")
    let extras = Dictionary(steam.extraParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    #expect(extras["identity_secret"] == "aWRlbnRpdHk=" && extras["steamid"] == "76561197960287930")
    #expect(extras["device_id"] == "android:1234-abcd" && extras["icon"] == "SteamAuthenticator")
    let battleNet = result.accounts[1]
    #expect(battleNet.kind == .totp && battleNet.issuer == "Battle.net" && battleNet.digits == 8)
    #expect(battleNet.extraParameters.contains(ExtraParameter(name: "serial", value: "US120412345678")))
    let plain = result.accounts[2]
    #expect(plain.issuer == "GitHub" && plain.name == "me x" && plain.digits == 6)
  }

  /// WinAuth's import reads the label prefix alone for the kind, '+' in the label as a space, and
  /// drops a fragment; a Steam line whose data holds another shared secret is read with a warning.
  @Test func linesAreReadAsWinAuthReadsThem() throws {
    let lines = [
      "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&digits=6&issuer=Steam",
      "otpauth://totp/My+Bank:John+Smith?secret=JBSWY3DPEHPK3PXP&digits=6#fragment",
      "otpauth://totp/Steam:x?secret=JBSWY3DPEHPK3PXP&digits=5&data=%7b%22shared_secret%22%3a%22AAAA%22%7d",
    ].joined(separator: "\n")
    let result = try read(Array(lines.utf8))
    #expect(result.accounts.map(\.kind) == [.totp, .totp, .steam])
    #expect(result.accounts[0].issuer == "Steam" && result.accounts[0].digits == 6)
    #expect(result.accounts[1].issuer == "My Bank" && result.accounts[1].name == "John Smith")
    #expect(result.findings.map(\.code) == ["WINAUTH_STEAM_SECRETS_DIFFER"])
    #expect(result.accounts[2].secret.revealBase32() == "JBSWY3DPEHPK3PXP")
  }

  @Test func aSteamLineWithBrokenDataIsNamed() throws {
    let line = "otpauth://totp/Steam:x?secret=JBSWY3DPEHPK3PXP&digits=5&issuer=Steam&data=%7bnot%20json\r\n"
    let result = try read(Array(line.utf8))
    #expect(result.accounts.isEmpty && result.findings.map(\.code) == ["WINAUTH_BAD_STEAM_DATA"])
    #expect(!result.findings[0].message.contains("JBSWY3DPEHPK3PXP"))
  }

  /// Aegis's otpauth list read as WinAuth's export gives V1–V7 as the otpauth reader does.
  @Test func aegisListReadsAsWinAuth() throws {
    let result = try format.read(try Vectors.input("aegis/importers/plain.txt"), context: ReadContext())
    let expected = try Vectors.expectedAccounts("aegis/EXPECTED.md")
    #expect(result.findings.isEmpty, "\(result.findings)")
    for (account, id) in zip(result.accounts, ["V1", "V2", "V3", "V4", "V5", "V6", "V7"]) {
      #expect(try #require(expected[id]).matches(account), "\(id): \(account)")
    }
  }

  static let origin = Origin(file: "written", place: .whole)

  static let written: [Account] = [
    Account(
      kind: .totp, issuer: "Git Hub", name: "me x@example.com:work", secret: Secret(Array("12345678901234567890".utf8)),
      algorithm: .sha256, digits: 8, period: 60, origin: Self.origin),
    Account(
      kind: .hotp, issuer: "Issuu", name: "James", secret: Secret(Array("abcdefghij".utf8)), counter: 42, origin: Self.origin),
    Account(
      kind: .steam, issuer: "Steam", name: "gamer", secret: Secret(Array("steam-secret-bytes!!".utf8)),
      note: Account.steamRevocationNotePrefix + "R98765",
      extraParameters: [
        ExtraParameter(name: "identity_secret", value: "aWRlbnRpdHk="), ExtraParameter(name: "device_id", value: "android:x-1"),
      ], origin: Self.origin),
    Account(
      kind: .totp, issuer: "Battle.net", name: "Battle.net", secret: Secret(Array("battle-net-secret-20".utf8)), digits: 8,
      extraParameters: [ExtraParameter(name: "serial", value: "EU-2303-0329-3905")], origin: Self.origin),
    Account(kind: .totp, issuer: "Steam", name: "bob", secret: Secret(Array("not-a-steam-account!".utf8)), origin: Self.origin),
    Account(
      kind: .totp, issuer: "Battle.net", name: "ben", secret: Secret(Array("eight-digit-account!".utf8)), digits: 8,
      extraParameters: [ExtraParameter(name: "serial", value: "abc")], origin: Self.origin),
    Account(kind: .totp, name: "a:b", secret: Secret(Array("colon-in-the-name!!!".utf8)), origin: Self.origin),
  ]

  /// What otpbridge writes, as text and as a ZipCrypto zip, is read by an independent reading of
  /// WinAuth's import rules (winauth-import.py, Python's zipfile for the zip) to the same accounts
  /// and codes; and read back here to the same accounts.
  @Test(arguments: [nil, "zip pass"] as [String?])
  func writtenExportsReadInWinAuthsWay(password: String?) throws {
    let written = try format.write(
      Self.written, context: WriteContext(newPassword: .fixed(password), outputName: "winauth.out"))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("winauth-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let file = folder + (password == nil ? "/export.txt" : "/export.zip")
    try Data(written.bytes).write(to: URL(fileURLWithPath: file))
    try Data((password ?? "").utf8).write(to: URL(fileURLWithPath: folder + "/password"))
    #expect(format.sniff(InputFile(name: file, bytes: written.bytes)) == .certain)
    if password == nil {
      let text = String(decoding: written.bytes, as: UTF8.self)
      #expect(
        text.contains(
          "otpauth://totp/Git%20Hub:me%20x@example.com%3Awork?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=Git%20Hub&algorithm=SHA256&period=60\r\n"
        ))
      #expect(text.contains("otpauth://totp/BattleNet:Battle.net?secret="))
      #expect(text.contains("&digits=8&issuer=BattleNet&serial=EU-2303-0329-3905\r\n"))
      // An ordinary account whose issuer is a kind word gets no label prefix; a bad serial no
      // BattleNet: label (WinAuth would refuse the whole file).
      #expect(text.contains("otpauth://totp/bob?secret=") && text.contains("&issuer=Steam"))
      #expect(text.contains("otpauth://totp/Battle.net:ben?secret=") && text.contains("&serial=abc"))
      #expect(text.contains("otpauth://totp/:a%3Ab?secret="))
    }

    let script = Vectors.packageRoot.appendingPathComponent("Tests/WinAuthTests/winauth-import.py").path
    let time: Int64 = 1_234_567_890
    let run = try Subprocess.run("/usr/bin/python3", [script, file, folder + "/password", String(time)])
    #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
    let imported = try JSONSerialization.jsonObject(with: run.stdout) as? [[String: String]] ?? []
    #expect(imported.count == Self.written.count)
    for (account, entry) in zip(Self.written, imported) {
      let code =
        account.kind == .hotp
        ? try CodeGenerator.code(for: account, counter: account.counter) : try CodeGenerator.code(for: account, at: time)
      #expect(entry["code"] == code, "\(account.issuer)")
      #expect(entry["name"] == account.name)
    }
    #expect(imported[0]["issuer"] == "Git Hub")
    #expect(imported[2]["revocation_code"] == "R98765" && imported[2]["deviceid"] == "android:x-1")
    #expect(imported[3]["type"] == "battlenet" && imported[3]["serial"] == "EU-2303-0329-3905")
    #expect(imported[4]["type"] == "totp" && imported[4]["issuer"] == "" && imported[4]["name"] == "bob")
    #expect(imported[5]["type"] == "totp" && imported[5]["issuer"] == "Battle.net")
    #expect(imported[6]["name"] == "a:b")

    let back = try read(written.bytes, name: file, password: password)
    #expect(back.findings.isEmpty, "\(back.findings)")
    expectSameAccounts(Self.written, back.accounts)
  }
}
