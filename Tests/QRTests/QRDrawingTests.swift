import Foundation
import OTPBridge
import OTPCore
import QRCodes
import TestSupport
import Testing

@testable import QRImage

/// Issue 24, drawing QR codes: every PNG that `--qr png` writes is 1 bit a pixel, holds exactly the
/// code's modules, and scans to its exact text with zbarimg (Debian zbar-tools, installed by
/// scripts/bootstrap.sh: required, never skipped) and with our own qr reader.
///
/// The codes hold secrets (fake ones here, but the rule holds): failures name the file, never the
/// text, so comparisons are made into a Bool before they are expected.
@Suite struct QRDrawingTests {
  /// A short otpauth code and a full Google transfer code (10 accounts, about 1,000 bytes: the
  /// largest codes `--qr` draws by default), so that small and large versions are both covered.
  /// (One transfer code: a batch read on its own would rightly report the others missing.)
  static func sample() throws -> (accounts: [Account], uris: [String]) {
    let google = try Registry.builtIn.plugin(id: "google-migration")
    let accounts = RandomAccounts.make(count: 11, fitting: google.descriptor.capabilities, seed: 24)
    let links = String(decoding: try google.write(Array(accounts.prefix(10)), context: WriteContext()).bytes, as: UTF8.self)
      .split(separator: "\n").map(String.init)
    precondition(links.count == 1)
    return (accounts, [OtpauthURI.format(accounts[10])] + links)
  }

  /// What the IHDR chunk, which must come first, says of a PNG: width, height, bit depth, colour type.
  static func header(_ png: [UInt8]) -> (width: Int, height: Int, bitDepth: UInt8, colorType: UInt8)? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard png.count >= 33, png.starts(with: signature), png[8..<16].elementsEqual([0, 0, 0, 13] + Array("IHDR".utf8)) else {
      return nil
    }
    func bigEndian(_ offset: Int) -> Int { png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (bigEndian(16), bigEndian(20), png[24], png[25])
  }

