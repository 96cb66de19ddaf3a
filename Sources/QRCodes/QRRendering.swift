import CPNGWrite

#if canImport(Glibc)
  import Glibc
#endif

/// The ways a QR code is drawn: PNG, SVG and Unicode half blocks for a terminal.
extension QRCode {
  /// Light modules around the code that scanners need to find it; the standard asks for 4.
  public static let quietZone = 4

  /// A black and white PNG, 1 bit a pixel, `scale` pixels a module, with the quiet zone. Each
  /// row of modules is packed into bits once, `scale` pixels a module; libpng (through CPNGWrite,
  /// which catches its longjmp errors) writes that row `scale` times and deflates the image once.
  public func png(scale: Int = 8) throws(Failure) -> [UInt8] {
    precondition(scale >= 1, "a module is at least one pixel")
    let modulesWide = size + 2 * Self.quietZone
    let width = modulesWide * scale
    let stride = (width + 7) / 8
    // 1 is white: every bit starts white (the quiet zone, the light modules, the bits that pad a
    // row to whole bytes), and the dark modules' pixels are cleared.
    var rows = [UInt8](repeating: 0xFF, count: stride * modulesWide)
    rows.withUnsafeMutableBufferPointer { rows in
      modules.withUnsafeBufferPointer { modules in
        for y in 0..<size {
          let row = (y + Self.quietZone) * stride
          for x in 0..<size where modules[y * size + x] {
            let first = (x + Self.quietZone) * scale
            for pixel in first..<(first + scale) { rows[row + pixel >> 3] &= ~(0x80 >> UInt8(pixel & 7)) }
          }
        }
      }
    }
    var output: UnsafeMutablePointer<UInt8>?
    var length = 0
    var message = [CChar](repeating: 0, count: Int(CPNGWRITE_MESSAGE_SIZE))
    let status = rows.withUnsafeBufferPointer { rows in
      cpngwrite_gray1(
        rows.baseAddress, stride, UInt32(width), UInt32(modulesWide), UInt32(scale), &output, &length, &message)
    }
    guard status == 0, let output else {
      throw Failure(description: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { free(output) }
    return Array(UnsafeBufferPointer(start: output, count: length))
  }

  /// An SVG drawing: one path of unit squares on a white background, scalable without blur.
  public func svg(pixelsPerModule: Int = 8) -> String {
    var bytes: [UInt8] = []
    appendSVG(to: &bytes, pixelsPerModule: pixelsPerModule)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The SVG drawing of `svg(pixelsPerModule:)` as UTF-8, appended to `bytes`: written straight
  /// into the bytes of a file or a page, with no String in between. Each run of dark modules in a
  /// row is one square `M x y h n v1 h-n z`.
  public func appendSVG(to bytes: inout [UInt8], pixelsPerModule: Int = 8) {
    let side = size + 2 * Self.quietZone
    bytes.reserveCapacity(bytes.count + 300 + 4 * size * size)  // about 16 bytes a run, a run every 4 modules
    bytes.append(contentsOf: #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#.utf8)
    bytes.appendDecimal(side)
    bytes.append(UInt8(ascii: " "))
    bytes.appendDecimal(side)
    bytes.append(contentsOf: #"" width=""#.utf8)
    bytes.appendDecimal(side * pixelsPerModule)
    bytes.append(contentsOf: #"" height=""#.utf8)
    bytes.appendDecimal(side * pixelsPerModule)
    bytes.append(contentsOf: #"" shape-rendering="crispEdges"><rect width=""#.utf8)
    bytes.appendDecimal(side)
    bytes.append(contentsOf: #"" height=""#.utf8)
    bytes.appendDecimal(side)
    bytes.append(contentsOf: ##"" fill="#fff"/><path fill="#000" d=""##.utf8)
    modules.withUnsafeBufferPointer { modules in
      for y in 0..<size {
        let row = y * size
        var x = 0
        while x < size {
          guard modules[row + x] else {
            x += 1
            continue
          }
          var run = 1
          while x + run < size && modules[row + x + run] { run += 1 }
          bytes.append(UInt8(ascii: "M"))
          bytes.appendDecimal(x + Self.quietZone)
          bytes.append(UInt8(ascii: " "))
          bytes.appendDecimal(y + Self.quietZone)
          bytes.append(UInt8(ascii: "h"))
          bytes.appendDecimal(run)
          bytes.append(contentsOf: "v1h-".utf8)
          bytes.appendDecimal(run)
          bytes.append(UInt8(ascii: "z"))
          x += run
        }
      }
    }
    bytes.append(contentsOf: #""/></svg>"#.utf8)
  }

  /// Two rows of modules a line in Unicode half blocks (▀ ▄ █), drawn black on white with ANSI
  /// colours so that the code scans on light and dark terminals alike. A quiet zone of 2 modules
  /// is enough for phone scanners on a screen, and keeps the code small. Without `colours`
  /// (NO_COLOR), the blocks are drawn in the terminal's own colours: dark on light scans as
  /// drawn, light on dark only with scanners that read inverted codes.
  public func terminal(colours: Bool = true) -> String {
    let border = 2
    let range = -border..<(size + border)
    var lines: [String] = []
    for top in stride(from: range.lowerBound, to: range.upperBound, by: 2) {
      var line = colours ? "\u{1B}[30;107m" : ""  // black on bright white
      for x in range {
        let upper = isDark(x: x, y: top), lower = top + 1 < range.upperBound && isDark(x: x, y: top + 1)
        switch (upper, lower) {
        case (true, true): line += "█"
        case (true, false): line += "▀"
        case (false, true): line += "▄"
        case (false, false): line += " "
        }
      }
      lines.append(colours ? line + "\u{1B}[0m" : line)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension [UInt8] {
  /// Appends `value` (not negative) in decimal digits.
  mutating func appendDecimal(_ value: Int) {
    guard value >= 10 else {
      append(UInt8(ascii: "0") + UInt8(value))
      return
    }
    appendDecimal(value / 10)
    append(UInt8(ascii: "0") + UInt8(value % 10))
  }
}
