import CZBar

/// Finds every QR code in a grayscale image with zbar, in reading order (top to bottom, then left
/// to right), and gives the bytes each one holds, unconverted.
enum QRScanner {
  struct Symbol {
    var bytes: [UInt8]
    /// The top-left corner of the code's outline, for reading order.
    var x: Int
    var y: Int
    var height: Int
  }

  static func scan(_ image: GrayImage) -> [Symbol] {
    var symbols = scanOnce(image)
    // Photos of screens with a fine pattern of pixels sometimes read only at a smaller size, where
    // the pattern blurs away; try halves until something reads or the code would be too small.
    var smaller = image
    while symbols.isEmpty, smaller.width >= 400, smaller.height >= 400 {
      smaller = smaller.halved()
      symbols = scanOnce(smaller)
    }
    return symbols.sorted { a, b in
      abs(a.y - b.y) < max(a.height, b.height) / 2 ? a.x < b.x : a.y < b.y
    }
  }

  static func scanOnce(_ image: GrayImage) -> [Symbol] {
    guard let scanner = zbar_image_scanner_create() else { return [] }
    defer { zbar_image_scanner_destroy(scanner) }
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
    // The bytes as they are, without zbar guessing a text encoding.
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)
    guard let zbarImage = zbar_image_create() else { return [] }
    defer { zbar_image_destroy(zbarImage) }
    zbar_image_set_format(zbarImage, fourcc("Y800"))
    zbar_image_set_size(zbarImage, UInt32(image.width), UInt32(image.height))
    var symbols: [Symbol] = []
    image.pixels.withUnsafeBytes { buffer in
      // zbar only reads the pixels during the scan below; no cleanup handler, the array owns them.
      zbar_image_set_data(zbarImage, buffer.baseAddress, UInt(buffer.count), nil)
      guard zbar_scan_image(scanner, zbarImage) > 0 else { return }
      var symbol = zbar_image_first_symbol(zbarImage)
      while let current = symbol {
        if zbar_symbol_get_type(current) == ZBAR_QRCODE, let data = zbar_symbol_get_data(current) {
          let length = Int(zbar_symbol_get_data_length(current))
          let bytes = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
          }
          let points = (0..<zbar_symbol_get_loc_size(current)).map {
            (x: Int(zbar_symbol_get_loc_x(current, $0)), y: Int(zbar_symbol_get_loc_y(current, $0)))
          }
          let ys = points.map(\.y)
          symbols.append(
            Symbol(
              bytes: bytes, x: points.map(\.x).min() ?? 0, y: ys.min() ?? 0,
              height: (ys.max() ?? 0) - (ys.min() ?? 0)))
        }
        symbol = zbar_symbol_next(current)
      }
      zbar_image_set_data(zbarImage, nil, 0, nil)
    }
    return symbols
  }

  static func fourcc(_ code: String) -> UInt {
    code.utf8.reversed().reduce(0) { $0 << 8 | UInt($1) }
  }
}

extension GrayImage {
  /// The image at half the width and height, each pixel the mean of four.
  func halved() -> GrayImage {
    let newWidth = width / 2, newHeight = height / 2
    var result = [UInt8](repeating: 0, count: newWidth * newHeight)
    for y in 0..<newHeight {
      for x in 0..<newWidth {
        let top = 2 * y * width + 2 * x, bottom = top + width
        let sum = Int(pixels[top]) + Int(pixels[top + 1]) + Int(pixels[bottom]) + Int(pixels[bottom + 1])
        result[y * newWidth + x] = UInt8(sum / 4)
      }
    }
    return GrayImage(width: newWidth, height: newHeight, pixels: result)
  }
}
