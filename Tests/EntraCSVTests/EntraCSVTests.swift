import EntraCSV
import OTPCore
import TestSupport
import Testing

@Suite struct EntraCSVTests {
  let format = EntraCSVFormat()

  /// Microsoft's own example (microsoft.md §6.1), with a second row at 30 s.
  static let example = """
    upn,serial number,secret key,time interval,manufacturer,model
    Helga@contoso.com,1234567,2234567abcdef2234567abcdef,60,Contoso,HardwareKey
    bob@contoso.com,7654321,JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP,30,Contoso,HardwareKey

    """

  func read(_ text: String) throws -> ReadResult {
    try format.read(InputFile(name: "tokens.csv", bytes: Array(text.utf8)), context: ReadContext())
  }

  @Test func microsoftsExampleReads() throws {
    let input = InputFile(name: "tokens.csv", bytes: Array(Self.example.utf8))
    #expect(format.sniff(input) == .certain)
    let result = try read(Self.example)
    #expect(result.accounts.count == 2)
    let helga = result.accounts[0]
    #expect(helga.name == "Helga@contoso.com" && helga.issuer == "Contoso")
    #expect(helga.kind == .totp && helga.algorithm == .sha1 && helga.digits == 6 && helga.period == 60)
    // Microsoft's lower-case example key reads as base32 in any case.
    #expect(helga.secret.bytes == (try Base32.decode("2234567ABCDEF2234567ABCDEF")))
    #expect(
      helga.extraParameters == [
        ExtraParameter(name: "serial", value: "1234567"), ExtraParameter(name: "model", value: "HardwareKey"),
      ])
    #expect(result.findings.map(\.code) == ["ENTRA_TOKEN_FILE"])
  }

  @Test func headerSpellingIsTolerantButRequired() throws {
    let spaced = " UPN , Serial Number,Secret Key,Time Interval ,Manufacturer,Model\nA@b.c,1,JBSWY3DPEHPK3PXP,30,M,X\n"
    #expect(try read(spaced).accounts.count == 1)
    #expect(throws: OTPError.self) { try read("upn,serial,secret\nA@b.c,1,JBSWY3DP\n") }
  }

  @Test func badRowsAreFindingsWithTheirLines() throws {
    let text = """
      upn,serial number,secret key,time interval,manufacturer,model
      ,1,JBSWY3DPEHPK3PXP,30,M,X
      a@b.c,2,not base32!,30,M,X
      a@b.c,3,JBSWY3DPEHPK3PXP,45,M,X
      a@b.c,4,JBSWY3DPEHPK3PXP,30,M,X
      """
    let result = try read(text)
    #expect(result.accounts.count == 1)
    let skipped = result.findings.filter(\.entrySkipped)
    #expect(skipped.map(\.code) == ["ENTRA_NO_UPN", "ENTRA_BAD_SECRET", "ENTRA_BAD_INTERVAL"])
    #expect(skipped.map { $0.origin?.place } == [2, 3, 4].map { Origin.Place.line($0) })
    #expect(!result.findings.map(\.description).joined().contains("not base32!"))
  }

  @Test(arguments: [1, 40, 300])
  func roundTripsEveryCell(count: Int) throws {
    var accounts = RandomAccounts.make(count: count, fitting: format.descriptor.capabilities, seed: UInt64(count))
    for index in accounts.indices {
      accounts[index].name = "user\(index)@contoso.com"
      accounts[index].extraParameters = [
        ExtraParameter(name: "serial", value: "S\(index)"), ExtraParameter(name: "model", value: "Key"),
      ]
    }
    let written = try format.write(accounts, context: WriteContext())
    let back = try format.read(InputFile(name: "o.csv", bytes: written.bytes), context: ReadContext())
    #expect(back.accounts.count == count)
    expectSameAccounts(accounts, back.accounts)
  }

  @Test func upnOptionNamesEveryRowAndSerialsAreMadeUpWhenMissing() throws {
    let withUPN = EntraCSVFormat(upn: "alice@contoso.com")
    #expect(!withUPN.descriptor.capabilities.fields.contains(.name))
    let accounts = [
      Account(
        kind: .totp, issuer: "GitHub", name: "octo", secret: Secret(Array(0..<20)), origin: Origin(file: "x", place: .entry(1)))
    ]
    let written = try withUPN.write(accounts, context: WriteContext())
    let text = String(decoding: written.bytes, as: UTF8.self)
    #expect(text.hasPrefix("upn,serial number,secret key,time interval,manufacturer,model\r\n"))
    #expect(text.contains("alice@contoso.com,OTPBRIDGE-0001,"))
    #expect(text.hasSuffix(",30,GitHub,software token\r\n"))
    #expect(written.findings.map(\.code) == ["ENTRA_CELLS_FILLED"])
    #expect(written.findings[0].message.contains("upn alice@contoso.com, serial number OTPBRIDGE-0001, model software token"))
    #expect(throws: OTPError.self) { try format.write(accounts, context: WriteContext()) }
  }

  @Test func theLossReportNamesWhatEntraCannotHold() {
    let account = Account(
      kind: .totp, issuer: "X", name: "a@b.c", secret: Secret([1, 2, 3]), algorithm: .sha256, period: 20,
      extraParameters: [ExtraParameter(name: "serial", value: "1"), ExtraParameter(name: "url", value: "https://x")],
      origin: Origin(file: "x", place: .whole))
    let outcome = LossReport(accounts: [account], target: format.descriptor).outcomes[0]
    #expect(outcome.changes.map(\.field.label) == ["algorithm", "period", "extra parameters"])
    #expect(outcome.converted?.extraParameters == [ExtraParameter(name: "serial", value: "1")])
  }
}
