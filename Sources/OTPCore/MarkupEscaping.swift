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
