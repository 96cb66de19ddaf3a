import OTPCore
import Otpauth
import TestSupport
import Testing

/// The writer emits the widely compatible form of formats.md §1.4, and reads back to the same accounts.
@Suite struct OtpauthWriterTests {
  let format = OtpauthListFormat()
  static let origin = Origin(file: "t", place: .whole)

  @Test func widelyCompatibleForm() throws {
    let account = Account(
      kind: .totp, issuer: "ACME Co", name: "john.doe@email.com",
      secret: Secret(try Base32.decode("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")), origin: Self.origin)
    #expect(
      OtpauthURI.format(account)
        == "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
    )
  }

  @Test func colonsInsideIssuerOrNameAreEncoded() throws {
    let account = Account(kind: .hotp, issuer: "A:B", name: "c:d", secret: Secret([1, 2, 3]), counter: 5, origin: Self.origin)
    let uri = OtpauthURI.format(account)
    #expect(uri.hasPrefix("otpauth://hotp/A%3AB:c%3Ad?secret="))
    #expect(uri.hasSuffix("&counter=5"))
  }

  @Test func noIssuerMeansNoPrefixAndNoParameter() {
    let account = Account(kind: .totp, name: "solo", secret: Secret([1, 2, 3]), origin: Self.origin)
    let uri = OtpauthURI.format(account)
    #expect(uri.hasPrefix("otpauth://totp/solo?secret="))
    #expect(!uri.contains("issuer="))
  }

  @Test func vectorsRoundTripExactly() throws {
    for file in ["aegis/importers/plain.txt", "stratum/data/urilist.txt", "aegis/importers/ente_auth.txt"] {
      let original = try format.read(try Vectors.input(file), context: ReadContext())
      let written = try format.write(original.accounts, context: WriteContext())
      let back = try format.read(InputFile(name: "out.txt", bytes: written.bytes), context: ReadContext())
      #expect(back.findings.isEmpty)
      #expect(back.accounts.count == original.accounts.count)
      expectSameAccounts(original.accounts, back.accounts)
    }
  }

  @Test func everyKindRoundTrips() throws {
    let accounts = [
      Account(kind: .steam, issuer: "Steam", name: "g", secret: Secret([9, 8, 7]), origin: Self.origin),
      Account(
        kind: .yandex, issuer: "Yandex", name: "y", secret: Secret(Array(0..<16)), pin: Secret(Array("1234".utf8)),
        origin: Self.origin),
      Account(
        kind: .motp, issuer: "VPN", name: "m", secret: Secret([0x7a, 0xc6, 0x1d, 0x47]), pin: Secret(Array("5555".utf8)),
        origin: Self.origin),
      Account(
        kind: .hotp, issuer: "H", name: "h", labelIssuer: "L", secret: Secret([1]), algorithm: .sha512, digits: 8, counter: 99,
        origin: Self.origin),
    ]
    let written = try format.write(accounts, context: WriteContext())
    let back = try format.read(InputFile(name: "o", bytes: written.bytes), context: ReadContext()).accounts
    #expect(back.map(\.kind) == accounts.map(\.kind))
    expectSameAccounts(accounts, back)
  }
}
