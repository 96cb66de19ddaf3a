import Foundation
import OTPBridge
import OTPCore
import QRCodes
import TestSupport
import Testing

@testable import QRImage

/// Codes that went through what a phone camera does to a screen: scaled, slightly rotated, blurred
/// and unevenly lit, made here from our own PNG with a small transform (the JPEG step is covered by
/// Fixtures/photo-of-screen.jpg).
@Suite struct QRPhotoTests {
  /// `image` turned by `degrees` and scaled by `scale` around its centre onto a gray background,
  /// sampled bilinearly, then box-blurred and darkened towards the bottom right.
  static func photographed(_ image: GrayImage, degrees: Double, scale: Double) -> GrayImage {
    let width = Int(Double(image.width) * scale * 1.2), height = Int(Double(image.height) * scale * 1.2)
    let angle = degrees * .pi / 180
    let (cosine, sine) = (cos(angle), sin(angle))
    var turned = [UInt8](repeating: 200, count: width * height)
    for y in 0..<height {
      for x in 0..<width {
        let dx = Double(x) - Double(width) / 2, dy = Double(y) - Double(height) / 2
        let sourceX = (cosine * dx + sine * dy) / scale + Double(image.width) / 2
        let sourceY = (-sine * dx + cosine * dy) / scale + Double(image.height) / 2
        guard sourceX >= 0, sourceY >= 0, sourceX < Double(image.width - 1), sourceY < Double(image.height - 1) else { continue }
        let x0 = Int(sourceX), y0 = Int(sourceY)
        let fx = sourceX - Double(x0), fy = sourceY - Double(y0)
        func at(_ x: Int, _ y: Int) -> Double { Double(image.pixels[y * image.width + x]) }
        let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
        let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
        turned[y * width + x] = UInt8(top * (1 - fy) + bottom * fy)
      }
    }
    var result = GrayImage(width: width, height: height, pixels: turned)
    for y in 1..<(height - 1) {
      for x in 1..<(width - 1) {
        var sum = 0
        for oy in -1...1 { for ox in -1...1 { sum += Int(turned[(y + oy) * width + x + ox]) } }
        let light = 1.0 - 0.35 * Double(x + y) / Double(width + height)
        result.pixels[y * width + x] = UInt8(Double(sum) / 9 * light)
      }
    }
    return result
  }

  @Test(arguments: [(-6.0, 0.8), (-2.5, 1.0), (3.0, 1.3), (5.0, 0.9)])
  func aPhotographedCodeStillReads(degrees: Double, scale: Double) throws {
    let input = InputFile(
      name: "accounts.txt",
      bytes: Array(
        try #require(
          FileManager.default.contents(
            atPath: QRReadingTests.fixtures.appendingPathComponent("accounts.txt").path))))
    let accounts = Array(
      try Registry.builtIn.reader(for: input, from: nil).read(input, context: ReadContext()).accounts.prefix(10))
    let link = String(
      decoding: try Registry.builtIn.plugin(id: "google-migration").write(accounts, context: WriteContext()).bytes, as: UTF8.self)
    let screen = try GrayImage.decodePNG(try QRCode(encoding: link.trimmingWhitespace()).png(scale: 4))
    let photo = Self.photographed(screen, degrees: degrees, scale: scale)
    let context = ReadContext(nestedReader: { input, context in
      try Registry.builtIn.reader(for: input, from: nil).read(input, context: context)
    })
    let result = try QRImageFormat().read(photo, name: "photo", context: context)
    #expect(result.findings.isEmpty)
    #expect(result.accounts.count == 10)
    #expect(zip(accounts, result.accounts).allSatisfy(QRReadingTests.sameAccount))
  }
}
