import OTPCore

/// Stratum's HTML export: a page with a table whose rows each hold an account's otpauth URI in a
/// `<code>` element (and its QR code as an image). Read only; every URI is read as the otpauth
/// reader reads one line, with the row as its place.
enum StratumHTML {
  static let titles = ["<title>Stratum Backup</title>", "<title>Authenticator Pro Backup</title>"].map { Array($0.utf8) }
  static let codeStart = Array("<code>".utf8)
  static let codeEnd = Array("</code>".utf8)

  static func isHTML(_ bytes: [UInt8]) -> Bool {
    let head = bytes.prefix(4096)
    return titles.contains { head.firstRange(of: $0) != nil }
  }

  static func read(_ input: InputFile) throws -> ReadResult {
    var result = ReadResult(accounts: [])
    var rest = input.bytes[...]
    var index = 0
    while var start = rest.firstRange(of: codeStart) {
      guard let end = rest[start.upperBound...].firstRange(of: codeEnd) else {
        throw OTPError.corrupted(file: input.name, place: "row \(index + 1)", reason: "a <code> element is not closed")
      }
      // Stratum does not escape the issuer and username cells before a row's <code>: a "<code>"
      // in a name must not swallow the URI, so the element is the last <code> before its end.
      while let later = rest[start.upperBound..<end.lowerBound].firstRange(of: codeStart) { start = later }
      index += 1
      let text = unescaped(String(decoding: rest[start.upperBound..<end.lowerBound], as: UTF8.self))
      rest = rest[end.upperBound...]
      let origin = Origin(file: input.name, place: .entry(index))
      result.readEntry(at: origin, noun: "row", classifying: { text }) { warnings throws(EntryProblem) in
        let parsed = try OtpauthURI.parse(text, origin: origin)
        warnings += parsed.warnings
        return parsed.account
      }
    }
    guard index > 0 else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "Stratum's HTML export without a single otpauth URI")
    }
    return result
  }

  /// The five entities an HTML writer uses for text, and numeric ones.
  static func unescaped(_ text: String) -> String {
    guard text.contains("&") else { return text }
    var result = ""
    var rest = text[...]
    while let amp = rest.firstIndex(of: "&") {
      result += rest[..<amp]
      let after = rest[amp...]
      guard let semicolon = after.prefix(10).firstIndex(of: ";") else {
        result.append("&")
        rest = rest[rest.index(after: amp)...]
        continue
      }
      let name = after[after.index(after: amp)..<semicolon]
      let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
      var replacement = named[name]
      if replacement == nil, name.first == "#" {
        let digits = name.dropFirst()
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        replacement = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
      }
      if let replacement {
        result += replacement
        rest = rest[rest.index(after: semicolon)...]
      } else {
        result.append("&")
        rest = rest[rest.index(after: amp)...]
      }
    }
    return result + rest
  }
}
