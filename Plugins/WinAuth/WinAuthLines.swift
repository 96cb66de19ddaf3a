import Foundation
import OTPCore
import OTPJSON

/// The lines of WinAuth's export, read and written (WinAuthFormat says what they hold).
enum WinAuthLines {
  /// The parameters that hold a Steam authenticator's own data, taken out of a line before the
  /// otpauth parser reads the rest.
  static let steamParameters: Set<String> = ["data", "deviceid"]

  static func read(_ bytes: [UInt8], file: String) throws -> ReadResult {
    guard var text = String(validating: bytes, as: UTF8.self) else {
      throw OTPError.corrupted(file: file, place: nil, reason: "the file is not UTF-8 text")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    var result = ReadResult(accounts: [])
    // WinAuth writes CRLF; a file edited elsewhere may have LF or CR.
    for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let origin = Origin(file: file, place: .line(index + 1))
      result.readEntry(at: origin, noun: "line", classifying: { line }) { warnings throws(EntryProblem) in
        try account(line, origin: origin, warnings: &warnings)
      }
    }
    return result
  }

  /// The label prefixes that make a line one of WinAuth's own kinds, as its import reads them.
  static let kindPrefixes: Set<String> = ["steam", "battlenet", "trion"]

  static func account(_ line: String, origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem) -> Account {
    // WinAuth reads a '#' before the query as part of the label and drops a fragment after it.
    let question = line.firstIndex(of: "?") ?? line.endIndex
    var head = String(line[..<question])
    var query = line[question...].dropFirst()
    if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
    // The label, where WinAuth reads '+' as a space, and its prefix, which alone says the kind
    // (WinAuth never reads issuer=).
    var prefix = ""
    if let scheme = head.range(of: "://"), let slash = head[scheme.upperBound...].firstIndex(of: "/") {
      let label = head[head.index(after: slash)...]
      let decoded = PercentEncoding.decode(String(label), plusIsSpace: true)
      if let colon = decoded.firstIndex(of: ":") { prefix = decoded[..<colon].lowercased() }
      head =
        String(head[...slash])
        + label.replacingOccurrences(of: "+", with: "%20").replacingOccurrences(of: "#", with: "%23")
    }
    // The Steam parameters out, the rest to the otpauth parser.
    var steam: [String: String] = [:]
    var kept: [Substring] = []
    for parameter in query.split(separator: "&") {
      let name = parameter.prefix { $0 != "=" }.lowercased()
      if steamParameters.contains(name) {
        steam[name] = PercentEncoding.decode(String(parameter.dropFirst(name.count + 1)), plusIsSpace: true)
      } else {
        kept.append(parameter)
      }
    }
    let uri = head + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    let parsed = try OtpauthURI.parse(uri, origin: origin)
    warnings += parsed.warnings
    var account = parsed.account
    switch prefix {
    case "steam":
      return try steamAccount(
        account, data: steam["data"], deviceID: steam["deviceid"], origin: origin, warnings: &warnings)
    case "battlenet":
      account.issuer = "Battle.net"
      account.labelIssuer = nil
      return account
    case "trion":
      throw EntryProblem(
        WinAuthCode.trion, "a Glyph (Trion) authenticator: WinAuth makes its codes in Trion's own way, which no other app does",
        remedy: "Set up the Glyph account again with the new app, or keep WinAuth for it.")
    default:
      guard steam.isEmpty else {
        throw EntryProblem(
          WinAuthCode.badLine, "the line carries Steam's data (data=, deviceid=) but its label does not start with Steam:")
      }
      return account
    }
  }

  /// A Steam line: the secret from `secret=` (base32), the rest from `data=` (Steam's JSON).
  static func steamAccount(
    _ parsed: Account, data: String?, deviceID: String?, origin: Origin, warnings: inout [EntryProblem]
  ) throws(EntryProblem) -> Account {
    var steamData = SteamGuardData()
    if let data, !data.isEmpty {
      do {
        steamData = try JSONTapeDecoder().decode(SteamGuardData.self, from: Array(data.utf8))
      } catch {
        throw EntryProblem(WinAuthCode.badSteamData, "the Steam line's data= is not Steam's authenticator JSON")
      }
    }
    if let shared = steamData.shared_secret?.text, let bytes = Data(base64Encoded: shared), Array(bytes) != parsed.secret.bytes {
      warnings.append(
        EntryProblem(
          WinAuthCode.steamSecretsDiffer,
          "the Steam line's data= holds another shared secret than its secret=; secret= is read, as WinAuth does"))
    }
    var account = try steamData.account(secret: parsed.secret, origin: origin, badSecret: WinAuthCode.badSteamData)
    account.name = parsed.name
    if let deviceID, !deviceID.isEmpty, !account.extraParameters.contains(where: { $0.name == "device_id" }) {
      account.extraParameters.append(ExtraParameter(name: "device_id", value: deviceID))
    }
    account.extraParameters += parsed.extraParameters.filter { $0.name.lowercased() == "icon" }
    return account
  }

