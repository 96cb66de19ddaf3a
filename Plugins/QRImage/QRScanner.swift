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

  /// The codes of `image`, trying what a careful decoder tries, one after the other until one
  /// reads (a clean screenshot reads at the first): the image as it is; black and white at the
  /// threshold that best splits its histogram (Otsu), for dim or washed-out photos; black and
  /// white against the mean of each pixel's neighbourhood, for photos lit unevenly or with glare;
  /// twice the size, for a small code whose modules are a pixel or two (also then against its
  /// neighbourhood's mean); and halves, for photos of
  /// screens whose fine pixel pattern only blurs away smaller. Symbol positions are those of the
  /// image that read, so the reading order holds.
  static func scan(_ image: GrayImage) -> [Symbol] {
    let pixels = image.width * image.height
    let isSmall = pixels <= 1_500_000
    var attempts: [() -> GrayImage?] = [
      { image }, { image.thresholded(at: image.otsuThreshold()) },
      // Its summed-area table takes 8 bytes a pixel: a larger photo gets it at half size below.
      { pixels <= 4_000_000 ? image.adaptivelyThresholded() : nil },
      { isSmall ? image.doubled() : nil }, { isSmall ? image.doubled().adaptivelyThresholded() : nil },
    ]
    // Halves, each made from the one before only when it is tried.
    var smaller = image
    var halves = 0
    while smaller.width >= 400 << halves, smaller.height >= 400 << halves { halves += 1 }
    for _ in 0..<halves {
      attempts.append {
        smaller = smaller.halved()
        return smaller
      }
      attempts.append { smaller.width * smaller.height <= 4_000_000 ? smaller.adaptivelyThresholded() : nil }
    }
    for attempt in attempts {
      guard let candidate = attempt() else { continue }
      let symbols = scanOnce(candidate)
      if !symbols.isEmpty {
        return symbols.sorted { a, b in
          abs(a.y - b.y) < max(a.height, b.height) / 2 ? a.x < b.x : a.y < b.y
        }
      }
    }
    return []
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

  /// The threshold between dark and light that best separates the histogram's two classes
  /// (Otsu's method: the largest variance between them).
  func otsuThreshold() -> UInt8 {
    var histogram = [Int](repeating: 0, count: 256)
    for pixel in pixels { histogram[Int(pixel)] += 1 }
    let total = Double(pixels.count)
    let sumAll = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.element) }
    var (weightDark, sumDark, best, threshold) = (0.0, 0.0, -1.0, 127)
    for level in 0..<256 {
      weightDark += Double(histogram[level])
      guard weightDark > 0, weightDark < total else { continue }
      sumDark += Double(level * histogram[level])
      let meanDark = sumDark / weightDark, meanLight = (sumAll - sumDark) / (total - weightDark)
      let between = weightDark * (total - weightDark) * (meanDark - meanLight) * (meanDark - meanLight)
      if between > best { (best, threshold) = (between, level) }
    }
    return UInt8(threshold)
  }

  /// Black at or below `threshold`, white above.
  func thresholded(at threshold: UInt8) -> GrayImage {
    GrayImage(width: width, height: height, pixels: pixels.map { $0 <= threshold ? 0 : 255 })
  }

  /// Black where a pixel is darker than the mean of the square around it (an eighth of the
  /// image's shorter side) by more than a little, white elsewhere: the threshold follows the light.
  /// Linear in the pixels, through a summed-area table.
  func adaptivelyThresholded() -> GrayImage {
    let radius = max(7, min(width, height) / 16)
    var sums = [Int](repeating: 0, count: (width + 1) * (height + 1))
    for y in 0..<height {
      var row = 0
      for x in 0..<width {
        row += Int(pixels[y * width + x])
        sums[(y + 1) * (width + 1) + x + 1] = sums[y * (width + 1) + x + 1] + row
      }
    }
    var result = [UInt8](repeating: 255, count: pixels.count)
    for y in 0..<height {
      let top = max(0, y - radius), bottom = min(height, y + radius + 1)
      for x in 0..<width {
        let left = max(0, x - radius), right = min(width, x + radius + 1)
        let area = (bottom - top) * (right - left)
        let sum =
          sums[bottom * (width + 1) + right] - sums[top * (width + 1) + right] - sums[bottom * (width + 1) + left]
          + sums[top * (width + 1) + left]
        if Int(pixels[y * width + x]) * area * 100 < sum * 93 { result[y * width + x] = 0 }
      }
    }
    return GrayImage(width: width, height: height, pixels: result)
  }

  /// The image at twice the width and height, sampled bilinearly.
  func doubled() -> GrayImage {
    let newWidth = width * 2, newHeight = height * 2
    var result = [UInt8](repeating: 0, count: newWidth * newHeight)
    for y in 0..<newHeight {
      let sourceY = max(0, Double(y) / 2 - 0.25), y0 = min(Int(sourceY), height - 1), y1 = min(y0 + 1, height - 1)
      let fy = sourceY - Double(y0)
      for x in 0..<newWidth {
        let sourceX = max(0, Double(x) / 2 - 0.25), x0 = min(Int(sourceX), width - 1), x1 = min(x0 + 1, width - 1)
        let fx = sourceX - Double(x0)
        let top = Double(pixels[y0 * width + x0]) * (1 - fx) + Double(pixels[y0 * width + x1]) * fx
        let bottom = Double(pixels[y1 * width + x0]) * (1 - fx) + Double(pixels[y1 * width + x1]) * fx
        result[y * newWidth + x] = UInt8(top * (1 - fy) + bottom * fy)
      }
    }
    return GrayImage(width: newWidth, height: newHeight, pixels: result)
  }
}
