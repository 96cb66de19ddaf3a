import Foundation
import OTPCore
import Testing

/// A secret never shows in any textual form of an account.
@Suite struct RedactionTests {
  static let secretText = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

  static func account() throws -> Account {
    Account(
      kind: .totp, issuer: "Example", name: "alice", secret: Secret(try Base32.decode(secretText)),
      pin: Secret(Array("4321".utf8)), origin: Origin(file: "f.txt", place: .line(2)))
  }

  static func leaks(_ text: String) -> Bool {
    text.contains(secretText) || text.contains("48656c6c6f") || text.contains("4321")
      || text.contains("72, 101, 108")
  }

  @Test func descriptionsAreRedacted() throws {
    let account = try Self.account()
    var dumped = ""
    dump(account, to: &dumped)
    for text in ["\(account)", String(describing: account), String(reflecting: account), dumped, "\(account.secret)"] {
      #expect(!Self.leaks(text), "leaked in: \(text)")
    }
    #expect("\(account.secret)".contains("redacted"))
  }

  @Test func revealingIsExplicit() throws {
    #expect(try Self.account().secret.revealBase32() == Self.secretText)
  }
}
