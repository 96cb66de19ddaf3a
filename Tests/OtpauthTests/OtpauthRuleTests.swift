import OTPCore
import Otpauth
import Testing

/// Each rule of formats.md §0.2 and §1, on lines made to isolate it.
@Suite struct OtpauthRuleTests {
  let format = OtpauthListFormat()
  static let secret = "JBSWY3DPEHPK3PXP"

  func read(_ text: String) throws -> ReadResult {
    try format.read(InputFile(name: "list.txt", bytes: Array(text.utf8)), context: ReadContext())
  }

  func one(_ uri: String) throws -> Account {
    let result = try read(uri)
    #expect(result.findings.filter { $0.severity == .error }.isEmpty, "\(result.findings)")
    return try #require(result.accounts.first)
  }

  @Test func labelIsPercentDecodedOnceAndPlusStaysLiteral() throws {
    let account = try one("otpauth://totp/Big%20Corp%3A%20alice%40big.example+1?secret=\(Self.secret)")
    #expect(account.issuer == "Big Corp")
    #expect(account.name == "alice@big.example+1")
  }

  @Test func encodedKeysAndValuesOfAnyLengthDecodeAlike() throws {
    // Short decoded values are made on the stack and long ones on the heap: both must decode.
    let long = String(repeating: "%C3%A4+b%2F", count: 3000)
    let account = try one("otpauth://totp/%41cme:bob?%73ecret=\(Self.secret)&digits=%38&x-long=\(long)")
    #expect(account.issuer == "Acme")
    #expect(account.digits == 8)
    #expect(account.secret.revealBase32() == Self.secret)
    #expect(account.extraParameters == [ExtraParameter(name: "x-long", value: String(repeating: "ä b/", count: 3000))])
  }

  @Test func plusIsASpaceInQueryValues() throws {
    let account = try one("otpauth://totp/x?secret=\(Self.secret)&issuer=Air+Canada")
    #expect(account.issuer == "Air Canada")
    #expect(try one("otpauth://totp/x?secret=\(Self.secret)&issuer=ACME%20Co").issuer == "ACME Co")
  }

  @Test func rawSpacesAndHashInTheLabelAreAccepted() throws {
    // Ente builds labels unencoded (formats.md §0.2).
    let account = try one("otpauth://totp/My Shop #2:bob?secret=\(Self.secret)&issuer=My Shop #2")
    #expect(account.issuer == "My Shop #2")
    #expect(account.name == "bob")
  }

  @Test func labelPrefixWithoutIssuerParameterIsTheIssuer() throws {
    let account = try one("otpauth://totp/GitHub:octocat?secret=\(Self.secret)")
    #expect(account.issuer == "GitHub")
    #expect(account.name == "octocat")
    #expect(account.labelIssuer == nil)
  }

  @Test func differingPrefixAndIssuerAreBothKept() throws {
    let account = try one("otpauth://totp/Contoso:alice?secret=\(Self.secret)&issuer=Microsoft")
    #expect(account.issuer == "Microsoft")
    #expect(account.name == "alice")
    #expect(account.labelIssuer == "Contoso")
    #expect(OtpauthURI.format(account).hasPrefix("otpauth://totp/Contoso:alice?"))
    #expect(OtpauthURI.format(account).contains("&issuer=Microsoft&"))
  }

  @Test func issuerParameterWithoutPrefixKeepsTheWholeLabelAsName() throws {
    let account = try one("otpauth://totp/alice@example.com?secret=\(Self.secret)&issuer=Example")
    #expect(account.issuer == "Example")
    #expect(account.name == "alice@example.com")
  }

  @Test func steamHostAndEncoderParameterAreSteam() throws {
    let host = try one("otpauth://steam/Steam:gabe?secret=\(Self.secret)")
    #expect(host.kind == .steam)
    #expect(host.digits == 5)
    let encoder = try one("otpauth://totp/Steam:gabe?secret=\(Self.secret)&encoder=steam&digits=5&issuer=Steam")
    #expect(encoder.kind == .steam)
    #expect(encoder.extraParameters.isEmpty)
    let bare = try one("steam://\(Self.secret)")
    #expect(bare.kind == .steam)
    #expect(bare.issuer == "Steam")
  }

  @Test func yandexAndMobileOTPStayWhatTheyAre() throws {
    let pin = Base32.encode(Array("7586".utf8))
    let yandex = try one("otpauth://yaotp/alice?secret=\(Self.secret)&pin=\(pin)")
    #expect(yandex.kind == .yandex)
    #expect(yandex.issuer == "")  // kept as written, not filled in
    #expect(yandex.pin == Secret(Array("7586".utf8)))
    let motp = try one("motp://VPN:carol?secret=7ac61d4736f51a2b")
    #expect(motp.kind == .motp)
    #expect(motp.algorithm == .md5)
    #expect(motp.period == 10)
    #expect(motp.secret.revealHex() == "7ac61d4736f51a2b")
  }

