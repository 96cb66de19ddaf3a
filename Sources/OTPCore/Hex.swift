/// Hex text: read in either case, written in lower case (as Aegis, mOTP and UUIDs have it).
public enum Hex {
  public static func decode(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
      guard let high = digitValue(digits[index]), let low = digitValue(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }

  public static func encode(_ bytes: some Sequence<UInt8>) -> String {
    var text: [UInt8] = []
    encode(bytes, into: &text)
    return String(decoding: text, as: UTF8.self)
  }

  /// `encode`, appending the digits to `text`.
  public static func encode(_ bytes: some Sequence<UInt8>, into text: inout [UInt8]) {
    for byte in bytes {
      text.append(lowerDigits[Int(byte >> 4)])
      text.append(lowerDigits[Int(byte & 0x0f)])
    }
  }

  static let lowerDigits = Array("0123456789abcdef".utf8)

  /// The value of one hex digit, or nil.
  static func digitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
