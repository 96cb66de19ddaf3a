/// The otpauth Key URI (formats.md §1), read and written. It lives in OTPCore because many formats
/// embed it (Bitwarden `login_totp`, 2FAS `otp.link`, Ente, Proton); the `otpauth` plugin is the
/// list-of-URIs file around it.
public enum OtpauthURI {
  /// Why a text is not a usable otpauth URI, or what was odd about one that still is.
  /// Messages never quote the secret.
  public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var remedy: String?

    public var description: String { message }
  }

  /// An account read from a URI, and what was odd about the URI but did not stop it.
  public struct Parsed: Sendable {
    public var account: Account
    public var warnings: [Problem]
  }

  /// Reads one URI: `otpauth://totp|hotp|steam|yaotp/…`, Aegis's `motp://…` and the bare
  /// `steam://SECRET` that Bitwarden and Proton write.
  public static func parse(_ text: some StringProtocol, origin: Origin) throws(Problem) -> Parsed {
    try parse(utf8: Array(text.utf8)[...], origin: origin)
  }

  /// `parse` over UTF-8 bytes: list readers hand it slices of the file without making Strings,
  /// which keeps reading a million-line list fast (`make bench`).
  public static func parse(utf8 raw: ArraySlice<UInt8>, origin: Origin) throws(Problem) -> Parsed {
    let uri = raw.trimmingASCIIWhitespace()
    guard let colon = uri.firstIndex(of: UInt8(ascii: ":")), uri[colon...].starts(with: schemeSeparator) else {
      throw Problem(code: "OTPAUTH_NOT_A_URI", message: "not an otpauth URI")
    }
    let scheme = uri[..<colon]
    let rest = uri[(colon + 3)...]
    if scheme.equalsASCIICaseInsensitive("otpauth") {
      return try parseOtpauth(rest, origin: origin)
    } else if scheme.equalsASCIICaseInsensitive("motp") {
      return try parseBody(kind: .motp, labelAndQuery: rest, origin: origin)
    } else if scheme.equalsASCIICaseInsensitive("steam") {
      let secret = try decodeSecret(rest, kind: .steam)
      let account = Account(kind: .steam, issuer: "Steam", secret: secret.value, origin: origin)
      return Parsed(account: account, warnings: secret.ignored > 0 ? [ignoredWarning] : [])
    } else if scheme.equalsASCIICaseInsensitive("otpauth-migration") {
      throw Problem(
        code: "OTPAUTH_GOOGLE_MIGRATION",
        message: "a Google Authenticator transfer link (otpauth-migration), not an account URI",
        remedy: "read it with --from google-migration")
    }
    throw Problem(
      code: "OTPAUTH_OTHER_SCHEME",
      message: "a '\(String(decoding: scheme.prefix(32), as: UTF8.self).lowercased())' link, not an otpauth URI: it holds no account otpbridge can read")
  }

  static let schemeSeparator = Array("://".utf8)

  static let ignoredWarning = Problem(
    code: "BASE32_TRAILING_BITS",
    message: "the secret's last base32 character does not complete a byte and was ignored, as Bitwarden does")

  static func parseOtpauth(_ rest: ArraySlice<UInt8>, origin: Origin) throws(Problem) -> Parsed {
    let hostEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
    let host = rest[..<hostEnd]
    let kind: OTPKind
    if host.equalsASCIICaseInsensitive("totp") {
      kind = .totp
    } else if host.equalsASCIICaseInsensitive("hotp") {
      kind = .hotp
    } else if host.equalsASCIICaseInsensitive("steam") {
      kind = .steam
    } else if host.equalsASCIICaseInsensitive("yaotp") {
      kind = .yandex
    } else {
      throw Problem(
        code: "OTPAUTH_UNKNOWN_TYPE",
        message: "unknown OTP type '\(String(decoding: host.prefix(32), as: UTF8.self).lowercased())' (expected totp, hotp, steam or yaotp)")
    }
    var afterHost = rest[hostEnd...]
    if afterHost.first == UInt8(ascii: "/") { afterHost = afterHost.dropFirst() }
    return try parseBody(kind: kind, labelAndQuery: afterHost, origin: origin)
  }

  /// The query parameters otpbridge interprets; anything else is kept as an extra parameter.
  enum Parameter: Int, CaseIterable {
    case secret, issuer, algorithm, digits, period, counter, pin, image

    static let names = allCases.map { "\($0)" }

    var name: String { Self.names[rawValue] }

    init?(name: ArraySlice<UInt8>) {
      guard let index = Self.names.firstIndex(where: { name.equalsASCIICaseInsensitive($0) }) else { return nil }
      self.init(rawValue: index)
    }
  }

  /// Reads `LABEL?QUERY` for every kind with a label.
  static func parseBody(kind initialKind: OTPKind, labelAndQuery: ArraySlice<UInt8>, origin: Origin)
    throws(Problem) -> Parsed
  {
    var kind = initialKind
    var warnings: [Problem] = []
    let queryStart = labelAndQuery.firstIndex(of: UInt8(ascii: "?"))
    let rawLabel = labelAndQuery[..<(queryStart ?? labelAndQuery.endIndex)]
    let rawQuery = queryStart.map { labelAndQuery[($0 + 1)...] } ?? []

    // Values by Parameter.rawValue: a fixed table, not a dictionary, on this hot path.
    var parameters = [[UInt8]?](repeating: nil, count: Parameter.allCases.count)
    var extras: [ExtraParameter] = []
    var pairStart = rawQuery.startIndex
    while pairStart < rawQuery.endIndex {
      let pairEnd = rawQuery[pairStart...].firstIndex(of: UInt8(ascii: "&")) ?? rawQuery.endIndex
      let pair = rawQuery[pairStart..<pairEnd]
      pairStart = pairEnd + 1
      if pair.isEmpty { continue }
      let equals = pair.firstIndex(of: UInt8(ascii: "="))
      let key = PercentEncoding.decode(bytes: pair[..<(equals ?? pair.endIndex)], plusIsSpace: true)
      let value = equals.map { PercentEncoding.decode(bytes: pair[($0 + 1)...], plusIsSpace: true) } ?? []
      if let parameter = Parameter(name: key[...]) {
        if parameters[parameter.rawValue] != nil {
          warnings.append(
            Problem(code: "OTPAUTH_REPEATED_PARAMETER", message: "parameter '\(parameter.name)' appears more than once; the first value is used"))
        } else {
          parameters[parameter.rawValue] = value
        }
      } else if key[...].equalsASCIICaseInsensitive("encoder") && value[...].equalsASCIICaseInsensitive("steam") {
        kind = .steam  // KeePassXC's way of saying Steam (formats.md §0.4)
      } else {
        extras.append(ExtraParameter(name: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
      }
    }
    func bytes(_ parameter: Parameter) -> [UInt8]? { parameters[parameter.rawValue] }
    func text(_ parameter: Parameter) -> String? {
      bytes(parameter).map { String(decoding: $0, as: UTF8.self) }
    }

    guard let secretBytes = bytes(.secret), !secretBytes.isEmpty else {
      throw Problem(code: "OTPAUTH_NO_SECRET", message: "the URI has no secret")
    }
    let secret = try decodeSecret(secretBytes[...], kind: kind)
    if secret.ignored > 0 { warnings.append(ignoredWarning) }

    let defaults = kind.defaults
    var algorithm = defaults.algorithm
    if let text = text(.algorithm), kind == .totp || kind == .hotp {
      guard let parsed = HashAlgorithm(lenient: text), parsed != .md5 else {
        throw Problem(
          code: "OTPAUTH_BAD_ALGORITHM",
          message: "algorithm '\(text.prefix(16))' is not SHA1, SHA256 or SHA512")
      }
      algorithm = parsed
    }
    let digits = try integer(text(.digits), name: "digits", in: 1...10) ?? defaults.digits
    let period = try integer(text(.period), name: "period", in: 1...Int(Int32.max)) ?? defaults.period
    var counter: UInt64 = 0
    if let text = text(.counter) {
      guard let value = UInt64(text) else {
        throw Problem(code: "OTPAUTH_BAD_COUNTER", message: "counter '\(text.prefix(24))' is not a whole number")
      }
      counter = value
    } else if kind == .hotp {
      warnings.append(Problem(code: "OTPAUTH_NO_COUNTER", message: "an hotp URI without a counter; counter 0 is assumed"))
    }
    var pin: Secret?
    if let pinBytes = bytes(.pin), !pinBytes.isEmpty {
      // Aegis writes the Yandex PIN as base32 of its UTF-8 text (formats.md §0.4).
      guard let decoded = try? Base32.decodeReporting(utf8: pinBytes) else {
        throw Problem(code: "OTPAUTH_BAD_PIN", message: "the pin parameter is not base32")
      }
      pin = Secret(decoded.bytes)
    }

    let label = PercentEncoding.decode(bytes: rawLabel, plusIsSpace: false)
    var prefix: String?
    var name: String
    if let colon = label.firstIndex(of: UInt8(ascii: ":")) {
      prefix = decodedText(label[..<colon])
      name = decodedText(label[(colon + 1)...])
    } else {
      name = decodedText(label[...])
    }
    var issuer = prefix ?? ""
    var labelIssuer: String?
    if let param = bytes(.issuer).map({ decodedText($0[...]) }), !param.isEmpty {
      // The issuer parameter names the service; a different label prefix is kept beside it
      // (formats.md §1.4: `Contoso:alice` with `issuer=Microsoft` is an ordinary account).
      issuer = param
      if let prefix, !prefix.isEmpty, prefix != param { labelIssuer = prefix }
    }

    let account = Account(
      kind: kind, issuer: issuer, name: name, labelIssuer: labelIssuer, secret: secret.value,
      algorithm: algorithm, digits: digits, period: period, counter: counter, pin: pin,
      icon: text(.image), extraParameters: extras, origin: origin)
    return Parsed(account: account, warnings: warnings)
  }

  /// Decoded label or issuer text without surrounding white space; the Unicode trim runs only when
  /// an edge byte could be white space.
  static func decodedText(_ bytes: ArraySlice<UInt8>) -> String {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let first = bytes.first, let last = bytes.last else { return text }
    let plain: (UInt8) -> Bool = { $0 > 0x20 && $0 < 0x80 }
    return plain(first) && plain(last) ? text : text.trimmingWhitespace()
  }

  static func integer(_ text: String?, name: String, in range: ClosedRange<Int>) throws(Problem) -> Int? {
    guard let text else { return nil }
    guard let value = Int(text), range.contains(value) else {
      throw Problem(
        code: "OTPAUTH_BAD_\(name.uppercased())",
        message: "\(name) '\(text.prefix(24))' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
  }

  /// Base32 for every kind but mOTP, whose secret is hex text (formats.md §0.4).
  static func decodeSecret(_ bytes: ArraySlice<UInt8>, kind: OTPKind) throws(Problem) -> (value: Secret, ignored: Int) {
    if kind == .motp {
      guard let decoded = Hex.decode(String(decoding: bytes, as: UTF8.self)) else {
        throw Problem(code: "OTPAUTH_BAD_SECRET", message: "the mOTP secret is not hex")
      }
      return (Secret(decoded), 0)
    }
    do {
      let decoded = try Base32.decodeReporting(utf8: bytes)
      return (Secret(decoded.bytes), decoded.ignoredTrailingCharacters)
    } catch {
      throw Problem(code: "OTPAUTH_BAD_SECRET", message: "the secret is not valid base32: \(error)")
    }
  }

  /// The URI for `account` in the widely compatible form of formats.md §1.4: issuer in both the
  /// label and the parameter, every parameter spelled out, `%20` for spaces. Steam gets both the
  /// `steam` type and `encoder=steam`, so Aegis, 2FAS, Ente and KeePassXC all read it as Steam.
  public static func format(_ account: Account) -> String {
    var bytes: [UInt8] = []
    format(account, into: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `format`, appending the URI's UTF-8 to `output` (list writers build one buffer).
  public static func format(_ account: Account, into output: inout [UInt8]) {
    switch account.kind {
    case .totp: output += Array("otpauth://totp/".utf8)
    case .hotp: output += Array("otpauth://hotp/".utf8)
    case .steam: output += Array("otpauth://steam/".utf8)
    case .yandex: output += Array("otpauth://yaotp/".utf8)
    case .motp: output += Array("motp://".utf8)
    }
    let prefix = account.labelIssuer ?? account.issuer
    if !prefix.isEmpty {
      PercentEncoding.encode(prefix, into: &output)
      output.append(UInt8(ascii: ":"))
    }
    PercentEncoding.encode(account.name, into: &output)

    var separator = UInt8(ascii: "?")
    func parameter(_ name: String, _ value: String) {
      output.append(separator)
      separator = UInt8(ascii: "&")
      PercentEncoding.encode(name, into: &output)
      output.append(UInt8(ascii: "="))
      PercentEncoding.encode(value, into: &output)
    }
    parameter("secret", account.kind == .motp ? account.secret.revealHex() : account.secret.revealBase32())
    if !account.issuer.isEmpty { parameter("issuer", account.issuer) }
    // mOTP's algorithm is fixed (MD5); its digits and period are written like every kind's.
    if account.kind != .motp { parameter("algorithm", account.algorithm.rawValue) }
    parameter("digits", String(account.digits))
    if account.kind.isCounterBased {
      parameter("counter", String(account.counter))
    } else {
      parameter("period", String(account.period))
    }
    if let pin = account.pin { parameter("pin", pin.revealBase32()) }
    if account.kind == .steam { parameter("encoder", "steam") }
    if let icon = account.icon { parameter("image", icon) }
    for extra in account.extraParameters { parameter(extra.name, extra.value) }
  }
}

/// Hex text, read in either case.
public enum Hex {
  public static func decode(_ text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = 0
    while index < digits.count {
      guard let high = digitValue(digits[index]), let low = digitValue(digits[index + 1]) else { return nil }
      bytes.append(high << 4 | low)
      index += 2
    }
    return bytes
  }

  static func digitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}

extension ArraySlice<UInt8> {
  /// The bytes without leading and trailing ASCII spaces, tabs and line breaks.
  public func trimmingASCIIWhitespace() -> ArraySlice<UInt8> {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d || $0 == 0x0b || $0 == 0x0c }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return [] }
    return self[first...last]
  }

  /// Whether the bytes spell `word` in any ASCII case (`word` is lower case).
  public func equalsASCIICaseInsensitive(_ word: String) -> Bool {
    guard count == word.utf8.count else { return false }
    return zip(self, word.utf8).allSatisfy { byte, expected in
      (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte) == expected
    }
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and line breaks.
  public func trimmingWhitespace() -> String {
    let scalars = String(self).unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return String(scalars[first...last])
  }
}
