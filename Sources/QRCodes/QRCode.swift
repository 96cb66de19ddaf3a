import CQREncode
import Foundation

/// One QR code made by libqrencode: a square of dark and light modules.
public struct QRCode: Sendable {
  /// Modules a side, without the quiet zone.
  public let size: Int
  /// Row after row, true for a dark module.
  public let modules: [Bool]

  /// Why a text cannot become a QR code.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// Encodes `text` as bytes with error correction level M, which survives a smudge or a glare
  /// and still fits about 2,300 bytes.
  public init(encoding text: String) throws(Failure) {
    guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
      if errno == ERANGE {
        throw Failure(description: "\(text.utf8.count) bytes are too many for one QR code")
      }
      throw Failure(description: "libqrencode could not make a QR code: \(String(cString: strerror(errno)))")
    }
    defer { QRcode_free(code) }
    let width = Int(code.pointee.width)
    size = width
    modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
  }

  public func isDark(x: Int, y: Int) -> Bool {
    x >= 0 && y >= 0 && x < size && y < size && modules[y * size + x]
  }
}
