import Foundation
import OTPCore
import PSKC
import TestSupport
import Testing

/// The fixtures python-pskc made (Fixtures/make-fixtures.py) and the accounts and codes the
/// script computed for them with Python's hmac (Fixtures/expected.json).
enum Fixtures {
  static let folder = Vectors.packageRoot.appendingPathComponent("Tests/PSKCTests/Fixtures")

  static func input(_ name: String) throws -> InputFile {
    InputFile(name: name, bytes: Array(try Data(contentsOf: folder.appendingPathComponent(name))))
  }

  static func line(_ name: String) throws -> String {
    try String(decoding: Data(contentsOf: folder.appendingPathComponent(name)), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  struct Token: Decodable {
    var serial, kind, algorithm, name, issuer, model, secretBase32: String
    var digits: Int
    var period: Int?
    var counter: UInt64?
    var codes: [String: String]
  }

  struct Expected: Decodable {
    var manufacturer: String
    var tokens: [Token]
  }

  static func expected() throws -> Expected {
    try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
  }
}

@Suite struct PSKCTests {
  let format = PSKCFormat()

  static let password = PasswordProvider { _ in try Fixtures.line("pbkdf2-password.txt") }
  static let presharedKey = PasswordProvider { _ in try Fixtures.line("preshared-key.txt") }

  func read(_ name: String, password: PasswordProvider = .none) throws -> ReadResult {
    try format.read(Fixtures.input(name), context: ReadContext(password: password))
  }

  func expectMatches(_ accounts: [Account]) throws {
    let tokens = try Fixtures.expected().tokens
    #expect(accounts.count == tokens.count)
    for (account, token) in zip(accounts, tokens) {
      #expect(account.kind.rawValue == token.kind)
      #expect(account.algorithm.rawValue == token.algorithm)
      #expect(account.digits == token.digits)
      #expect(account.name == token.name)
      #expect(account.issuer == token.issuer)
      #expect(account.secret.revealBase32() == token.secretBase32)
      #expect(
        account.extraParameters == [
          ExtraParameter(name: "serial", value: token.serial), ExtraParameter(name: "model", value: token.model),
        ])
      if let period = token.period { #expect(account.period == period) }
      if let counter = token.counter { #expect(account.counter == counter) }
      for (moment, code) in token.codes {
        let made =
          account.kind == .hotp
          ? try CodeGenerator.code(for: account, counter: UInt64(moment)!)
          : try CodeGenerator.code(for: account, at: Int64(moment)!)
        #expect(made == code, "\(token.serial) at \(moment)")
      }
    }
  }

  @Test func plainFileReads() throws {
    #expect(try format.sniff(Fixtures.input("plain.pskcxml")) == .certain)
    let result = try read("plain.pskcxml")
    #expect(result.findings.isEmpty)
    try expectMatches(result.accounts)
  }

  @Test func pbkdf2FileReadsWithItsPassword() throws {
    try expectMatches(try read("pbkdf2.pskcxml", password: Self.password).accounts)
  }

  @Test func presharedKeyFileReadsWithTheKeyAsHex() throws {
    try expectMatches(try read("preshared.pskcxml", password: Self.presharedKey).accounts)
  }

  @Test func encryptedFilesNeedAPassword() throws {
    #expect(throws: OTPError.passwordRequired(file: "pbkdf2.pskcxml")) { try read("pbkdf2.pskcxml") }
    #expect(throws: OTPError.passwordRequired(file: "preshared.pskcxml")) { try read("preshared.pskcxml") }
  }

  @Test func wrongPasswordIsTold() throws {
    let wrong = PasswordProvider { _ in "not the password" }
    #expect(throws: OTPError.wrongPassword(file: "pbkdf2.pskcxml")) { try read("pbkdf2.pskcxml", password: wrong) }
    let wrongKey = PasswordProvider { _ in String(repeating: "ab", count: 32) }
    #expect(throws: OTPError.wrongPassword(file: "preshared.pskcxml")) { try read("preshared.pskcxml", password: wrongKey) }
    let shortKey = PasswordProvider { _ in String(repeating: "ab", count: 16) }
    #expect(throws: OTPError.wrongPassword(file: "preshared.pskcxml")) { try read("preshared.pskcxml", password: shortKey) }
  }

  @Test func aPresharedKeyThatIsNotHexIsAnArgumentError() throws {
    let text = PasswordProvider { _ in "a password" }
    #expect {
      try read("preshared.pskcxml", password: text)
    } throws: { error in
      guard case OTPError.invalidArgument(let message) = error else { return false }
      return message.contains("hex")
    }
  }

  /// One damaged ValueMAC: that key package is a finding, the others still read.
  @Test func aDamagedPackageIsAFindingAndTheRestRead() throws {
    var text = String(decoding: try Fixtures.input("pbkdf2.pskcxml").bytes, as: UTF8.self)
    let macs = text.matches(of: /<pskc:ValueMAC>([^<]+)<\/pskc:ValueMAC>/)
    let second = macs[1]
    text.replaceSubrange(second.output.1.startIndex..<second.output.1.endIndex, with: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    let result = try format.read(
      InputFile(name: "damaged.pskcxml", bytes: Array(text.utf8)), context: ReadContext(password: Self.password))
    #expect(result.accounts.map { $0.extraParameters.first?.value } == ["TOTP-0001", "HOTP-0003"])
    #expect(result.findings.map(\.code) == ["PSKC_MAC_MISMATCH"])
    #expect(result.findings.first?.origin?.place == .entry(2))
    #expect(result.findings.first?.entrySkipped == true)
  }

  @Test func badPackagesAreFindingsWithTheirEntryNumbers() throws {
    var text = String(decoding: try Fixtures.input("plain.pskcxml").bytes, as: UTF8.self)
    text = text.replacingOccurrences(of: "keyprov:pskc:hotp", with: "keyprov:pskc:ocra")
    text = text.replacingOccurrences(of: #"Length="8""#, with: #"Length="eight""#)
    let result = try format.read(InputFile(name: "bad.pskcxml", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.accounts.count == 1)
    #expect(result.findings.map(\.code) == ["PSKC_BAD_LENGTH", "PSKC_UNSUPPORTED_ALGORITHM"])
    #expect(result.findings.map { $0.origin?.place } == [.entry(2), .entry(3)])
  }

  @Test func damageAndVersionsAreTold() throws {
    func read(_ text: String) throws -> ReadResult {
      try format.read(InputFile(name: "x.pskcxml", bytes: Array(text.utf8)), context: ReadContext())
    }
    #expect(throws: OTPError.self) { try read("<pskc:KeyContainer xmlns:pskc=\"urn:ietf:params:xml:ns:keyprov:pskc\"") }
    #expect(throws: OTPError.unsupportedVersion(file: "x.pskcxml", version: "2.0", supported: "1.0")) {
      try read(#"<KeyContainer xmlns="urn:ietf:params:xml:ns:keyprov:pskc" Version="2.0"/>"#)
    }
    #expect {
      try read("<html/>")
    } throws: { error in
      guard case OTPError.corrupted = error else { return false }
      return true
    }
  }

  @Test func secretsStayOutOfFindings() throws {
    var text = String(decoding: try Fixtures.input("plain.pskcxml").bytes, as: UTF8.self)
    text = text.replacingOccurrences(of: "<pskc:Suite>SHA256</pskc:Suite>", with: "<pskc:Suite>MD4</pskc:Suite>")
    let result = try format.read(InputFile(name: "x.pskcxml", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.findings.map(\.code) == ["PSKC_UNSUPPORTED_SUITE"])
    let described = result.findings.map(\.description).joined()
    for token in try Fixtures.expected().tokens { #expect(!described.contains(token.secretBase32)) }
  }

  @Test(arguments: [1, 40, 500])
  func roundTrips(count: Int) throws {
    var accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: UInt64(count))
    for index in accounts.indices where index % 3 == 0 {
      accounts[index].extraParameters = [
        ExtraParameter(name: "serial", value: "S<\(index)>&"), ExtraParameter(name: "model", value: "M \(index)"),
      ]
    }
    let written = try format.write(accounts, context: WriteContext())
    let input = InputFile(name: "out.pskcxml", bytes: written.bytes)
    #expect(format.sniff(input) == .certain)
    let back = try format.read(input, context: ReadContext())
    #expect(back.findings.isEmpty)
    #expect(back.accounts.count == accounts.count)
    for (original, read) in zip(accounts, back.accounts) {
      var read = read
      read.origin = original.origin
      #expect(read == original)
    }
  }
}
