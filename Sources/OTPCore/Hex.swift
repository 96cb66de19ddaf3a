import OTPJSON

/// Hex text: read in either case, written in lower case (as Aegis, mOTP and UUIDs have it).
public enum Hex {
  public static func decode(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
      guard let high = HexDigit.value(digits[index]), let low = HexDigit.value(digits[index + 1]) else { return nil }
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
      text.append(HexDigit.lower[Int(byte >> 4)])
      text.append(HexDigit.lower[Int(byte & 0x0f)])
    }
  }
}
