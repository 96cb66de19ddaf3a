import Foundation
import OTPCore
import TestSupport
import Testing

@testable import Ente

/// Ente's codeDisplay mapping, its quirks, damaged files and round trips.
@Suite struct EnteRuleTests {
  let format = EnteFormat()
  /// Cheap Argon2id limits for writer tests (libsodium's minimum memory is 8 KiB).
  let quickFormat = EnteFormat(writeLimits: EnteKDFLimits(memLimit: 65536, opsLimit: 1))

  func read(_ text: String, password: String? = nil) throws -> ReadResult {
    try format.read(
      InputFile(name: "ente.txt", bytes: Array(text.utf8)), context: ReadContext(password: PasswordProvider { _ in password }))
  }

  static func display(_ json: String) -> String {
    json.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
  }

  @Test func codeDisplayBecomesNoteGroupsAndFavourite() throws {
    let json =
      #"{"pinned":true,"trashed":true,"lastUsedAt":0,"tapCount":0,"tags":["Work","Home"],"note":"recovery: 1234, 5678","position":3,"iconSrc":"","iconID":""}"#
    let line = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&codeDisplay=\(Self.display(json))"
    let result = try read(line)
    let account = try #require(result.accounts.first)
    #expect(account.favorite)
    #expect(account.groups == ["Work", "Home"])
    #expect(account.note == "recovery: 1234, 5678")
    // What the model has no field for stays, in Ente's terms, for the Ente writer.
    #expect(account.extraParameters == [ExtraParameter(name: "codeDisplay", value: #"{"position":3,"trashed":true}"#)])
    #expect(result.findings.map(\.code) == ["ENTE_TRASHED"])

    let written = try format.write([account], context: WriteContext())
    let back = try format.read(InputFile(name: "out.txt", bytes: written.bytes), context: ReadContext())
    var moved = try #require(back.accounts.first)
    moved.origin = account.origin
    #expect(moved == account)
  }

  @Test func writtenCodeDisplayIsWhatEnteReads() throws {
    let account = Account(
      kind: .totp, issuer: "Air Canada", name: "bob", secret: Secret([1, 2, 3, 4, 5]), note: "n", favorite: true,
      groups: ["T"], origin: Origin(file: "t", place: .whole))
    let line = String(decoding: try format.write([account], context: WriteContext()).bytes, as: UTF8.self)
    let query = try #require(URLComponents(string: line.trimmingCharacters(in: .newlines))?.queryItems)
    let display = try #require(query.first { $0.name == "codeDisplay" }?.value)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(display.utf8)) as? [String: Any])
    #expect(object["pinned"] as? Bool == true)
    #expect(object["trashed"] as? Bool == false)
    #expect(object["tags"] as? [String] == ["T"])
    #expect(object["note"] as? String == "n")
    #expect(!line.contains(","), "Ente's export escapes commas (formats.md §9.1); ours are percent-encoded")
  }

  @Test func enteQuirks() throws {
    let lines = [
      "otpauth://totp/Old:alice?secret=JBSWY3DPEHPK3PXP&issuer=Old&algorithm=Algorithm.sha256",
      "otpauth://totp/Glued:bob?secret=JBSWY3DPEHPK3PXP&issuer=Gluedperiod=60",
      "otpauth://totp/A:B:carol?secret=JBSWY3DPEHPK3PXP&issuer=A:B",
      "otpauth://totp/x?secret=1",
    ]
    let result = try read(lines.joined(separator: "\n"))
    #expect(result.accounts.count == 3)
    #expect(result.accounts[0].algorithm == .sha256)
    #expect(result.accounts[1].issuer == "Glued")
    #expect(result.accounts[2].issuer == "A:B" && result.accounts[2].name == "carol" && result.accounts[2].labelIssuer == nil)
    #expect(result.findings.map(\.code) == ["ENTE_ISSUER_PERIOD", "OTPAUTH_BAD_SECRET"])
    #expect(result.findings[1].origin == Origin(file: "ente.txt", place: .line(4)) && result.findings[1].entrySkipped)
  }

  /// Lines are split as bytes at \n; \r\n and lone \r line breaks number lines the same way.
  @Test(arguments: ["\n", "\r\n", "\r"])
  func lineBreaksAndLineNumbers(lineBreak: String) throws {
    let text =
      [
        "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A", "", "otpauth://totp/x?secret=1",
        "otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP&issuer=B",
      ]
      .joined(separator: lineBreak) + lineBreak
    let result = try read(text)
    #expect(result.accounts.map(\.issuer) == ["A", "B"])
    #expect(result.accounts.map(\.origin.place) == [.line(1), .line(4)])
    #expect(result.findings.map(\.origin?.place) == [.line(3)])
  }

