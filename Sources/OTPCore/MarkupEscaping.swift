extension String {
  /// The text with `&`, `<`, `>`, `"` and `'` escaped, for the HTML and XML otpbridge writes
  /// (QR code sheets, tenant reports, PSKC).
  public var markupEscaped: String {
    var output = ""
    output.reserveCapacity(utf8.count)
    for character in self {
      switch character {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&#39;"
      default: output.append(character)
      }
    }
    return output
  }
}

extension String {
  /// The text as a JSON string literal, quotes included, escaped as serde_json does it: `"`, `\`
  /// and control characters only (`\n` and the like, else `\u00xx`); `/` and everything beyond
  /// ASCII stay as they are. For writers that lay out their JSON by hand (Proton).
  public var jsonQuoted: String {
    // Most texts (base64, ids, URIs) need no escape at all.
    if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
      return "\"" + self + "\""
    }
    var output: [UInt8] = [UInt8(ascii: "\"")]
    output.reserveCapacity(utf8.count + 2)
    let hex = Array("0123456789abcdef".utf8)
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case 0x0a: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case 0x0d: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
      case 0x0c: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
      case 0x00..<0x20: output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
      default: output.append(byte)
      }
    }
    output.append(UInt8(ascii: "\""))
    return String(decoding: output, as: UTF8.self)
  }
}
