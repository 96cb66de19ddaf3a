import Foundation
import OTPCore

/// One `otpauth-migration://offline?data=…` link and the payload bytes it carries (formats.md §2.1).
enum MigrationLink {
  static let scheme: StaticString = "otpauth-migration://"

  /// Compares only the scheme's bytes, in any case: a link holds kilobytes of base64.
  static func isLink(_ text: some StringProtocol) -> Bool {
    Array(text.utf8.prefix(scheme.utf8CodeUnitCount)).withUnsafeBufferPointer(isLink)
  }

  static func isLink(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.count >= scheme.utf8CodeUnitCount && bytes.part(..<scheme.utf8CodeUnitCount).equalsASCIICaseInsensitive(scheme)
  }

  /// The protobuf bytes of a link. The base64 may arrive percent-encoded (what Google writes), with
  /// raw `+ / =` (what QR readers hand over), with each `+` turned into a space by a form decoder,
  /// percent-encoded twice, or in the URL-safe alphabet; all of them are read. Problems never
  /// quote the payload: it holds secrets. Works on the link's bytes: a file of 10,000 links is
  /// 13 MB of base64.
  static func payloadBytes(of link: UnsafeBufferPointer<UInt8>) throws(EntryProblem) -> [UInt8] {
    guard isLink(link) else {
      let start = String(decoding: link.prefix(64), as: UTF8.self)
      let scheme = start.range(of: "://").map { String(start[..<$0.lowerBound].prefix(32)) }
      throw EntryProblem(
        GoogleMigrationCode.notALink,
        scheme.map { "a '\($0)' link, not a Google Authenticator transfer link" } ?? "not a Google Authenticator transfer link",
        remedy: "read otpauth:// lines with --from otpauth")
    }
    guard let queryStart = link.firstIndex(of: UInt8(ascii: "?")),
      let pair = link[(queryStart + 1)...].split(separator: UInt8(ascii: "&")).first(where: isDataParameter)
    else {
      throw EntryProblem(GoogleMigrationCode.noData, "the transfer link has no data parameter")
    }
    var value = Array(pair.dropFirst(dataPrefix.count))
    // Base64 holds no `%`, so decoding until none is left undoes single and double encoding.
    for _ in 0..<3 where value.contains(UInt8(ascii: "%")) {
      value = value.withUnsafeBufferPointer { PercentEncoding.withDecoded($0, plusIsSpace: false, Array.init) }
    }
    guard let bytes = base64Decoded(value), !bytes.isEmpty else {
      throw EntryProblem(GoogleMigrationCode.badBase64, "the data parameter is not base64")
    }
    return bytes
  }

  static let dataPrefix = Array("data=".utf8)

  /// `data=…`, the name in any case.
  static func isDataParameter(_ pair: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
    pair.count >= dataPrefix.count && zip(pair, dataPrefix).allSatisfy { $0 | 0x20 == $1 }
  }

  /// The link for a payload, in the form Google Authenticator writes: standard base64 with `=`
  /// padding, and `+ / =` percent-encoded.
  static func link(for payload: [UInt8]) -> String {
    var link = Array("\(scheme)offline?data=".utf8)
    for byte in Data(payload).base64EncodedData() {
      switch byte {
      case UInt8(ascii: "+"): link += "%2B".utf8
      case UInt8(ascii: "/"): link += "%2F".utf8
      case UInt8(ascii: "="): link += "%3D".utf8
      default: link.append(byte)
      }
    }
    return String(decoding: link, as: UTF8.self)
  }

  static func base64Decoded(_ text: [UInt8]) -> [UInt8]? {
    var normalised: [UInt8] = []
    normalised.reserveCapacity(text.count + 3)
    for byte in text {
      switch byte {
      // A space is a form decoder's `+`; `-` and `_` are the URL-safe alphabet's `+` and `/`.
      case UInt8(ascii: " "), UInt8(ascii: "-"): normalised.append(UInt8(ascii: "+"))
      case UInt8(ascii: "_"): normalised.append(UInt8(ascii: "/"))
      case UInt8(ascii: "="): break  // padding is added back below, however much arrived
      case 0x0d, 0x0a, 0x09: break
      default: normalised.append(byte)
      }
    }
    while normalised.count % 4 != 0 { normalised.append(UInt8(ascii: "=")) }
    return Data(base64Encoded: Data(normalised)).map(Array.init)
  }
}
