import Foundation
import OTPBridge
import OTPCore
import QRCodes
import TestSupport
import Testing

@testable import QRImage

/// The photo sweep of docs/formats/qr.md: a code photographed many ways (turned up to 45°,
/// scaled down, blurred, lit unevenly, JPEG-compressed at quality 20 to 70 by libjpeg's cjpeg,
/// inside a browser page), read by zbar alone and by the `qr` reader's attempts. Each variant is
/// made here, deterministically; the counts are what docs/formats/qr.md reports.
@Suite struct QRSweepTests {
  struct Variant {
    var degrees: Double
    var scale: Double
    var blur: Int
    var light: Double
    var quality: Int?
    var page: Bool
  }

  /// 24 variants: every angle and quality once, each with a different scale, blur and light.
  static let variants: [Variant] = {
    let angles: [Double] = [0, 8, 15, 22, 30, 37, 45, -12]
    let qualities: [Int?] = [nil, 70, 45, 20]
    let scales: [Double] = [1.0, 0.7, 0.5, 0.4]
    return (0..<24).map { index in
      Variant(
        degrees: angles[index % angles.count], scale: scales[(index / 2) % scales.count], blur: index % 3,
        light: index % 4 == 3 ? 0.55 : 0.25, quality: qualities[(index / 3) % qualities.count], page: index % 5 == 4)
    }
  }()

  /// `screen` as a photo of it: `Variant`'s transform, then the JPEG round trip through cjpeg.
  static func photo(of screen: GrayImage, _ variant: Variant) throws -> GrayImage {
    var image = screen
    if variant.page {
      // A browser page around the code: a bar at the top, lines of "text", the code off centre.
      var page = GrayImage(width: screen.width * 2, height: screen.height * 2, pixels: [])
      page.pixels = [UInt8](repeating: 250, count: page.width * page.height)
      for y in 0..<(page.height / 12) { for x in 0..<page.width { page.pixels[y * page.width + x] = 70 } }
      for line in stride(from: page.height / 6, to: page.height, by: page.height / 14) {
        for y in line..<min(page.height, line + 6) {
          for x in (page.width / 20)..<(page.width * 9 / 10) { page.pixels[y * page.width + x] = 150 }
        }
      }
      page.paste(screen, x: page.width / 3, y: page.height / 3)
      image = page
    }
    image = QRPhotoTests.photographed(image, degrees: variant.degrees, scale: variant.scale)
    for _ in 0..<variant.blur { image = image.boxBlurred() }
    image = image.lit(unevenly: variant.light)
    guard let quality = variant.quality else { return image }
    return try jpegRoundTrip(image, quality: quality)
  }

  /// Through files, not pipes: cjpeg writes while it reads, and a large photo would fill a pipe.
  static func jpegRoundTrip(_ image: GrayImage, quality: Int) throws -> GrayImage {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: base + ".pgm") }
    defer { try? FileManager.default.removeItem(atPath: base + ".jpg") }
    let pgm = Array("P5\n\(image.width) \(image.height)\n255\n".utf8) + image.pixels
    try Data(pgm).write(to: URL(fileURLWithPath: base + ".pgm"))
    let run = try Subprocess.run(
      try #require(Subprocess.onPath("cjpeg")),
      ["-quality", String(quality), "-grayscale", "-outfile", base + ".jpg", base + ".pgm"])
    #expect(run.status == 0)
    return try GrayImage.decode(Array(try Data(contentsOf: URL(fileURLWithPath: base + ".jpg"))), kind: .jpeg)
  }

  /// How many of the sweep's photos of `text`'s code zbar alone and the reader decode to `text`.
  /// The code is drawn `pixelsPerModule` wide on the "screen" before it is photographed.
  static func sweep(_ text: String, pixelsPerModule: Int, variants: [Variant]) throws -> (zbar: Int, reader: Int) {
    let screen = try GrayImage.decodePNG(try QRCode(encoding: text).png(scale: pixelsPerModule))
    var counts = (zbar: 0, reader: 0)
    for variant in variants {
      let photo = try photo(of: screen, variant)
      if QRScanner.scanOnce(photo).contains(where: { $0.bytes == Array(text.utf8) }) { counts.zbar += 1 }
      if QRScanner.scan(photo).contains(where: { $0.bytes == Array(text.utf8) }) { counts.reader += 1 }
    }
    return counts
  }

  static func transferLink() throws -> String {
    let input = InputFile(
      name: "accounts.txt",
      bytes: Array(try Data(contentsOf: QRReadingTests.fixtures.appendingPathComponent("accounts.txt"))))
    let accounts = Array(
      try Registry.builtIn.reader(for: input, from: nil).read(input, context: ReadContext()).accounts.prefix(10))
    return String(
      decoding: try Registry.builtIn.plugin(id: "google-migration").write(accounts, context: WriteContext()).bytes, as: UTF8.self
    ).trimmingWhitespace()
  }

  @Test func theReaderDecodesAtLeastWhatZbarDoesAndMostOfTheSweep() throws {
    let account = "otpauth://totp/ACME%20Co:alice@example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co"
    let single = try Self.sweep(account, pixelsPerModule: 8, variants: Self.variants)
    let dense = try Self.sweep(try Self.transferLink(), pixelsPerModule: 5, variants: Array(Self.variants.prefix(16)))
    print(
      "QR sweep: one account \(single.reader)/24 (zbar alone \(single.zbar)); transfer code \(dense.reader)/16 (zbar alone \(dense.zbar))"
    )
    #expect(single.reader >= single.zbar && dense.reader >= dense.zbar)
    #expect(single.reader >= 20, "one account: \(single)")
    #expect(dense.reader >= 5, "transfer code: \(dense)")
  }
}

extension GrayImage {
  /// Each pixel the mean of its 3×3 neighbourhood.
  func boxBlurred() -> GrayImage {
    var result = self
    for y in 1..<(height - 1) {
      for x in 1..<(width - 1) {
        var sum = 0
        for oy in -1...1 { for ox in -1...1 { sum += Int(pixels[(y + oy) * width + x + ox]) } }
        result.pixels[y * width + x] = UInt8(sum / 9)
      }
    }
    return result
  }

  /// Darkened towards the bottom right by up to `strength` (0 to 1), as a lamp or a window lights a screen.
  func lit(unevenly strength: Double) -> GrayImage {
    var result = self
    for y in 0..<height {
      for x in 0..<width {
        let light = 1.0 - strength * Double(x + y) / Double(width + height)
        result.pixels[y * width + x] = UInt8(Double(pixels[y * width + x]) * light)
      }
    }
    return result
  }
}