  /// What `convert --to google-migration --qr KIND DIR` writes for `uris` (the same QROutput the
  /// command calls), in a new folder the caller removes.
  static func drawn(_ uris: [String], as kind: (String) -> QROutput) throws -> (
    folder: String, sheet: QRSheet, files: [(path: String, bytes: [UInt8])]
  ) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-draw-\(UUID().uuidString)").path
    let sheet = try QROutput.sheet(for: Array(uris.joined(separator: "\n").utf8), format: "google-migration")
    let output = kind(folder)
    let files = try output.files(for: sheet, title: "t")
    try output.write(files, force: false)
    return (folder, sheet, files)
  }

  /// An image read by our qr reader, its codes' text by whichever format recognises it.
  static func readQR(_ input: InputFile) throws -> ReadResult {
    let context = ReadContext(nestedReader: { input, context in
      try Registry.builtIn.reader(for: input, from: nil).read(input, context: context)
    })
    return try Registry.builtIn.plugin(id: "qr").read(input, context: context)
  }

  /// Runs the Debian tool `name` (scripts/debian-packages.txt: bootstrap installs it, so a missing
  /// one fails the test rather than skipping it) and returns its exit status and standard output.
  static func run(_ name: String, package: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
    let tool = try #require(Subprocess.onPath(name), "\(name) is missing: run `make bootstrap` (Debian package \(package))")
    let run = try Subprocess.run(tool, arguments)
    return (run.status, run.stdout)
  }

  /// The texts zbarimg finds in the image at `path`, one a line (`--raw`: the data alone), or nil
  /// when it exits with an error or finds nothing.
  static func zbarimgTexts(_ path: String) throws -> [String]? {
    let (status, output) = try run("zbarimg", package: "zbar-tools", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path])
    guard status == 0 else { return nil }
    return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
  }

  /// The SVG file at `path` drawn by librsvg (rsvg-convert) into a PNG at `png`, `width` pixels wide.
  static func rasterise(svg path: String, to png: String, width: Int) throws {
    let (status, _) = try run("rsvg-convert", package: "librsvg2-bin", ["--width", "\(width)", "-o", png, path])
    try #require(status == 0, "rsvg-convert could not draw \(path)")
  }

  @Test(arguments: [1, 2, 3, 5, 8])
  func pngIsOneBitGrayAndHoldsExactlyTheModules(scale: Int) throws {
    for uri in try Self.sample().uris.prefix(2) {
      let code = try QRCode(encoding: uri)
      let png = try code.png(scale: scale)
      let side = (code.size + 2 * QRCode.quietZone) * scale
      let header = try #require(Self.header(png), "no IHDR first")
      #expect(header.width == side && header.height == side)
      #expect(header.bitDepth == 1, "bits a pixel")
      #expect(header.colorType == 0, "grayscale")
      // Every pixel is black where its module is dark and white elsewhere, quiet zone included.
      let image = try GrayImage.decodePNG(png)
      var wrong = 0
      for y in 0..<side {
        for x in 0..<side {
          let dark = code.isDark(x: x / scale - QRCode.quietZone, y: y / scale - QRCode.quietZone)
          if image.pixels[y * side + x] != (dark ? 0 : 255) { wrong += 1 }
        }
      }
      #expect(wrong == 0, "pixels unlike their module at scale \(scale)")
    }
  }

  @Test func qrPNGFilesAreOneBitAndScanWithZbarimgAndOurReader() throws {
    let (accounts, uris) = try Self.sample()
    let (folder, _, files) = try Self.drawn(uris, as: QROutput.png(folder:))
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try #require(files.count == uris.count)

    var readBack: [Account] = []
    for (number, (file, uri)) in zip(files, uris).enumerated() {
      let bytes = Array(try #require(FileManager.default.contents(atPath: file.path)))
      let header = try #require(Self.header(bytes), "file \(number + 1): no IHDR first")
      #expect(header.bitDepth == 1 && header.colorType == 0, "file \(number + 1): not 1-bit gray")
      let scanned = try Self.zbarimgTexts(file.path)
      let zbarimgReadIt = scanned == [uri]
      #expect(zbarimgReadIt, "file \(number + 1): zbarimg did not read its text back exactly")
      let result = try Self.readQR(InputFile(name: file.path, bytes: bytes))
      #expect(result.findings.isEmpty, "file \(number + 1): \(result.findings.map(\.code))")
      readBack += result.accounts
    }
    // The otpauth code first, then the transfer code of 10 accounts.
    let expected = [accounts[10]] + accounts.prefix(10)
    let differences = accountDifferences(readBack, expected)
    #expect(differences.isEmpty, "\(differences)")
  }

  /// `--qr svg` files and the codes of a `--qr html` page, drawn by a real SVG renderer (librsvg)
  /// at a phone screen's size, scan to their exact text with zbarimg and with our reader.
  @Test func svgFilesAndTheHTMLPageScanOnceDrawnByLibrsvg() throws {
    let uris = try Self.sample().uris
    let (folder, sheet, files) = try Self.drawn(uris, as: QROutput.svg(folder:))
    defer { try? FileManager.default.removeItem(atPath: folder) }
    // The page's inline SVGs, each saved as a file of its own to draw.
    let page = String(decoding: sheet.htmlBytes(title: "t"), as: UTF8.self)
    let inline = page.matches(of: /<svg [^>]*>.*?<\/svg>/).map { String($0.output) }
    try #require(files.count == uris.count && inline.count == uris.count)
    var drawings: [(svg: String, uri: String)] = zip(files, uris).map { ($0.path, $1) }
    for (number, (svg, uri)) in zip(inline, uris).enumerated() {
      let path = "\(folder)/page-\(number + 1).svg"
      try Data(svg.utf8).write(to: URL(fileURLWithPath: path))
      drawings.append((path, uri))
    }
    for (number, drawing) in drawings.enumerated() {
      let png = "\(folder)/drawn-\(number + 1).png"
      try Self.rasterise(svg: drawing.svg, to: png, width: 600)
      let zbarimgReadIt = try Self.zbarimgTexts(png) == [drawing.uri]
      #expect(zbarimgReadIt, "drawing \(number + 1): zbarimg did not read its text back exactly")
      let bytes = Array(try #require(FileManager.default.contents(atPath: png)))
      let result = try Self.readQR(InputFile(name: png, bytes: bytes))
      let oursReadIt = result.findings.isEmpty && result.accounts.count == (number % uris.count == 0 ? 1 : 10)
      #expect(oursReadIt, "drawing \(number + 1): our reader did not read its accounts")
    }
  }

  /// The comparison with zbarimg can fail: an image of another code reads as that code, not ours.
  @Test func zbarimgTellsAnotherCodeFromOurs() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-draw-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let uris = try Self.sample().uris
    try Data(try QRCode(encoding: uris[0]).png()).write(to: URL(fileURLWithPath: "\(folder)/a.png"))
    let other = try Self.zbarimgTexts("\(folder)/a.png")
    let readOther = other == [uris[1]]
    #expect(!readOther)
    #expect(other?.count == 1)
  }

  @Test func svgAndHTMLAreTheBytesOfTheirText() throws {
    let uris = try Self.sample().uris
    let code = try QRCode(encoding: uris[1])
    var bytes: [UInt8] = Array("prefix".utf8)
    code.appendSVG(to: &bytes)
    #expect(bytes == Array(("prefix" + code.svg()).utf8))
    let sheet = try #require(try QRSheet(uriList: Array(uris.joined(separator: "\n").utf8)))
    #expect(sheet.htmlBytes(title: "<3 codes>") == Array(sheet.html(title: "<3 codes>").utf8))
    // One path of runs: every dark module is in exactly one run, and no run covers a light one.
    let svg = code.svg()
    var covered = [Int](repeating: 0, count: code.size * code.size)
    for run in svg.matches(of: /M(\d+) (\d+)h(\d+)v1h-(\d+)z/) {
      let x = Int(run.1)! - QRCode.quietZone, y = Int(run.2)! - QRCode.quietZone, length = Int(run.3)!
      #expect(run.3 == run.4)
      for column in x..<(x + length) { covered[y * code.size + column] += 1 }
    }
    let exact = (0..<(code.size * code.size)).allSatisfy { covered[$0] == (code.modules[$0] ? 1 : 0) }
    #expect(exact)
  }
}
