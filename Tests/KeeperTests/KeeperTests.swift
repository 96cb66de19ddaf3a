import Keeper
import OTPCore
import TestSupport
import Testing

/// Keeper's JSON export as Keeper's import documents it and Bitwarden's importer (libs/importer/
/// src/importers/keeper) reads: `$oneTimeCode` (Commander), `$oneTimeCode::1` (web vault), an
/// otpauth URI or a list of them. Made from that layout; no real export is in the vectors.
@Suite struct KeeperTests {
  let format = KeeperFormat()

  static let export = """
    {"shared_folders": [],
     "records": [
      {"title": "Amazon", "login": "me@company.com", "password": "x", "login_url": "https://amazon.com", "notes": "n",
       "$type": "login", "folders": [{"folder": "Shopping\\\\Online"}],
       "custom_fields": {"$oneTimeCode": "otpauth://totp/Amazon:me@company.com?secret=JBSWY3DPEHPK3PXP&issuer=Amazon&algorithm=SHA1&digits=6&period=30"}},
      {"title": "Web", "login": "w", "custom_fields": {"$oneTimeCode::1": ["otpauth://totp/W:w?secret=GEZDGNBVGY3TQOJQ", "otpauth://totp/W2:w?secret=JBSWY3DPEHPK3PXP"]}},
      {"title": "No code", "login": "n"},
      {"title": "Shared", "login": "s", "folders": [{"shared_folder": "Team", "folder": "A\\\\\\\\B\\\\C"}],
       "custom_fields": {"$oneTimeCode": "otpauth://totp/S:s?secret=JBSWY3DPEHPK3PXP"}}
     ]}
    """

  @Test func readsEveryOneTimeCode() throws {
    let input = InputFile(name: "keeper.json", bytes: Array(Self.export.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["Amazon", "W", "W2", "S"])
    // The shared folder, then the folder in it; `\\` is a backslash inside a name.
    #expect(result.accounts[3].groups == ["Team/A\\B/C"])
    #expect(result.accounts[0].groups == ["Shopping/Online"] && result.accounts[0].name == "me@company.com")
    #expect(result.accounts[0].extraParameters.map(\.value) == ["https://amazon.com"])
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("1 item") })
  }
}

@Suite struct KeeperWriterTests {
  @Test func writtenRecordsReadBackWithTheirFolders() throws {
    let format = KeeperFormat()
    let accounts = RandomAccounts.make(count: 40, fitting: format.descriptor.capabilities, seed: 7).map { account in
      var account = account
      if !account.groups.isEmpty { account.groups = ["Work/Mail"] }
      return account
    }
    let written = try format.write(accounts, context: WriteContext())
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(text.contains(#""$oneTimeCode" : "otpauth://totp/"#) && text.contains(#""folder" : "Work\\Mail""#))
    let back = try format.read(InputFile(name: "keeper.json", bytes: written.bytes), context: ReadContext())
    #expect(accountDifferences(back.accounts, accounts).isEmpty, "\(accountDifferences(back.accounts, accounts).prefix(3))")
  }
}
