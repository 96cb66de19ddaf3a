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
    let side = size + 2 * Self.quietZone
    var path = ""
    for y in 0..<size {
      var x = 0
      while x < size {
        guard isDark(x: x, y: y) else {
          x += 1
          continue
        }
        var run = 1
        while isDark(x: x + run, y: y) { run += 1 }
        path += "M\(x + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
        x += run
      }
    }
    return """
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(side * pixelsPerModule)" \
      height="\(side * pixelsPerModule)" shape-rendering="crispEdges">\
      <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
      """
  }

  /// Two rows of modules a line in Unicode half blocks (▀ ▄ █), drawn black on white with ANSI
  /// colours so that the code scans on light and dark terminals alike. A quiet zone of 2 modules
  /// is enough for phone scanners on a screen, and keeps the code small.
  public func terminal() -> String {
    let border = 2
    let range = -border..<(size + border)
    var lines: [String] = []
    for top in stride(from: range.lowerBound, to: range.upperBound, by: 2) {
      var line = "\u{1B}[30;107m"  // black on bright white
      for x in range {
        let upper = isDark(x: x, y: top), lower = top + 1 < range.upperBound && isDark(x: x, y: top + 1)
        switch (upper, lower) {
        case (true, true): line += "█"
        case (true, false): line += "▀"
        case (false, true): line += "▄"
        case (false, false): line += " "
        }
      }
      lines.append(line + "\u{1B}[0m")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
