import DashlaneCSV
import OTPCore
import TestSupport
import Testing

/// Dashlane's credentials.csv, both layouts Bitwarden's importer (libs/importer/src/importers/
/// dashlane) reads: `otpSecret` (a bare secret) and, since late 2024, `otpUrl`. Rows made from
/// those layouts; no real export is public.
@Suite struct DashlaneCSVTests {
  let format = DashlaneCSVFormat()

  @Test func readsOTPSecretAndOTPURL() throws {
    let secretLayout = """
      username,username2,username3,title,password,note,url,category,otpSecret
      alice@example.com,,,Example,pw,,https://example.com,Work,JBSWY3DPEHPK3PXP
      bob,,,Plain,pw,,,,

      """
    let urlLayout = """
      username,username2,username3,title,password,note,url,category,otpUrl
      carol,,,Mail,pw,n,https://mail.example,,otpauth://totp/Mail:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8

      """
    let first = InputFile(name: "credentials.csv", bytes: Array(secretLayout.utf8))
    let second = InputFile(name: "credentials.csv", bytes: Array(urlLayout.utf8))
    #expect(format.sniff(first) == .certain && format.sniff(second) == .certain)
    let a = try format.read(first, context: ReadContext())
    #expect(a.accounts.count == 1 && a.accounts[0].issuer == "Example" && a.accounts[0].groups == ["Work"])
    #expect(a.accounts[0].name == "alice@example.com" && a.accounts[0].secret.revealBase32() == "JBSWY3DPEHPK3PXP")
    #expect(a.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" })
    let b = try format.read(second, context: ReadContext())
    #expect(b.accounts.count == 1 && b.accounts[0].digits == 8 && b.accounts[0].issuer == "Mail")
  }
}
