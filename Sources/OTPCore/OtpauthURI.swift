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

  static let recognisedParameters: Set<String> = [
    "secret", "issuer", "algorithm", "digits", "period", "counter", "pin", "image",
  ]

  /// Reads one URI: `otpauth://totp|hotp|steam|yaotp/…`, Aegis's `motp://…` and the bare
  /// `steam://SECRET` that Bitwarden and Proton write.
  public static func parse(_ text: some StringProtocol, origin: Origin) throws(Problem) -> Parsed {
    let uri = text.trimmingWhitespace()
    guard let schemeEnd = uri.range(of: "://") else {
      throw Problem(code: "OTPAUTH_NOT_A_URI", message: "not an otpauth URI")
    }
    let scheme = uri[..<schemeEnd.lowerBound].lowercased()
    let rest = uri[schemeEnd.upperBound...]
    switch scheme {
    case "otpauth":
      return try parseOtpauth(rest, origin: origin)
    case "motp":
      return try parseBody(kind: .motp, labelAndQuery: rest, origin: origin)
    case "steam":
      let secret = try decodeSecret(String(rest), kind: .steam)
      var warnings: [Problem] = []
      if secret.ignored > 0 { warnings.append(ignoredWarning) }
      let account = Account(kind: .steam, issuer: "Steam", secret: secret.value, origin: origin)
      return Parsed(account: account, warnings: warnings)
    case "otpauth-migration":
      throw Problem(
        code: "OTPAUTH_GOOGLE_MIGRATION",
        message: "a Google Authenticator transfer link (otpauth-migration), not an account URI",
        remedy: "read it with --from google-migration")
    default:
      throw Problem(
        code: "OTPAUTH_OTHER_SCHEME",
        message: "a '\(scheme.prefix(32))' link, not an otpauth URI: it holds no account otpbridge can read")
    }
  }

  static let ignoredWarning = Problem(
    code: "BASE32_TRAILING_BITS",
    message: "the secret's last base32 character does not complete a byte and was ignored, as Bitwarden does")

  static func parseOtpauth(_ rest: Substring, origin: Origin) throws(Problem) -> Parsed {
    let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
    let host = rest[..<hostEnd].lowercased()
    let kind: OTPKind
    switch host {
    case "totp": kind = .totp
    case "hotp": kind = .hotp
    case "steam": kind = .steam
    case "yaotp": kind = .yandex
    default:
      throw Problem(
        code: "OTPAUTH_UNKNOWN_TYPE",
        message: "unknown OTP type '\(host.prefix(32))' (expected totp, hotp, steam or yaotp)")
    }
    var afterHost = rest[hostEnd...]
    if afterHost.first == "/" { afterHost = afterHost.dropFirst() }
    return try parseBody(kind: kind, labelAndQuery: afterHost, origin: origin)
  }

  /// Reads `LABEL?QUERY` for every kind with a label.
  static func parseBody(kind initialKind: OTPKind, labelAndQuery: Substring, origin: Origin)
    throws(Problem) -> Parsed
  {
    var kind = initialKind
    var warnings: [Problem] = []
    let queryStart = labelAndQuery.firstIndex(of: "?")
    let rawLabel = labelAndQuery[..<(queryStart ?? labelAndQuery.endIndex)]
    let rawQuery = queryStart.map { labelAndQuery[labelAndQuery.index(after: $0)...] } ?? ""

    var parameters: [String: String] = [:]
    var extras: [ExtraParameter] = []
    for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
      let equals = pair.firstIndex(of: "=")
      let key = PercentEncoding.decode(pair[..<(equals ?? pair.endIndex)], plusIsSpace: true)
      let value = equals.map { PercentEncoding.decode(pair[pair.index(after: $0)...], plusIsSpace: true) } ?? ""
      let known = key.lowercased()
      if known == "encoder" && value.lowercased() == "steam" {
        kind = .steam  // KeePassXC's way of saying Steam (formats.md §0.4)
      } else if recognisedParameters.contains(known) {
        if parameters[known] != nil {
          warnings.append(
            Problem(code: "OTPAUTH_REPEATED_PARAMETER", message: "parameter '\(known)' appears more than once; the first value is used"))
        } else {
          parameters[known] = value
        }
      } else {
        extras.append(ExtraParameter(name: key, value: value))
      }
    }

    guard let secretText = parameters["secret"], !secretText.isEmpty else {
      throw Problem(code: "OTPAUTH_NO_SECRET", message: "the URI has no secret")
    }
    let secret = try decodeSecret(secretText, kind: kind)
    if secret.ignored > 0 { warnings.append(ignoredWarning) }

    let defaults = kind.defaults
    var algorithm = defaults.algorithm
    if let text = parameters["algorithm"], kind == .totp || kind == .hotp {
      guard let parsed = HashAlgorithm(lenient: text), parsed != .md5 else {
        throw Problem(
          code: "OTPAUTH_BAD_ALGORITHM",
          message: "algorithm '\(text.prefix(16))' is not SHA1, SHA256 or SHA512")
      }
      algorithm = parsed
    }
    let digits = try integer(parameters["digits"], name: "digits", in: 1...10) ?? defaults.digits
    let period = try integer(parameters["period"], name: "period", in: 1...Int(Int32.max)) ?? defaults.period
    var counter: UInt64 = 0
    if let text = parameters["counter"] {
      guard let value = UInt64(text) else {
        throw Problem(code: "OTPAUTH_BAD_COUNTER", message: "counter '\(text.prefix(24))' is not a whole number")
      }
      counter = value
    } else if kind == .hotp {
      warnings.append(Problem(code: "OTPAUTH_NO_COUNTER", message: "an hotp URI without a counter; counter 0 is assumed"))
    }
    var pin: Secret?
    if let text = parameters["pin"], !text.isEmpty {
      // Aegis writes the Yandex PIN as base32 of its UTF-8 text (formats.md §0.4).
      guard let bytes = try? Base32.decode(text) else {
        throw Problem(code: "OTPAUTH_BAD_PIN", message: "the pin parameter is not base32")
      }
      pin = Secret(bytes)
    }

    let label = PercentEncoding.decode(rawLabel, plusIsSpace: false)
    var prefix: String?
    var name = label.trimmingWhitespace()
    if let colon = label.firstIndex(of: ":") {
      prefix = label[..<colon].trimmingWhitespace()
      name = label[label.index(after: colon)...].trimmingWhitespace()
    }
    var issuer = prefix ?? ""
    var labelIssuer: String?
    if let param = parameters["issuer"]?.trimmingWhitespace(), !param.isEmpty {
      // The issuer parameter names the service; a different label prefix is kept beside it
      // (formats.md §1.4: `Contoso:alice` with `issuer=Microsoft` is an ordinary account).
      issuer = param
      if let prefix, !prefix.isEmpty, prefix != param { labelIssuer = prefix }
    }
    if kind == .yandex && issuer.isEmpty { issuer = "Yandex" }

    let account = Account(
      kind: kind, issuer: issuer, name: name, labelIssuer: labelIssuer, secret: secret.value,
      algorithm: algorithm, digits: digits, period: period, counter: counter, pin: pin,
      icon: parameters["image"], extraParameters: extras, origin: origin)
    return Parsed(account: account, warnings: warnings)
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
  static func decodeSecret(_ text: String, kind: OTPKind) throws(Problem) -> (value: Secret, ignored: Int) {
    if kind == .motp {
      guard let bytes = Hex.decode(text) else {
        throw Problem(code: "OTPAUTH_BAD_SECRET", message: "the mOTP secret is not hex")
      }
      return (Secret(bytes), 0)
    }
    do {
      let decoded = try Base32.decodeReporting(text)
      return (Secret(decoded.bytes), decoded.ignoredTrailingCharacters)
    } catch {
      throw Problem(code: "OTPAUTH_BAD_SECRET", message: "the secret is not valid base32: \(error)")
    }
  }

  /// The URI for `account` in the widely compatible form of formats.md §1.4: issuer in both the
  /// label and the parameter, every parameter spelled out, `%20` for spaces. Steam gets both the
  /// `steam` type and `encoder=steam`, so Aegis, 2FAS, Ente and KeePassXC all read it as Steam.
  public static func format(_ account: Account) -> String {
    let prefix = account.labelIssuer ?? account.issuer
    var label = PercentEncoding.encode(account.name)
    if !prefix.isEmpty { label = PercentEncoding.encode(prefix) + ":" + label }

    var query: [(String, String)] = []
    if account.kind == .motp {
      query.append(("secret", account.secret.revealHex()))
    } else {
      query.append(("secret", account.secret.revealBase32()))
    }
    if !account.issuer.isEmpty { query.append(("issuer", account.issuer)) }
    if account.kind != .motp {
      query.append(("algorithm", account.algorithm.rawValue))
      query.append(("digits", String(account.digits)))
      if account.kind.isCounterBased {
        query.append(("counter", String(account.counter)))
      } else {
        query.append(("period", String(account.period)))
      }
    }
    if let pin = account.pin { query.append(("pin", pin.revealBase32())) }
    if account.kind == .steam { query.append(("encoder", "steam")) }
    if let icon = account.icon { query.append(("image", icon)) }
    for extra in account.extraParameters { query.append((extra.name, extra.value)) }

    let head: String
    switch account.kind {
    case .totp: head = "otpauth://totp/"
    case .hotp: head = "otpauth://hotp/"
    case .steam: head = "otpauth://steam/"
    case .yandex: head = "otpauth://yaotp/"
    case .motp: head = "motp://"
    }
    let queryText = query.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }
    return head + label + "?" + queryText.joined(separator: "&")
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

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and line breaks.
  public func trimmingWhitespace() -> String {
    let scalars = String(self).unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return String(scalars[first...last])
  }
}
