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

/// Keeper's CSV export: no header, seven columns, then custom field pairs; rows made from the layout
/// Bitwarden's and Proton Pass's importers read (web vault) and Keeper Commander writes.
@Suite struct KeeperCSVTests {
  let format = KeeperCSVFormat()

  static let export = #"""
    "Shopping\Online","Amazon","me@company.com","pw","https://amazon.com","a note, with ""quotes""","","TFC:Keeper","otpauth://totp/Amazon:me@company.com?secret=JBSWY3DPEHPK3PXP&issuer=Amazon&algorithm=SHA1&digits=6&period=30"
    "","Bank","b","","","","","Account ID","123"
    "A\\B","Two","t","","","line 1
    line 2","Team#edit","TFC:Keeper","otpauth://totp/T1:t?secret=GEZDGNBVGY3TQOJQ","Hidden Field","x","$oneTimeCode:backup","otpauth://totp/T2:t?secret=JBSWY3DPEHPK3PXP"
    Personal,Commander,c,,,,,$record_uid,abc123,$type,login,$oneTimeCode,otpauth://totp/C:c?secret=GEZDGNBVGY3TQOJQ

    """#

  @Test func readsEveryOneTimeCodeWithItsFolder() throws {
    let input = InputFile(name: "keeper.csv", bytes: Array(Self.export.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["Amazon", "T1", "T2", "C"])
    #expect(result.accounts[0].groups == ["Shopping/Online"] && result.accounts[0].name == "me@company.com")
    #expect(
      result.accounts[0].note == "a note, with \"quotes\""
        && result.accounts[0].extraParameters.map(\.value) == ["https://amazon.com"])
    // The shared folder first, without Commander's permission mark; `\\` is a backslash in a name.
    #expect(result.accounts[1].groups == ["Team/A\\B"] && result.accounts[1].note == "line 1\nline 2")
    #expect(result.accounts[3].groups == ["Personal"])
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("1 item") })
    #expect(result.accounts.map(\.origin.description) == ["keeper.csv:1", "keeper.csv:3", "keeper.csv:3", "keeper.csv:5"])
  }

  @Test func otherHeaderlessCSVIsNotKeepers() {
    for text in ["a,b,c\n1,2,3\n", "\"x\",\"TFC:Keeper\",\"y\"\n", "Title,URL,Username,Password,Notes,OTPAuth\n"] {
      #expect(format.sniff(InputFile(name: "x.csv", bytes: Array(text.utf8))) == .no, "\(text)")
    }
  }
}
