import Foundation
import NeutralJSON
import OTPCore
import TestSupport
import Testing

@Suite struct NeutralJSONTests {
  let format = NeutralJSONFormat()

  @Test(arguments: [1, 7, 120, 500])
  func everyFieldRoundTrips(count: Int) throws {
    let accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: UInt64(count))
    var withEverything = accounts
    withEverything[0].labelIssuer = "Contoso"
    withEverything[0].icon = "https://example.com/i.png"
    withEverything[0].extraParameters = [ExtraParameter(name: "codeDisplay", value: "{\"pinned\":true}")]
    let written = try format.write(withEverything, context: WriteContext())
    let input = InputFile(name: "out.json", bytes: written.bytes)
    #expect(format.sniff(input) == .certain)
    let back = try format.read(input, context: ReadContext())
    #expect(back.findings.isEmpty)
    #expect(back.accounts.count == count)
    expectSameAccounts(withEverything, back.accounts)
  }

  @Test func aMinimalRecordTakesTheKindDefaults() throws {
    let text = #"{"format": "otpbridge-json", "version": 1, "accounts": [{"type": "steam", "secret": "JBSWY3DP"}]}"#
    let account = try #require(
      try format.read(InputFile(name: "m.json", bytes: Array(text.utf8)), context: ReadContext()).accounts.first)
    #expect(account.kind == .steam && account.digits == 5 && account.period == 30)
  }

  @Test func badRecordsAreFindingsAndTheRestIsRead() throws {
    let text = """
      {"format": "otpbridge-json", "version": 1, "accounts": [
        {"type": "totp", "secret": "JBSWY3DP", "issuer": "ok"},
        {"type": "totp", "secret": "!!!"},
        {"type": "warp", "secret": "JBSWY3DP"},
        {"type": "totp"},
        {"type": "totp", "secret": "JBSWY3DP", "digits": 12}
      ]}
      """
    let result = try format.read(InputFile(name: "b.json", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.accounts.map(\.issuer) == ["ok"])
    #expect(result.findings.map { $0.origin?.place } == [2, 3, 4, 5].map { Origin.Place.entry($0) })
    #expect(result.findings.allSatisfy { $0.entrySkipped })
    #expect(!result.findings.map(\.description).joined().contains("!!!"))
  }

  @Test func versionsAndDamageAreDifferentErrors() {
    func read(_ text: String) throws {
      _ = try format.read(InputFile(name: "v.json", bytes: Array(text.utf8)), context: ReadContext())
    }
    #expect(throws: OTPError.unsupportedVersion(file: "v.json", version: "2", supported: "1")) {
      try read(#"{"format": "otpbridge-json", "version": 2, "accounts": []}"#)
    }
    #expect(throws: OTPError.self) { try read(#"{"format": "otpbridge-json", "version": 1, "accounts": [}"#) }
    #expect(throws: OTPError.self) { try read(#"{"format": "other", "version": 1, "accounts": []}"#) }
  }

  @Test func theSchemaFileDescribesWhatTheWriterWrites() throws {
    let schemaPath = Vectors.packageRoot.appendingPathComponent("docs/schema/otpbridge-json-v1.schema.json").path
    let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schemaPath))) as! [String: Any]
    let record = ((schema["$defs"] as! [String: Any])["account"] as! [String: Any])
    let properties = Set((record["properties"] as! [String: Any]).keys)
    let accounts = RandomAccounts.make(count: 50, fitting: format.descriptor.capabilities, seed: 9)
    let written =
      try JSONSerialization.jsonObject(with: Data(try format.write(accounts, context: WriteContext()).bytes)) as! [String: Any]
    for record in written["accounts"] as! [[String: Any]] {
      #expect(Set(record.keys).isSubset(of: properties))
    }
    #expect(record["additionalProperties"] as? Bool == false)
  }

  /// The document is the text `JSONEncoder` (pretty, sorted keys, slashes as they are) writes,
  /// both whole (`NeutralJSON.encode`) and as the writer makes it, its records between a frame (as
  /// `convert` writes them a part at a time), and for no accounts.
  @Test(arguments: [0, 1, 300]) func documentIsWhatJSONEncoderWrites(count: Int) throws {
    var accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: 32)
    if count > 0 { accounts[0].extraParameters = [.init(name: "url", value: "https://example.com/a?b=c")] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let expected = Array(try encoder.encode(NeutralJSON.Document(accounts)))
    #expect(try NeutralJSON.encode(accounts) == expected)
    #expect(try format.write(accounts, context: WriteContext()).bytes == expected + [0x0a])
  }
}