  @Test func unknownParametersAreKeptInOrder() throws {
    let account = try one("otpauth://totp/x?secret=\(Self.secret)&color=red&image=https%3A%2F%2Fa.example%2Fi.png&Tag=a+b")
    #expect(account.extraParameters == [ExtraParameter(name: "color", value: "red"), ExtraParameter(name: "Tag", value: "a b")])
    #expect(account.icon == "https://a.example/i.png")
    let written = OtpauthURI.format(account)
    #expect(written.hasSuffix("&image=https%3A%2F%2Fa.example%2Fi.png&color=red&Tag=a%20b"))
  }

  @Test func typeAndAlgorithmAreCaseInsensitive() throws {
    let account = try one("OTPAUTH://TOTP/x?secret=\(Self.secret)&algorithm=sha256")
    #expect(account.kind == .totp)
    #expect(account.algorithm == .sha256)
  }

  @Test func badLinesAreFindingsWithLineNumbersAndTheRestConverts() throws {
    let text = """
      # comment
      otpauth://totp/ok1?secret=\(Self.secret)

      otpauth://totp/bad?secret=NOT*BASE32
      otpauth://totp/nosecret?issuer=X
      otpauth://blah/x?secret=\(Self.secret)
      otpauth://totp/digits?secret=\(Self.secret)&digits=twelve
      otpauth://totp/period?secret=\(Self.secret)&period=0
      otpauth://totp/algo?secret=\(Self.secret)&algorithm=MD4
      https://example.com/not-otp
      otpauth://totp/ok2?secret=\(Self.secret)
      """
    let result = try read(text)
    #expect(result.accounts.map(\.name) == ["ok1", "ok2"])
    let skipped = result.findings.filter(\.entrySkipped)
    #expect(skipped.map { $0.origin?.place } == [4, 5, 6, 7, 8, 9, 10].map { Origin.Place.line($0) })
    #expect(
      skipped.map(\.code) == [
        "OTPAUTH_BAD_SECRET", "OTPAUTH_NO_SECRET", "OTPAUTH_UNKNOWN_TYPE", "OTPAUTH_BAD_DIGITS",
        "OTPAUTH_BAD_PERIOD", "OTPAUTH_BAD_ALGORITHM", "OTPAUTH_OTHER_SCHEME",
      ])
    #expect(!result.findings.map(\.description).joined().contains("NOT*BASE32"))
    #expect(result.accounts[1].origin.place == .line(11))
  }

  @Test func byteOrderMarkCRLFAndCRAreFine() throws {
    let text =
      "\u{FEFF}otpauth://totp/a?secret=\(Self.secret)\r\notpauth://totp/b?secret=\(Self.secret)\rotpauth://totp/c?secret=\(Self.secret)\r\n"
    let result = try read(text)
    #expect(result.accounts.map(\.name) == ["a", "b", "c"])
    #expect(result.accounts.map(\.origin.place) == [.line(1), .line(2), .line(3)])
    #expect(result.findings.isEmpty)
  }

  @Test func hotpWithoutCounterAssumesZeroAndSaysSo() throws {
    let result = try read("otpauth://hotp/x?secret=\(Self.secret)")
    #expect(result.accounts.first?.counter == 0)
    #expect(result.findings.count == 1)
    #expect(result.findings.first?.severity == .warning)
  }

  @Test func googleMigrationLinesPointToTheRightFormat() throws {
    let result = try read("otpauth-migration://offline?data=CgYKAQ")
    #expect(result.accounts.isEmpty)
    #expect(result.findings.first?.remedy?.contains("google-migration") == true)
  }

  @Test func notUTF8IsADamagedFileError() {
    #expect(throws: OTPError.self) {
      try format.read(InputFile(name: "x.txt", bytes: [0xff, 0xfe, 0x00, 0x41]), context: ReadContext())
    }
  }

  @Test func sniffing() {
    func sniff(_ text: String, name: String = "f") -> SniffConfidence {
      format.sniff(InputFile(name: name, bytes: Array(text.utf8)))
    }
    #expect(sniff("# list\n\notpauth://totp/x?secret=A") == .certain)
    #expect(sniff("{\"db\": {}}") == .no)
    #expect(sniff("", name: "empty.txt") == .possible)
  }
}

@Suite struct OtpauthClassifiedLineTests {
  @Test func activationLinksAreExplainedNotJustRejected() throws {
    let text = """
      otpauth://totp/ok?secret=JBSWY3DPEHPK3PXP
      phonefactor://activate_account?code=694660881&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivatev2%2F1%2F2
      otpauth://totp/acme.okta.com:bob?issuer=acme.okta.com&t=a&f=b&s=c
      """
    let result = try OtpauthListFormat().read(InputFile(name: "l.txt", bytes: Array(text.utf8)), context: ReadContext())
    #expect(result.accounts.count == 1)
    #expect(result.findings.map(\.code) == ["MS_PUSH_ACTIVATION", "OKTA_PUSH_ENROLMENT"])
    #expect(result.findings.allSatisfy { $0.entrySkipped })
    #expect(result.findings[0].origin?.place == .line(2))
    #expect(result.findings[0].remedy?.contains("I want to use a different authenticator app") == true)
  }
}
