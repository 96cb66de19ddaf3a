/// The texts of the QR codes of one image, grouped for reading: codes whose texts are one-line
/// links with the same scheme are read as one list, one link a line; any other code alone.
struct QRTextGroup {
  /// The 1-based numbers of the codes, in reading order.
  var numbers: [Int]
  /// The text of each code, by number.
  var texts: [Int: [UInt8]]

  var bytes: [UInt8] {
    Array(numbers.map { texts[$0]! }.joined(separator: [UInt8(ascii: "\n")]))
  }

  static func grouping(_ codes: [[UInt8]]) -> [QRTextGroup] {
    var groups: [QRTextGroup] = []
    var groupOfScheme: [String: Int] = [:]
    for (index, bytes) in codes.enumerated() {
      let number = index + 1
      if let scheme = scheme(of: bytes), !bytes.contains(UInt8(ascii: "\n")) {
        if let position = groupOfScheme[scheme] {
          groups[position].numbers.append(number)
          groups[position].texts[number] = bytes
          continue
        }
        groupOfScheme[scheme] = groups.count
      }
      groups.append(QRTextGroup(numbers: [number], texts: [number: bytes]))
    }
    return groups
  }

  /// The lower-cased URI scheme a text starts with (`otpauth` in `otpauth://…`), if any.
  static func scheme(of bytes: [UInt8]) -> String? {
    guard let text = String(validating: bytes.prefix(64), as: UTF8.self) ?? String(validating: bytes, as: UTF8.self),
      let colon = text.firstIndex(of: ":")
    else { return nil }
    let scheme = text[..<colon]
    guard let first = scheme.first, first.isASCII, first.isLetter,
      scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
    else { return nil }
    return scheme.lowercased()
  }

  /// What an unreadable code holds, without quoting it (it may hold a secret): a known kind of
  /// content by name, else its scheme, else its size.
  static func describe(_ bytes: [UInt8]) -> String {
    let known: [String: String] = [
      "wifi": "a Wi-Fi network's settings",
      "mailto": "an e-mail address",
      "tel": "a telephone number",
      "http": "a web link",
      "https": "a web link",
    ]
    if bytes.starts(with: Array("BEGIN:VCARD".utf8)) { return "a contact card" }
    if let scheme = scheme(of: bytes) {
      if let name = known[scheme] { return name }
      // Quoted only when it is plainly a scheme (`name://`): `word:` may be the start of a password.
      if bytes.dropFirst(scheme.utf8.count).starts(with: Array("://".utf8)) {
        return "a '\(scheme.prefix(32))' link, which no otpbridge format reads"
      }
    }
    if String(validating: bytes, as: UTF8.self) != nil {
      return "\(bytes.count) characters of text that is not a link otpbridge reads"
    }
    return "\(bytes.count) bytes of binary data"
  }
}