  /// The prefix is looked for byte by byte before Foundation replaces it; any case must be found.
  @Test func oldAlgorithmPrefixInAnyCase() throws {
    for parameter in ["algorithm=Algorithm.sha512", "ALGORITHM=ALGORITHM.SHA512", "Algorithm=algorithm.Sha512"] {
      let result = try read("otpauth://totp/Old:alice?secret=JBSWY3DPEHPK3PXP&issuer=Old&\(parameter)\n")
      #expect(result.accounts.first?.algorithm == .sha512, "\(parameter)")
    }
    #expect(!PlainText.mayHaveAlgorithmPrefix("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1"))
  }

  @Test func quotedLinesOfOlderAutomaticBackups() throws {
    let result = try read(#""otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A&codeDisplay=%7B%22pinned%22%3Atrue%7D""# + "\n")
    #expect(result.findings.isEmpty)
    #expect(result.accounts.first?.favorite == true && result.accounts.first?.name == "b")
  }

  @Test func sniffLeavesPlainListsToOtpauth() {
    let plain = InputFile(name: "a.txt", bytes: Array("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n".utf8))
    #expect(format.sniff(plain) == .no)
    let ente = InputFile(name: "a.txt", bytes: Array("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%7D\n".utf8))
    #expect(format.sniff(ente) == .certain)
    #expect(format.sniff(InputFile(name: "x.json", bytes: Array(#"{"version":1,"entries":[]}"#.utf8))) == .no)
  }

  static func envelope(
    version: String = "1", mem: String = "65536", salt: String = "oSNHLO3BMxAocxngndY9bw==",
    data: String = "HYqBrMv/ufUq1HhthURcUplFEKH45f4jn2PpE3Tld+Dbnk1J", nonce: String = "5vxijBdZGPSYdpgcKNI3S6I0kL1Mh48T"
  ) -> String {
    #"{"version":\#(version),"kdfParams":{"memLimit":\#(mem),"opsLimit":1,"salt":"\#(salt)"},"encryptedData":"\#(data)","encryptionNonce":"\#(nonce)"}"#
  }

  @Test func damagedAndUnsupportedEnvelopes() throws {
    func error(_ text: String) -> OTPError? {
      do {
        _ = try read(text, password: "test")
        return nil
      } catch {
        return error as? OTPError
      }
    }
    let damaged: [String] = [
      "{\"version\":1,",
      #"{"kdfParams":{}}"#,
      #"{"version":1,"kdfParams":{"memLimit":65536}}"#,
      Self.envelope(salt: "not base64!"),
      Self.envelope(salt: "AAAA"),
      Self.envelope(nonce: "AAAA"),
      Self.envelope(data: "AAAA"),
      Self.envelope(mem: "1099511627776"),
    ]
    for text in damaged {
      guard case .corrupted = error(text) else {
        Issue.record("expected corrupted for \(text), got \(String(describing: error(text)))")
        continue
      }
    }
    #expect(error(Self.envelope(version: "2")) == .unsupportedVersion(file: "ente.txt", version: "2", supported: "1"))
    // Intact envelope, wrong key: the chunk's tag fails, which the format can only call a wrong password.
    #expect(error(Self.envelope()) == .wrongPassword(file: "ente.txt"))
  }

  @Test func randomAccountsRoundTripEncrypted() throws {
    let accounts = RandomAccounts.make(count: 60, fitting: format.descriptor.capabilities, seed: 9)
    let written = try quickFormat.write(accounts, context: WriteContext(newPassword: PasswordProvider { _ in "😀 pässword" }))
    let input = InputFile(name: "out.json", bytes: written.bytes)
    #expect(quickFormat.sniff(input) == .certain)
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(text.hasPrefix(#"{"version":1,"kdfParams":{"memLimit":65536,"opsLimit":1,"salt":""#))
    let back = try quickFormat.read(input, context: ReadContext(password: PasswordProvider { _ in "😀 pässword" }))
    try expectSame(back.accounts, accounts)
    #expect(throws: OTPError.wrongPassword(file: "out.json")) {
      try quickFormat.read(input, context: ReadContext(password: PasswordProvider { _ in "😀 password" }))
    }
  }

  func expectSame(_ back: [Account], _ accounts: [Account]) throws {
    #expect(back.count == accounts.count)
    expectSameAccounts(accounts, back)
  }
}
