import Foundation

/// One `otpauth-migration://offline?data=…` link and the payload bytes it carries (formats.md §2.1).
enum MigrationLink {
  static let scheme = "otpauth-migration://"

  /// Why a line is not a usable transfer link. Messages never quote the payload: it holds secrets.
  struct Problem: Error {
    var code: String
    var message: String
  }

  static func isLink(_ text: some StringProtocol) -> Bool {
    text.lowercased().hasPrefix(scheme)
  }

  /// The protobuf bytes of a link. The base64 may arrive percent-encoded (what Google writes), with
  /// raw `+ / =` (what QR readers hand over), with each `+` turned into a space by a form decoder,
  /// percent-encoded twice, or in the URL-safe alphabet; all of them are read.
  static func payloadBytes(of link: String) throws(Problem) -> [UInt8] {
    guard isLink(link) else {
      let scheme = link.range(of: "://").map { String(link[..<$0.lowerBound].prefix(32)) }
      throw Problem(
        code: "GOOGLE_MIGRATION_NOT_A_LINK",
        message: scheme.map { "a '\($0)' link, not a Google Authenticator transfer link" }
          ?? "not a Google Authenticator transfer link")
    }
    guard let queryStart = link.firstIndex(of: "?") else {
      throw Problem(code: "GOOGLE_MIGRATION_NO_DATA", message: "the transfer link has no data parameter")
    }
    let pairs = link[link.index(after: queryStart)...].split(separator: "&")
    guard let pair = pairs.first(where: { $0.lowercased().hasPrefix("data=") }) else {
      throw Problem(code: "GOOGLE_MIGRATION_NO_DATA", message: "the transfer link has no data parameter")
    }
    var value = String(pair.dropFirst("data=".count))
    // Base64 holds no `%`, so decoding until none is left undoes single and double encoding.
    for _ in 0..<3 where value.contains("%") {
      value = percentDecoded(value)
    }
    guard let bytes = base64Decoded(value), !bytes.isEmpty else {
      throw Problem(code: "GOOGLE_MIGRATION_BAD_BASE64", message: "the data parameter is not base64")
    }
    return bytes
  }

  /// The link for a payload, in the form Google Authenticator writes: standard base64 with `=`
  /// padding, and `+ / =` percent-encoded.
  static func link(for payload: [UInt8]) -> String {
    var data = ""
    for character in Data(payload).base64EncodedString() {
      switch character {
      case "+": data += "%2B"
      case "/": data += "%2F"
      case "=": data += "%3D"
      default: data.append(character)
      }
    }
    return scheme + "offline?data=" + data
  }

  static func base64Decoded(_ text: String) -> [UInt8]? {
    var normalised = ""
    normalised.reserveCapacity(text.utf8.count + 3)
    for character in text {
      switch character {
      case " ", "-": normalised.append("+")  // a form decoder's `+` → space; the URL-safe alphabet
      case "_": normalised.append("/")
      case "=": break  // padding is added back below, however much arrived
      case "\r", "\n", "\t": break
      default: normalised.append(character)
      }
    }
    while normalised.utf8.count % 4 != 0 { normalised.append("=") }
    return Data(base64Encoded: normalised).map(Array.init)
  }

  /// `%XX` decoded; a `%` without two hex digits after it stays as it is.
  static func percentDecoded(_ text: String) -> String {
    let utf8 = Array(text.utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(utf8.count)
    var index = 0
    while index < utf8.count {
      if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
        let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
      {
        bytes.append(high << 4 | low)
        index += 3
      } else {
        bytes.append(utf8[index])
        index += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
