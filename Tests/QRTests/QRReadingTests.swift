import Foundation
import OTPBridge
import OTPCore
import QRCodes
import TestSupport
import Testing

@testable import QRImage

/// Reading QR images: our own codes at several sizes, a screenshot and a photo of a screen, several
/// codes in one image, and codes nothing reads.
@Suite struct QRReadingTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  let format = QRImageFormat()
  let context = ReadContext(nestedReader: { input, context in
    try Registry.builtIn.reader(for: input, from: nil).read(input, context: context)
  })

  static func fixture(_ name: String) throws -> InputFile {
    let path = fixtures.appendingPathComponent(name).path
    return InputFile(name: name, bytes: Array(try #require(FileManager.default.contents(atPath: path))))
  }

  /// The accounts of Fixtures/accounts.txt, which the image fixtures were made from.
  static func fixtureAccounts() throws -> [Account] {
    let input = try fixture("accounts.txt")
    return try Registry.builtIn.reader(for: input, from: nil).read(input, context: ReadContext()).accounts
  }

  static func sameAccount(_ a: Account, _ b: Account) -> Bool {
    var moved = b
    moved.origin = a.origin
    return moved == a
  }

  func read(_ bytes: [UInt8], name: String = "image.png") throws -> ReadResult {
    try format.read(InputFile(name: name, bytes: bytes), context: context)
  }

  @Test func ourCodesReadBackAtSeveralModuleSizes() throws {
    let account = Account(
      kind: .totp, issuer: "Example Bank", name: "zoë@example.org", secret: Secret(Array(1...20)), algorithm: .sha256,
      digits: 8, origin: Origin(file: "t", place: .whole))
    let code = try QRCode(encoding: OtpauthURI.format(account))
    for scale in [2, 3, 4, 6, 10] {
      let png = try code.png(scale: scale)
      #expect(format.sniff(InputFile(name: "x", bytes: png)) == .certain)
      let result = try read(png)
      #expect(result.findings.isEmpty, "scale \(scale)")
      #expect(result.accounts.count == 1 && Self.sameAccount(account, result.accounts[0]), "scale \(scale)")
    }
  }

  @Test func aFullGoogleCodeReadsBackAtSeveralModuleSizes() throws {
    let accounts = try Self.fixtureAccounts()
    let registry = Registry.builtIn
    let google = try registry.plugin(id: "google-migration")
    let links = String(decoding: try google.write(Array(accounts.prefix(10)), context: WriteContext()).bytes, as: UTF8.self)
    let code = try QRCode(encoding: links.trimmingWhitespace())
    for scale in [2, 3, 5] {
      let result = try read(try code.png(scale: scale))
      #expect(result.findings.isEmpty, "scale \(scale)")
      #expect(
        zip(accounts.prefix(10), result.accounts).allSatisfy(Self.sameAccount) && result.accounts.count == 10, "scale \(scale)")
    }
  }

  /// Issue 3, "Done when": a screenshot of one batch of a three-batch export lists its accounts and
  /// names the missing batches.
  @Test(arguments: ["screenshot-code-1-of-3.png", "photo-of-screen.jpg", "photo-of-screen.heic", "screenshot-code-1-of-3.webp"])
  func oneBatchOfThreeListsItsAccountsAndNamesTheMissingOnes(file: String) throws {
    let input = try Self.fixture(file)
    #expect(format.sniff(input) == .certain)
    let result = try format.read(input, context: context)
    let expected = try Self.fixtureAccounts().prefix(10)
    try #require(result.accounts.count == 10)
    #expect(zip(expected, result.accounts).allSatisfy(Self.sameAccount))
    #expect(result.findings.count == 1)
    let missing = try #require(result.findings.first)
    #expect(missing.code == "GOOGLE_MIGRATION_MISSING_BATCHES")
    #expect(missing.message.contains("QR codes 2 and 3 of 3 are missing (you gave 1)"))
    #expect(missing.entrySkipped)
  }

  @Test func severalCodesInOneImageAreReadTogetherInReadingOrder() throws {
    let accounts = try Self.fixtureAccounts()
    let google = try Registry.builtIn.plugin(id: "google-migration")
    let links = String(decoding: try google.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
      .split(separator: "\n").map(String.init)
    #expect(links.count == 3)
    // The codes side by side, last batch first, plus an otpauth code and a web link below them.
    let otpauth = OtpauthURI.format(accounts[0])
    let images = try (links.reversed() + [otpauth, "https://example.org/help"]).map {
      try GrayImage.decodePNG(try QRCode(encoding: $0).png(scale: 3))
    }
    let side = images.map(\.width).max()!
    var canvas = GrayImage(width: side * 3, height: side * 2, pixels: Array(repeating: 255, count: side * side * 6))
    for (index, image) in images.enumerated() {
      canvas.paste(image, x: (index % 3) * side, y: (index / 3) * side)
    }
    let result = try format.read(canvas, name: "sheet.png", context: context)
    #expect(result.accounts.count == 26)
    #expect(zip(accounts, result.accounts.prefix(25)).allSatisfy(Self.sameAccount))
    #expect(Self.sameAccount(accounts[0], result.accounts[25]))
    #expect(result.findings.map(\.code) == ["QR_UNRECOGNISED"])
    #expect(result.findings.first?.message == "QR code 5 holds a web link")
    #expect(result.findings.first?.origin == Origin(file: "sheet.png", place: .entry(5)))
  }

  @Test func codesNothingReadsAreFindingsThatSayWhatTheyHold() throws {
    let cases = [
      ("ftp://files.example.org/x", "QR code 1 holds a 'ftp' link, which no otpbridge format reads"),
      ("WIFI:S:Home;T:WPA;P:hunter2;;", "QR code 1 holds a Wi-Fi network's settings"),
      ("just some words", "QR code 1 holds 15 characters of text that is not a link otpbridge reads"),
      ("hunter2:more", "QR code 1 holds 12 characters of text that is not a link otpbridge reads"),
    ]
    for (text, message) in cases {
      let result = try read(try QRCode(encoding: text).png(scale: 4))
      #expect(result.accounts.isEmpty)
      #expect(result.findings.map(\.message) == [message])
      #expect(result.findings.allSatisfy { $0.entrySkipped && $0.severity == .error })
      #expect(!result.findings.contains { $0.message.contains("hunter2") })
    }
  }

  @Test func anImageWithoutACodeIsAFinding() throws {
    let blank = GrayImage(width: 300, height: 200, pixels: Array(repeating: 230, count: 300 * 200))
    let result = try format.read(blank, name: "blank.png", context: context)
    #expect(result.accounts.isEmpty)
    #expect(result.findings.map(\.code) == ["QR_NONE_FOUND"])
  }

  @Test func damagedImagesAreCorrupted() throws {
    let png = try QRCode(encoding: "otpauth://totp/x?secret=AAAAAAAA").png(scale: 4)
    let truncatedPNG = Array(png.prefix(png.count / 2))
    let jpeg = try Self.fixture("photo-of-screen.jpg").bytes
    let truncatedJPEG = Array(jpeg.prefix(200))
    let garbageJPEG: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x41, count: 64)
    let heic = try Self.fixture("photo-of-screen.heic").bytes, webp = try Self.fixture("screenshot-code-1-of-3.webp").bytes
    let truncatedHEIC = Array(heic.prefix(heic.count / 3)), truncatedWebP = Array(webp.prefix(webp.count / 3))
    for bytes in [truncatedPNG, truncatedJPEG, garbageJPEG, truncatedHEIC, truncatedWebP] {
      #expect {
        try read(bytes)
      } throws: { error in
        guard case OTPError.corrupted(let file, _, let reason) = error else { return false }
        return file == "image.png" && reason.hasPrefix("the image cannot be decoded")
      }
    }
  }
}

extension GrayImage {
  /// Copies `image` onto this one with its top-left corner at (x, y).
  mutating func paste(_ image: GrayImage, x: Int, y: Int) {
    for row in 0..<image.height {
      for column in 0..<image.width {
        pixels[(y + row) * width + x + column] = image.pixels[row * image.width + column]
      }
    }
  }
}
