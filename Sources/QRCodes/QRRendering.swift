import CPNG

/// The ways a QR code is drawn: PNG, SVG and Unicode half blocks for a terminal.
extension QRCode {
  /// Light modules around the code that scanners need to find it; the standard asks for 4.
  public static let quietZone = 4

  /// A grayscale PNG, `scale` pixels a module, with the quiet zone, through libpng.
  public func png(scale: Int = 8) throws(Failure) -> [UInt8] {
    let side = (size + 2 * Self.quietZone) * scale
    var pixels = [UInt8](repeating: 255, count: side * side)
    for y in 0..<size {
      for x in 0..<size where isDark(x: x, y: y) {
        for row in 0..<scale {
          let start = ((y + Self.quietZone) * scale + row) * side + (x + Self.quietZone) * scale
          for column in start..<(start + scale) { pixels[column] = 0 }
        }
      }
    }
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(side)
    image.height = UInt32(side)
    image.format = UInt32(PNG_FORMAT_GRAY)
    var length = 0
    // The first call measures, the second writes.
    guard pixels.withUnsafeBytes({ png_image_write_to_memory(&image, nil, &length, 0, $0.baseAddress, 0, nil) }) != 0 else {
      throw Failure(description: "libpng could not make the PNG")
    }
    var output = [UInt8](repeating: 0, count: length)
    let written = output.withUnsafeMutableBytes { memory in
      pixels.withUnsafeBytes { png_image_write_to_memory(&image, memory.baseAddress, &length, 0, $0.baseAddress, 0, nil) }
    }
    guard written != 0 else { throw Failure(description: "libpng could not make the PNG") }
    return Array(output.prefix(length))
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
