import Enpass
import OTPCore
import TestSupport
import Testing

/// Enpass's JSON export in the layout Bitwarden's (libs/importer/src/importers/enpass) and Proton
/// Pass's importers read: items with `fields`, the TOTP a field of type "totp" holding the secret
/// as typed (lower case, spaced). Made from that layout; no real export is in the vectors.
@Suite struct EnpassTests {
  let format = EnpassFormat()

  static let export = """
    {"folders": [{"icon": "1008", "parent_uuid": "", "title": "Work", "updated_at": 1, "uuid": "F0"},
                 {"icon": "1008", "parent_uuid": "F0", "title": "Code", "updated_at": 1, "uuid": "F1"}],
     "items": [
      {"category": "note", "title": "A note first", "template_type": "note.default", "note": "no fields"},
      {"archived": 0, "category": "login", "favorite": 1, "folders": ["F1"], "note": "n", "template_type": "login.default",
       "title": "GitHub", "trashed": 0, "uuid": "I1",
       "fields": [{"deleted": 0, "label": "Username", "type": "username", "value": "octocat"},
                  {"deleted": 0, "label": "Password", "type": "password", "value": "hunter2"},
                  {"deleted": 0, "label": "Website", "type": "url", "value": "https://github.com"},
                  {"deleted": 0, "label": "One-time code", "type": "totp", "value": "jbsw y3dp ehpk 3pxp"},
                  {"deleted": 0, "label": "Backup code", "type": "totp", "value": "GEZDGNBVGY3TQOJQ"}]},
      {"category": "login", "title": "Deleted", "trashed": 1, "template_type": "login.default",
       "fields": [{"type": "totp", "value": "JBSWY3DPEHPK3PXP"}]},
      {"category": "creditcard", "title": "Card", "template_type": "creditcard.default", "fields": [{"type": "ccNumber", "value": "4111"}]},
      {"title": 5, "fields": "broken"}
     ]}
    """

  @Test func readsTheTOTPFieldAsEnpassKeepsIt() throws {
    let input = InputFile(name: "enpass.json", bytes: Array(Self.export.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    // Two one-time-code fields: an account each.
    #expect(result.accounts.map { $0.secret.revealBase32() } == ["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ"])
    let github = try #require(result.accounts.first)
    #expect(github.name == "octocat" && github.issuer == "GitHub")
    #expect(github.groups == ["Work/Code"] && github.favorite && github.extraParameters.map(\.value) == ["https://github.com"])
    #expect(result.findings.contains { $0.code == "ENPASS_TRASHED_SKIPPED" })
    #expect(result.findings.contains { $0.code == "ENPASS_BAD_ITEM" && $0.entrySkipped && $0.origin?.place == .entry(5) })
    // The note and the card; the trashed login is counted apart.
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("2 item") })
  }
}

@Suite struct EnpassHostileTests {
  /// 100,000 folders each inside the one before, and a loop of parents: paths are cut at 32
  /// levels, so the cost grows with the folders, not with their depth times their number.
  @Test func aChainOf100000FoldersReadsInLinearTime() throws {
    var folders: [String] = ["{\"uuid\": \"F0\", \"parent_uuid\": \"F99999\", \"title\": \"f\"}"]
    for index in 1..<100_000 { folders.append("{\"uuid\": \"F\(index)\", \"parent_uuid\": \"F\(index - 1)\", \"title\": \"f\"}") }
    let json = """
      {"folders": [\(folders.joined(separator: ","))], "items": [{"title": "A", "template_type": "login.default",
       "folders": ["F99999"], "fields": [{"type": "totp", "value": "JBSWY3DPEHPK3PXP"}]}]}
      """
    let clock = ContinuousClock()
    let started = clock.now
    let result = try EnpassFormat().read(InputFile(name: "deep.json", bytes: Array(json.utf8)), context: ReadContext())
    #expect(clock.now - started < .seconds(30))
    #expect(result.accounts.first?.groups == [Array(repeating: "f", count: 32).joined(separator: "/")])
  }
}
