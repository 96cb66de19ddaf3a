import Foundation
import OTPCore
import ProtonPass
import TestSupport
import Testing

/// Proton Pass's data.json, in the layout of Proton's own exporter (ProtonMail/WebClients
/// packages/pass/lib/export) that Bitwarden's importer also reads: logins with `content.totpUri`
/// and TOTP extra fields, vaults as groups, trashed items (state 2). Made from that layout; a real
/// export (protonpass/proton-pass-common PassExport.zip) would be a better vector.
@Suite struct ProtonPassTests {
  let format = ProtonPassFormat()

  static let export = """
    {"version": "1.21.2", "userId": "u", "encrypted": false,
     "vaults": {"s1": {"name": "Personal", "description": "", "items": [
       {"itemId": "i1", "shareId": "s1", "state": 1, "pinned": true, "createTime": 1, "modifyTime": 1,
        "data": {"type": "login", "metadata": {"name": "GitHub", "note": "n", "itemUuid": "x"}, "extraFields": [
            {"fieldName": "Backup", "type": "totp", "data": {"totpUri": "otpauth://totp/Backup:o?secret=GEZDGNBVGY3TQOJQ"}}],
          "content": {"itemEmail": "", "itemUsername": "octocat", "password": "hunter2", "urls": ["https://github.com"],
                      "totpUri": "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256&digits=8&period=15"}}},
       {"itemId": "i2", "state": 2, "data": {"type": "login", "metadata": {"name": "Old"},
          "content": {"totpUri": "JBSWY3DPEHPK3PXP"}}},
       {"itemId": "i3", "state": 1, "data": {"type": "note", "metadata": {"name": "A note"}, "content": {}}},
       {"itemId": "i4", "state": 1, "data": {"type": "identity", "metadata": {"name": "Me"}, "content": {}, "extraFields": [
            {"fieldName": "2FA", "type": "totp", "data": {"totpUri": "otpauth://totp/Id:me?secret=JBSWY3DPEHPK3PXP"}}]}},
       {"itemId": "i5", "state": 1, "data": {"type": "login", "metadata": {"name": "Twitter"},
          "content": {"itemEmail": "emily@example.com", "totpUri": "otpauth://totp/Twitter?secret=JBSWY3DPEHPK3PXP"}}}
     ]}}}
    """

  @Test func readsTOTPsAndExtraFields() throws {
    let input = InputFile(name: "Proton Pass/data.json", bytes: Array(Self.export.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["GitHub", "Backup", "Id", "Twitter"])
    // A label that is only the item's title names the service; the item's user is the account.
    #expect(result.accounts[3].name == "emily@example.com")
    let github = result.accounts[0]
    #expect(github.algorithm == .sha256 && github.digits == 8 && github.period == 15 && github.favorite)
    #expect(github.groups == ["Personal"] && github.name == "octocat")
    #expect(result.findings.contains { $0.code == "PROTON_PASS_TRASHED_SKIPPED" })
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("1 item") })
    #expect(!result.findings.contains { $0.message.contains("hunter2") })
  }

  /// The encrypted export is a .pgp file (ProtonPassPGPTests); a data.json that says it is
  /// encrypted but holds no vault is not one.
  @Test func aJSONThatSaysEncryptedButHoldsNoVaultIsDamaged() {
    let input = InputFile(
      name: "data.json", bytes: Array(#"{"version": "1.21", "userId": "u", "encrypted": true, "vaults": {}}"#.utf8))
    do {
      _ = try format.read(input, context: ReadContext())
      Issue.record("read")
    } catch let error as OTPError {
      if case .corrupted = error {} else { Issue.record("\(error)") }
    } catch { Issue.record("\(error)") }
  }

}

/// Proton Pass's PGP-encrypted export, made here by GnuPG (Debian's gpg, an OpenPGP implementation
/// other than the RNP otpbridge reads it with) as Proton Pass makes it: a password (SKESK), armoured;
/// both layouts, the JSON alone (data.pgp) and the whole export's zip.
@Suite struct ProtonPassPGPTests {
  let format = ProtonPassFormat()
  static let password = "pgp pässword"

  func encrypted(_ bytes: [UInt8]) throws -> [UInt8] {
    let gpg = try #require(Subprocess.onPath("gpg"), "no gpg: scripts/bootstrap.sh installs it")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pgp-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(
      atPath: folder + "/home", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try Data(bytes).write(to: URL(fileURLWithPath: folder + "/plain"))
    try Data((Self.password + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/pw"))
    let run = try Subprocess.run(
      gpg,
      [
        "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase-file", folder + "/pw", "--symmetric", "--armor", "-o",
        folder + "/out", folder + "/plain",
      ], environment: ["GNUPGHOME": folder + "/home"])
    try #require(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
    return Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/out")))
  }

  func zipped(_ json: [UInt8]) throws -> [UInt8] {
    let script =
      "import io, sys, zipfile\nb = io.BytesIO()\nz = zipfile.ZipFile(b, 'w')\nz.writestr('Proton Pass/data.json', sys.stdin.buffer.read())\nz.close()\nsys.stdout.buffer.write(b.getvalue())"
    let run = try Subprocess.run("/usr/bin/python3", ["-c", script], stdin: Data(json))
    try #require(run.status == 0)
    return Array(run.stdout)
  }

  @Test func bothEncryptedLayoutsReadAsThePlainExport() throws {
    let json = Array(ProtonPassTests.export.utf8)
    let plain = try format.read(InputFile(name: "data.json", bytes: json), context: ReadContext())
    for (name, bytes) in [("data.pgp", try encrypted(json)), ("Proton Pass export.pgp", try encrypted(try zipped(json)))] {
      let input = InputFile(name: name, bytes: bytes)
      #expect(format.sniff(input) == .certain, "\(name)")
      let read = try format.read(input, context: ReadContext(password: .fixed(Self.password)))
      #expect(accountDifferences(read.accounts, plain.accounts).isEmpty, "\(name)")
      #expect(throws: OTPError.wrongPassword(file: name)) {
        try format.read(input, context: ReadContext(password: .fixed("pgp password")))
      }
      #expect(throws: OTPError.passwordRequired(file: name)) { try format.read(input, context: ReadContext()) }
    }
  }
}
