import Foundation
import OTPBridge
import OTPCore
import QRCodes
import TestSupport
import Testing

@testable import QRImage

/// `convert --qr`: each drawing holds exactly the code's modules, and the files follow the output rules.
@Suite struct QRRenderingTests {
  static let uri =
    "otpauth://totp/ACME%20Co:alice@example.org?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"

  /// The text of the only code in `image`, read with the qr plugin's scanner.
  static func scanned(_ image: GrayImage) -> String? {
    let symbols = QRScanner.scan(image)
    return symbols.count == 1 ? String(decoding: symbols[0].bytes, as: UTF8.self) : nil
  }

  /// Draws an SVG of ours (`M x y h n v1 h-n z` runs on a white square) at `scale` pixels a unit.
  static func rasterise(svg: String, scale: Int) throws -> GrayImage {
    let viewBox = try #require(svg.firstMatch(of: /viewBox="0 0 (\d+) (\d+)"/))
    let side = Int(viewBox.1)! * scale
    var image = GrayImage(width: side, height: side, pixels: Array(repeating: 255, count: side * side))
    for run in svg.matches(of: /M(\d+) (\d+)h(\d+)v1h-\d+z/) {
      let x = Int(run.1)!, y = Int(run.2)!, length = Int(run.3)!
      for row in (y * scale)..<((y + 1) * scale) {
        for column in (x * scale)..<((x + length) * scale) { image.pixels[row * side + column] = 0 }
      }
    }
    return image
  }

  @Test func pngHoldsTheCode() throws {
    let code = try QRCode(encoding: Self.uri)
    let image = try GrayImage.decodePNG(try code.png(scale: 5))
    #expect(image.width == (code.size + 2 * QRCode.quietZone) * 5)
    #expect(Self.scanned(image) == Self.uri)
  }

  @Test func svgHoldsTheCode() throws {
    let code = try QRCode(encoding: Self.uri)
    let svg = code.svg()
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(Self.scanned(try Self.rasterise(svg: svg, scale: 4)) == Self.uri)
  }

  @Test func terminalHalfBlocksHoldEveryModule() throws {
    let code = try QRCode(encoding: Self.uri)
    let lines = code.terminal().split(separator: "\n").map {
      String($0).replacingOccurrences(of: "\u{1B}[30;107m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "")
    }
    #expect(lines.count == (code.size + 4 + 1) / 2)
    for (row, line) in lines.enumerated() {
      for (column, character) in line.enumerated() {
        let x = column - 2, top = 2 * row - 2
        let expected: Character
        switch (code.isDark(x: x, y: top), code.isDark(x: x, y: top + 1)) {
        case (true, true): expected = "█"
        case (true, false): expected = "▀"
        case (false, true): expected = "▄"
        case (false, false): expected = " "
        }
        #expect(character == expected)
      }
    }
  }

  @Test func sheetLabelsAccountsAndBatches() throws {
    let google = "otpauth-migration://offline?data=ChgKCkhlbGxvId6tvu8SBE5hbWUgASgBMAIQAhgBIAA%3D"
    let sheet = try #require(try QRSheet(uriList: Array("\(Self.uri)\n\(google)\n\(google)\n".utf8)))
    #expect(
      sheet.entries.map(\.label) == [
        "ACME Co (alice@example.org)", "Google Authenticator transfer, code 1 of 2", "Google Authenticator transfer, code 2 of 2",
      ])
    #expect(
      sheet.fileNames == [
        "1-ACME-Co-alice-example-org", "2-Google-Authenticator-transfer-code-1-of-2",
        "3-Google-Authenticator-transfer-code-2-of-2",
      ])
    #expect(try QRSheet(uriList: Array("{\"db\": 1}".utf8)) == nil)
  }

  @Test func htmlIsOneSelfContainedPageWithEveryCodeAndLabel() throws {
    let uris = [Self.uri, "otpauth://totp/%3Cb%3E:x?secret=JBSWY3DPEHPK3PXP&issuer=%3Cb%3E"]
    let sheet = try #require(try QRSheet(uriList: Array(uris.joined(separator: "\n").utf8)))
    let html = sheet.html(title: "2 accounts")
    #expect(html.components(separatedBy: "<svg ").count == 3)
    #expect(html.contains("<figcaption>ACME Co (alice@example.org)</figcaption>"))
    #expect(html.contains("<figcaption>&lt;b&gt; (x)</figcaption>"))
    #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
    // Every code on the page scans back to its URI.
    let svgs = html.matches(of: /<svg [^>]*>.*?<\/svg>/).map { String($0.output) }
    #expect(try svgs.map { Self.scanned(try Self.rasterise(svg: $0, scale: 3)) } == uris)
  }

  @Test func filesAreWrittenPrivatelyAndNeverOverAnExistingOneUnasked() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let sheet = try QROutput.sheet(for: Array("\(Self.uri)\n\(Self.uri)\n".utf8), format: "otpauth")
    let output = QROutput.png(folder: folder)
    let files = try output.files(for: sheet, title: "t")
    try output.write(files, force: false)
    for file in files {
      let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
    #expect((try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int) == 0o700)
    #expect(throws: OTPError.outputExists(path: files[0].path)) { try output.write(files, force: false) }
    try output.write(files, force: true)
    #expect(throws: OTPError.self) { try QROutput.sheet(for: Array("{}".utf8), format: "aegis") }
    #expect(throws: OTPError.self) { try QROutput(arguments: ["png"]) }
    #expect(try QROutput(arguments: ["terminal"]) == .terminal)
  }
}
