import Foundation
import OTPCore
import PSKC
import TestSupport
import Testing

/// Containers in the layouts of the drafts before RFC 6030 (Fixtures/make-draft-fixtures.py
/// writes them from the drafts' descriptions, and their codes with Python's hmac, into
/// Fixtures/expected-drafts.json).
@Suite struct PSKCDraftTests {
  struct Key: Decodable {
    var serial, kind, issuer, secretBase32: String
    var digits: Int
    var period: Int?
    var counter: UInt64?
    var codes: [String: String]
  }

  static func expected() throws -> [String: [Key]] {
    try JSONDecoder().decode(
      [String: [Key]].self, from: Data(contentsOf: Fixtures.folder.appendingPathComponent("expected-drafts.json")))
  }

  @Test(arguments: ["draft-keyprov-pskc.pskcxml", "draft-keyprov-container.pskcxml"])
  func draftLayoutsGiveEveryKeyWithItsCodes(_ name: String) throws {
    let format = PSKCFormat()
    let input = try Fixtures.input(name)
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: ReadContext())
    #expect(result.findings.isEmpty, "\(result.findings)")
    let keys = try #require(try Self.expected()[name])
    #expect(result.accounts.count == keys.count)
    for (account, key) in zip(result.accounts, keys) {
      #expect(account.kind.rawValue == key.kind)
      #expect(account.digits == key.digits)
      #expect(account.issuer == key.issuer)
      #expect(account.secret.revealBase32() == key.secretBase32)
      #expect(account.extraParameters.first { $0.name == "serial" }?.value == key.serial)
      let codes = try CodeGenerator.Keyed(account)
      for (moment, code) in key.codes {
        let value = try #require(Int64(moment))
        if account.kind == .hotp {
          #expect(account.counter == key.counter)
          #expect(try codes.code(counter: UInt64(value)) == code)
        } else {
          #expect(account.period == key.period)
          #expect(try codes.code(at: value) == code)
        }
      }
    }
  }

  @Test func anEncryptedDraftIsRefusedAsUnsupportedNotReadEmpty() throws {
    let input = try Fixtures.input("draft-keyprov-encrypted.pskcxml")
    #expect(PSKCFormat().sniff(input) == .certain)
    #expect {
      try PSKCFormat().read(input, context: ReadContext())
    } throws: { error in
      guard case OTPError.unsupportedVersion(_, let version, _) = error else { return false }
      return version.contains("draft") && version.contains("encrypted")
    }
  }

  @Test func keysInALayoutNobodyDefinedAreRefusedNotReadAsNone() throws {
    let xml = """
      <KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
        <Token><Key Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"/></Token>
      </KeyContainer>
      """
    #expect(throws: OTPError.self) {
      try PSKCFormat().read(InputFile(name: "odd.xml", bytes: Array(xml.utf8)), context: ReadContext())
    }
  }
}
