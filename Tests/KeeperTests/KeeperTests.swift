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
      {"title": "No code", "login": "n"}
     ]}
    """

  @Test func readsEveryOneTimeCode() throws {
    let input = InputFile(name: "keeper.json", bytes: Array(Self.export.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["Amazon", "W", "W2"])
    #expect(result.accounts[0].groups == ["Shopping/Online"] && result.accounts[0].name == "me@company.com")
    #expect(result.accounts[0].extraParameters.map(\.value) == ["https://amazon.com"])
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("1 item") })
  }
}
