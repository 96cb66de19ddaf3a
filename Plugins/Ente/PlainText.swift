import Foundation
import OTPCore

/// The plain-text export (formats.md §9.1): one otpauth URI per line, each with Ente's
/// `codeDisplay` JSON parameter. `pinned`, `tags` and `note` become favourite, groups and note;
/// the other codeDisplay keys that differ from Ente's defaults (`trashed`, `position`, icon
/// choices, usage counts) stay in an extra parameter named `codeDisplay` that the writer merges
/// back, so an Ente → Ente conversion keeps them.
enum PlainText {
  static let codeDisplay = "codeDisplay"

  static func read(_ text: String, file: String) -> ReadResult {
    var result = ReadResult(accounts: [])
    for (index, line) in lines(of: text).enumerated() {
      let trimmed = unquoted(line.trimmingWhitespace())
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let origin = Origin(file: file, place: .line(index + 1))
      result.readEntry(at: origin, noun: "line") { warnings throws(EntryProblem) in
        let parsed = try OtpauthURI.parse(withoutAlgorithmPrefix(trimmed), origin: origin)
        warnings += parsed.warnings
        var account = parsed.account
        applyEnteLabelRules(&account, warnings: &warnings)
        applyCodeDisplay(&account, warnings: &warnings)
        return account
      }
    }
    return result
  }

  /// The text's lines, split at `\n` as bytes (a `\r` before it is trimmed with the line's other
  /// whitespace); split as Characters only for a file with lone `\r` line breaks. Walking a
  /// large export Character by Character was a quarter of reading it.
  static func lines(of text: String) -> [Substring] {
    let utf8 = text.utf8
    guard utf8.contains(UInt8(ascii: "\n")) || !utf8.contains(UInt8(ascii: "\r")) else {
      return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }
    return utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
  }

  /// Ente's `Code.toOTPAuthUrlFormat()` gives each URI as a JSON string literal, quotes and all;
  /// older automatic backups encrypted those lines as they were (formats.md §9.2).
  static func unquoted(_ line: String) -> String {
    guard line.count >= 2, line.hasPrefix("\""), line.hasSuffix("\""),
      let text = (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed)) as? String
    else { return line }
    return text
  }

  /// Old Ente data stores `algorithm=Algorithm.sha256` (formats.md §9.1).
  static func withoutAlgorithmPrefix(_ line: String) -> String {
    // Foundation's case-insensitive replace goes through CFString: a third of reading a line,
    // when almost no line has the prefix. A byte search finds the few that do.
    guard mayHaveAlgorithmPrefix(line) else { return line }
    return line.replacingOccurrences(of: "algorithm=Algorithm.", with: "algorithm=", options: .caseInsensitive)
  }

  /// Whether `algorithm=Algorithm.` is in the line, in any ASCII case.
  static func mayHaveAlgorithmPrefix(_ line: String) -> Bool {
    let wanted: StaticString = "algorithm=algorithm."
    var line = line
    return line.withUTF8 { bytes in
      bytes.count >= wanted.utf8CodeUnitCount
        && (0...(bytes.count - wanted.utf8CodeUnitCount)).contains { start in
          bytes.part(start..<(start + wanted.utf8CodeUnitCount)).equalsASCIICaseInsensitive(wanted)
        }
    }
  }

  /// Ente's own label reading (ente code.dart, formats.md §1.4): an issuer glued to a stray
  /// `period=` is cut there, and a label starting with `ISSUER:` names the account after it even
  /// when the issuer itself holds a colon.
  static func applyEnteLabelRules(_ account: inout Account, warnings: inout [EntryProblem]) {
    if let glued = account.issuer.range(of: "period=") {
      account.issuer = String(account.issuer[..<glued.lowerBound])
      warnings.append(
        EntryProblem(EnteCode.issuerPeriod, "the issuer had a stray 'period=' glued to it, which was cut off as Ente does"))
    }
    if let prefix = account.labelIssuer {
      let label = prefix + ":" + account.name
      if !account.issuer.isEmpty, label.hasPrefix(account.issuer + ":") {
        account.name = String(label.dropFirst(account.issuer.count + 1))
        account.labelIssuer = nil
      }
    }
  }

  static func applyCodeDisplay(_ account: inout Account, warnings: inout [EntryProblem]) {
    guard let position = account.extraParameters.firstIndex(where: { $0.name == codeDisplay }) else { return }
    let raw = account.extraParameters.remove(at: position).value
    // Ente decodes the parameter and then also turns a literal "%2C" back into "," (code_display.dart).
    // Foundation's replace bridges to NSString; most values have no "%" at all.
    let json = raw.utf8.contains(UInt8(ascii: "%")) ? raw.replacingOccurrences(of: "%2C", with: ",") : raw
    guard let data = json.data(using: .utf8),
      var display = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    else {
      warnings.append(
        EntryProblem(
          EnteCode.badCodeDisplay,
          "the codeDisplay parameter is not a JSON object; Ente's note, tags and pin for this entry were not read"))
      return
    }
    if let pinned = display.removeValue(forKey: "pinned") as? Bool { account.favorite = pinned }
    if let tags = display.removeValue(forKey: "tags") as? [String] { account.groups = tags }
    if let note = display.removeValue(forKey: "note") as? String { account.note = note }
    if display["trashed"] as? Bool == true {
      warnings.append(EntryProblem(EnteCode.trashed, "the entry is in Ente's trash; it was read like the others"))
    }
    for (key, value) in display where isEnteDefault(key: key, value: value) {
      display.removeValue(forKey: key)
    }
    if !display.isEmpty, let kept = serialise(display) {
      account.extraParameters.append(ExtraParameter(name: codeDisplay, value: kept))
    }
  }

  /// The values `CodeDisplay()` has when nothing was set (code_display.dart).
  static func isEnteDefault(key: String, value: Any) -> Bool {
    switch key {
    case "trashed": return value as? Bool == false
    case "lastUsedAt", "tapCount", "position": return (value as? NSNumber)?.int64Value == 0
    case "iconSrc", "iconID": return value as? String == ""
    default: return false
    }
  }

  static func serialise(_ object: [String: Any]) -> String? {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  static func write(_ accounts: [Account]) -> String {
    var text = ""
    for account in accounts {
      text += OtpauthURI.format(withCodeDisplay(account))
      text += "\n"
    }
    return text
  }

  /// The account with its codeDisplay parameter rebuilt from note, groups and favourite, on top
  /// of whatever other codeDisplay keys it came with.
  static func withCodeDisplay(_ account: Account) -> Account {
    var display: [String: Any] = [:]
    var copy = account
    if let position = copy.extraParameters.firstIndex(where: { $0.name == codeDisplay }) {
      let kept = copy.extraParameters.remove(at: position).value
      if let data = kept.data(using: .utf8), let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
        display = object
      }
    }
    display["pinned"] = account.favorite
    display["tags"] = account.groups
    display["note"] = account.note
    for (key, value) in [("trashed", false as Any), ("lastUsedAt", 0), ("tapCount", 0)] where display[key] == nil {
      display[key] = value
    }
    copy.extraParameters.append(ExtraParameter(name: codeDisplay, value: serialise(display) ?? "{}"))
    return copy
  }
}

/// The findings the Ente Auth reader reports (docs/audit.md lists their meanings).
enum EnteCode: String, FindingCode {
  case badCodeDisplay = "ENTE_BAD_CODE_DISPLAY"
  case issuerPeriod = "ENTE_ISSUER_PERIOD"
  case trashed = "ENTE_TRASHED"
}
