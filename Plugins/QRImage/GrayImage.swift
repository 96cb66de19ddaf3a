import CJPEG
import CPNG
import Foundation
import OTPCore

/// An 8-bit grayscale image, one byte a pixel, row after row: what the QR scanner reads.
struct GrayImage {
  var width: Int
  var height: Int
  var pixels: [UInt8]

  enum Kind {
    case png, jpeg

    init?(sniffing bytes: [UInt8]) {
      if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
        self = .png
      } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
        self = .jpeg
      } else {
        return nil
      }
    }
  }

  /// Why an image cannot be decoded, in the library's words.
  struct Failure: Error {
    var reason: String
  }

  /// Images with more pixels are refused from their header, before decoding (docs/limits.md).
  static func decode(_ bytes: [UInt8], kind: Kind, maximumPixels: Int = Limits.standard.imagePixels) throws(Failure) -> GrayImage
  {
    switch kind {
    case .png: return try decodePNG(bytes, maximumPixels: maximumPixels)
    case .jpeg: return try decodeJPEG(bytes, maximumPixels: maximumPixels)
    }
  }

  /// Through libpng's simplified API, as gray and alpha; transparent pixels are laid on white,
  /// as a viewer shows them, so a QR code drawn on a transparent background still reads.
  static func decodePNG(_ bytes: [UInt8], maximumPixels: Int = Limits.standard.imagePixels) throws(Failure) -> GrayImage {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
    guard begun != 0 else { throw Failure(reason: libpngMessage(image)) }
    defer { png_image_free(&image) }
    let width = Int(image.width), height = Int(image.height)
    guard width * height <= maximumPixels else {
      throw Failure(
        reason: "the image is \(width)×\(height) pixels, more than otpbridge's limit of \(maximumPixels) pixels (docs/limits.md)")
    }
    image.format = UInt32(PNG_FORMAT_GA)
    var grayAndAlpha = [UInt8](repeating: 0, count: width * height * 2)
    let finished = grayAndAlpha.withUnsafeMutableBytes {
      png_image_finish_read(&image, nil, $0.baseAddress, 0, nil)
    }
    guard finished != 0 else { throw Failure(reason: libpngMessage(image)) }
    var pixels = [UInt8](repeating: 0, count: width * height)
    for index in 0..<(width * height) {
      let gray = Int(grayAndAlpha[2 * index]), alpha = Int(grayAndAlpha[2 * index + 1])
      pixels[index] = UInt8((gray * alpha + 255 * (255 - alpha)) / 255)
    }
    return GrayImage(width: width, height: height, pixels: pixels)
  }

  static func libpngMessage(_ image: png_image) -> String {
    var message = image.message
    return withUnsafeBytes(of: &message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
  }

  static func decodeJPEG(_ bytes: [UInt8], maximumPixels: Int) throws(Failure) -> GrayImage {
    var pixels: UnsafeMutablePointer<UInt8>?
    var width: UInt32 = 0, height: UInt32 = 0
    var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
    let status = bytes.withUnsafeBufferPointer { buffer in
      cjpeg_decode_gray(buffer.baseAddress, UInt(buffer.count), UInt(maximumPixels), &pixels, &width, &height, &message)
    }
    guard status == 0, let pixels else {
      throw Failure(reason: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    defer { free(pixels) }
    let count = Int(width) * Int(height)
    return GrayImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
  }
}