  // MARK: Writing

  /// The first line otpbridge writes: WinAuth skips `#` lines, and it tells this file from a
  /// plain otpauth list.
  static let header = "# WinAuth export"

  /// The export as WinAuth writes it, after `header`: one line per account, CRLF after each.
  static func document(_ accounts: [Account]) -> [UInt8] {
    var bytes = Array(header.utf8) + [0x0d, 0x0a]
    for account in accounts {
      bytes += Array(line(for: account).utf8)
      bytes += [0x0d, 0x0a]
    }
    return bytes
  }

  /// One account's line, with WinAuth's parameters in WinAuth's order: secret, digits, issuer,
  /// algorithm, then the kind's own (counter; serial; deviceid and data), icon, period.
  static func line(for account: Account) -> String {
    var query: [(String, String)] = [("secret", account.secret.revealBase32().replacingOccurrences(of: "=", with: ""))]
    let extras = Dictionary(account.extraParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    var issuer = account.issuer
    let type = account.kind == .hotp ? "hotp" : "totp"
    // WinAuth refuses the whole import when a BattleNet: line's serial is not Battle.net's.
    let serial = extras["serial"]
    let isBattleNet =
      account.kind == .totp && account.digits == 8 && serial.map(isBattleNetSerial) == true
      && ["battle.net", "battlenet"].contains(issuer.lowercased())
    switch account.kind {
    case .steam:
      issuer = "Steam"
      query.append(("digits", "5"))
    default:
      if isBattleNet { issuer = "BattleNet" }
      query.append(("digits", String(account.digits)))
    }
    if !issuer.isEmpty { query.append(("issuer", issuer)) }
    if account.kind != .steam, account.algorithm != .sha1 { query.append(("algorithm", account.algorithm.rawValue)) }
    switch account.kind {
    case .hotp: query.append(("counter", String(account.counter)))
    case .steam:
      if let device = extras["device_id"], !device.isEmpty { query.append(("deviceid", device)) }
      if let data = steamData(account) { query.append(("data", data)) }
    default:
      // As the account has it: WinAuth takes a Battle.net serial with or without its dashes, and
      // another line's serial (a token's, from PSKC) is only kept.
      if let serial, !serial.isEmpty { query.append(("serial", serial)) }
    }
    if let icon = extras["icon"], !icon.isEmpty { query.append(("icon", icon)) }
    if account.kind == .totp, account.period != 30 { query.append(("period", String(account.period))) }
    // The label prefix is what WinAuth reads as the issuer and the kind: an ordinary account
    // whose issuer is one of the kind words gets none (its issuer stays in issuer=), and a name
    // with a ':' but no prefix gets an empty one, so that it is not split.
    let isOwnKind = account.kind == .steam || isBattleNet
    let prefix = isOwnKind || !kindPrefixes.contains(issuer.lowercased()) ? issuer : ""
    var label: [UInt8] = []
    if !prefix.isEmpty || account.name.contains(":") {
      PercentEncoding.encode(prefix, into: &label)
      label.append(UInt8(ascii: ":"))
    }
    PercentEncoding.encode(account.name, into: &label)
    var value: [UInt8] = []
    let parameters = query.map { name, text in
      value.removeAll(keepingCapacity: true)
      PercentEncoding.encode(text, into: &value)
      return name + "=" + String(decoding: value, as: UTF8.self)
    }
    return "otpauth://\(type)/\(String(decoding: label, as: UTF8.self))?" + parameters.joined(separator: "&")
  }

  /// Battle.net's serial as WinAuth checks it: two letters and twelve digits, dashes optional.
  static func isBattleNetSerial(_ serial: String) -> Bool {
    serial.wholeMatch(of: /[A-Z]{2}-?[0-9]{4}-?[0-9]{4}-?[0-9]{4}/) != nil
  }

  /// Steam's JSON for `data=`, as WinAuth keeps a maFile (less its session): the shared secret
  /// and what the account carries of the rest; nil when it carries nothing more.
  static func steamData(_ account: Account) -> String? {
    var members: [String: String] = [:]
    for parameter in account.extraParameters where SteamGuardData.extraNames.contains(parameter.name) {
      members[parameter.name] = parameter.value
    }
    if account.note.hasPrefix(Account.steamRevocationNotePrefix) {
      members["revocation_code"] = String(account.note.dropFirst(Account.steamRevocationNotePrefix.count))
    }
    members.removeValue(forKey: "device_id")
    guard !members.isEmpty else { return nil }
    members["shared_secret"] = Data(account.secret.bytes).base64EncodedString()
    if !account.name.isEmpty { members["account_name"] = account.name }
    guard let json = try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys]) else { return nil }
    return String(decoding: json, as: UTF8.self)
  }
}
