import CHeif
import CJPEG
import CPNG
import CWebP
import Foundation
import OTPCore

/// An 8-bit grayscale image, one byte a pixel, row after row: what the QR scanner reads.
struct GrayImage {
  var width: Int
  var height: Int
  var pixels: [UInt8]

  enum Kind {
    case png, jpeg, webp, heif

    /// HEIF brands of still images (the iPhone camera writes `heic`), in the `ftyp` box.
    static let heifBrands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]

    init?(sniffing bytes: [UInt8]) {
      if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
        self = .png
      } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
        self = .jpeg
      } else if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("WEBP".utf8) {
        self = .webp
      } else if bytes.count >= 12, bytes[4..<8].elementsEqual("ftyp".utf8),
        Self.heifBrands.contains(String(decoding: bytes[8..<12], as: UTF8.self))
      {
        self = .heif
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
    case .webp: return try decodeWebP(bytes, maximumPixels: maximumPixels)
    case .heif: return try decodeHEIF(bytes, maximumPixels: maximumPixels)
    }
  }

  static func tooLarge(width: Int, height: Int, maximumPixels: Int) -> Failure {
    Failure(
      reason: "the image is \(width)×\(height) pixels, more than otpbridge's limit of \(maximumPixels) pixels (docs/limits.md)")
  }

  /// ITU-R BT.601 luma.
  static func luma(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
    let weighted: Int = 299 * Int(red) + 587 * Int(green) + 114 * Int(blue)
    return UInt8(weighted / 1000)
  }

  /// Through libwebp, as RGBA laid on white (a transparent screenshot reads like a viewer shows
  /// it) and weighted to luma (ITU-R BT.601).
  static func decodeWebP(_ bytes: [UInt8], maximumPixels: Int) throws(Failure) -> GrayImage {
    var width: Int32 = 0, height: Int32 = 0
    guard WebPGetInfo(bytes, bytes.count, &width, &height) != 0 else {
      throw Failure(reason: "libwebp cannot read the WebP header")
    }
    guard Int(width) * Int(height) <= maximumPixels else {
      throw tooLarge(width: Int(width), height: Int(height), maximumPixels: maximumPixels)
    }
    guard let rgba = WebPDecodeRGBA(bytes, bytes.count, &width, &height) else {
      throw Failure(reason: "libwebp cannot decode the image")
    }
    defer { WebPFree(rgba) }
    let count = Int(width) * Int(height)
    var pixels = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
      let gray = Int(luma(red: rgba[4 * index], green: rgba[4 * index + 1], blue: rgba[4 * index + 2]))
      let alpha = Int(rgba[4 * index + 3])
      pixels[index] = UInt8((gray * alpha + 255 * (255 - alpha)) / 255)
    }
    return GrayImage(width: Int(width), height: Int(height), pixels: pixels)
  }

  /// Through libheif (HEVC by libde265): the primary image, with the rotation and mirroring the
  /// file asks for (an iPhone photo taken sideways), as its luma plane.
  static func decodeHEIF(_ bytes: [UInt8], maximumPixels: Int) throws(Failure) -> GrayImage {
    func failure(_ error: heif_error) -> Failure {
      Failure(reason: "libheif: \(error.message.map { String(cString: $0) } ?? "error \(error.code.rawValue)")")
    }
    guard let context = heif_context_alloc() else { throw Failure(reason: "libheif cannot start") }
    defer { heif_context_free(context) }
    var error = bytes.withUnsafeBytes { heif_context_read_from_memory(context, $0.baseAddress, $0.count, nil) }
    guard error.code == heif_error_Ok else { throw failure(error) }
    var handle: OpaquePointer?
    error = heif_context_get_primary_image_handle(context, &handle)
    guard error.code == heif_error_Ok, let handle else { throw failure(error) }
    defer { heif_image_handle_release(handle) }
    let width = Int(heif_image_handle_get_width(handle)), height = Int(heif_image_handle_get_height(handle))
    guard width * height <= maximumPixels else { throw tooLarge(width: width, height: height, maximumPixels: maximumPixels) }
    // In its own colour space (YCbCr for a camera's photo, whose Y plane is the luma), else as RGB.
    var image: OpaquePointer?
    error = heif_decode_image(handle, &image, heif_colorspace_undefined, heif_chroma_undefined, nil)
    guard error.code == heif_error_Ok, let native = image else { throw failure(error) }
    defer { heif_image_release(native) }
    // A 10- or 12-bit photo goes the RGB way, which libheif gives at 8 bits.
    if heif_image_has_channel(native, heif_channel_Y) != 0, heif_image_get_bits_per_pixel_range(native, heif_channel_Y) == 8 {
      return try plane(of: native, channel: heif_channel_Y, bytesPerPixel: 1)
    }
    var rgbImage: OpaquePointer?
    error = heif_decode_image(handle, &rgbImage, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nil)
    guard error.code == heif_error_Ok, let rgb = rgbImage else { throw failure(error) }
    defer { heif_image_release(rgb) }
    return try plane(of: rgb, channel: heif_channel_interleaved, bytesPerPixel: 3)
  }

  /// One 8-bit plane of a decoded HEIF image as gray: the luma plane as it is, interleaved RGB
  /// weighted to luma.
  static func plane(of image: OpaquePointer, channel: heif_channel, bytesPerPixel: Int) throws(Failure) -> GrayImage {
    guard heif_image_get_bits_per_pixel_range(image, channel) == 8 else {
      throw Failure(reason: "the image has more than 8 bits a colour, which otpbridge does not read")
    }
    var stride: Int32 = 0
    guard let plane = heif_image_get_plane_readonly(image, channel, &stride) else {
      throw Failure(reason: "libheif gave no image plane")
    }
    let planeWidth = Int(heif_image_get_width(image, channel)), planeHeight = Int(heif_image_get_height(image, channel))
    var pixels = [UInt8](repeating: 0, count: planeWidth * planeHeight)
    for row in 0..<planeHeight {
      let start = row * Int(stride)
      for column in 0..<planeWidth {
        let at = start + column * bytesPerPixel
        pixels[row * planeWidth + column] =
          bytesPerPixel == 1 ? plane[at] : luma(red: plane[at], green: plane[at + 1], blue: plane[at + 2])
      }
    }
    return GrayImage(width: planeWidth, height: planeHeight, pixels: pixels)
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
