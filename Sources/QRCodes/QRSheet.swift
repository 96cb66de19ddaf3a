import OTPCore

/// The QR codes of a writer's output, one a line of URIs, each with the label a person sees next
/// to it: the account for an otpauth URI, the batch for a Google transfer link.
public struct QRSheet: Sendable {
  public struct Entry: Sendable {
    public var label: String
    public var text: String
    public var code: QRCode
    /// The accounts the code holds, by name, when it holds more than the label says (a Google
    /// transfer code holds up to 10).
    public var accounts: [String] = []
  }

  public var entries: [Entry]

  /// The columns a code takes on a terminal: the code and its quiet border (`terminal()`).
  public static func terminalColumns(of code: QRCode) -> Int { code.size + 4 }

  /// The codes for `output`, which must be URIs, one a line; nil when it is not (a JSON or an
  /// encrypted file cannot be shown as QR codes). `accountsIn` names the accounts a transfer
  /// link holds.
  public init?(uriList output: [UInt8], accountsIn: (String) -> [String] = { _ in [] }) throws(QRCode.Failure) {
    guard let text = String(validating: output, as: UTF8.self) else { return nil }
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    guard lines.allSatisfy(Self.isURI) else { return nil }
    let migrationLinks = lines.filter { $0.lowercased().hasPrefix("otpauth-migration:") }.count
    var entries: [Entry] = []
    var migrationNumber = 0
    for (index, line) in lines.enumerated() {
      let label: String
      if line.lowercased().hasPrefix("otpauth-migration:") {
        migrationNumber += 1
        label = "Google Authenticator transfer, code \(migrationNumber) of \(migrationLinks)"
      } else if let parsed = try? OtpauthURI.parse(line, origin: Origin(file: "-", place: .line(index + 1))) {
        label = parsed.account.displayName
      } else {
        label = "code \(index + 1) of \(lines.count)"
      }
      do {
        let accounts = line.lowercased().hasPrefix("otpauth-migration:") ? accountsIn(line) : []
        entries.append(Entry(label: label, text: line, code: try QRCode(encoding: line), accounts: accounts))
      } catch {
        throw QRCode.Failure(description: "\(label): \(error.description)")
      }
    }
    self.entries = entries
  }

  static func isURI(_ line: String) -> Bool {
    guard let range = line.range(of: "://") else { return false }
    let scheme = line[..<range.lowerBound]
    return !scheme.isEmpty && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }
  }

  /// A file name for each code: its number and its label, in characters every file system takes.
  public var fileNames: [String] {
    let digits = String(entries.count).count
    return entries.enumerated().map { index, entry in
      let number = String(index + 1)
      let padded = String(repeating: "0", count: digits - number.count) + number
      var slug = ""
      for character in entry.label {
        if character.isASCII, character.isLetter || character.isNumber {
          slug.append(character)
        } else if !slug.hasSuffix("-") {
          slug.append("-")
        }
      }
      slug = String(slug.prefix(60)).trimmingCharacters(in: "-")
      return slug.isEmpty ? padded : "\(padded)-\(slug)"
    }
  }

  /// One self-contained page to print: every code as inline SVG with its label beneath, no
  /// scripts, fonts or images from elsewhere.
  public func html(title: String) -> String {
    String(decoding: htmlBytes(title: title), as: UTF8.self)
  }

  /// The page of `html(title:)` as UTF-8, built in one buffer: each code's SVG is drawn straight
  /// into it.
  public func htmlBytes(title: String) -> [UInt8] {
    let escapedTitle = title.markupEscaped
    var bytes: [UInt8] = []
    bytes.reserveCapacity(1500 + entries.reduce(0) { $0 + 400 + 4 * $1.code.size * $1.code.size })
    bytes.append(
      contentsOf: """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escapedTitle)</title>
        <style>
          body { font-family: sans-serif; margin: 1.5em; }
          .warning { border: 2px solid #b00; padding: 0.5em 1em; }
          main { display: flex; flex-wrap: wrap; gap: 1.5em; }
          figure { margin: 0; text-align: center; page-break-inside: avoid; break-inside: avoid; }
          figure svg { width: 60mm; height: auto; }
          figcaption { max-width: 60mm; overflow-wrap: anywhere; margin-top: 0.3em; }
          figcaption ul { text-align: left; font-size: 0.85em; margin: 0.3em 0 0; padding-left: 1.2em; }
        </style>
        </head>
        <body>
        <h1>\(escapedTitle)</h1>
        <p class="warning">These codes hold two-factor secrets. Whoever scans them can make your codes: \
        scan them, then shred the paper or delete this file.</p>
        <main>

        """.utf8)
    for entry in entries {
      bytes.append(contentsOf: "  <figure>".utf8)
      entry.code.appendSVG(to: &bytes, pixelsPerModule: 4)
      bytes.append(contentsOf: "<figcaption>".utf8)
      bytes.append(contentsOf: entry.label.markupEscaped.utf8)
      if !entry.accounts.isEmpty {
        bytes.append(contentsOf: "<ul>".utf8)
        for account in entry.accounts { bytes.append(contentsOf: "<li>\(account.markupEscaped)</li>".utf8) }
        bytes.append(contentsOf: "</ul>".utf8)
      }
      bytes.append(contentsOf: "</figcaption></figure>\n".utf8)
    }
    bytes.append(contentsOf: "</main>\n</body>\n</html>\n".utf8)
    return bytes
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: String) -> String {
    var result = Substring(self)
    while let first = result.first, set.contains(first) { result = result.dropFirst() }
    while let last = result.last, set.contains(last) { result = result.dropLast() }
    return String(result)
  }
}
