/// The otpauth Key URI (formats.md §1), read and written. It lives in OTPCore because many formats
/// embed it (Bitwarden `login_totp`, 2FAS `otp.link`, Ente, Proton); the `otpauth` plugin is the
/// list-of-URIs file around it.
public enum OtpauthURI {
  /// An account read from a URI, and what was odd about the URI but did not stop it.
  public struct Parsed: Sendable {
    public var account: Account
    public var warnings: [EntryProblem]

    public init(account: Account, warnings: [EntryProblem]) {
      self.account = account
      self.warnings = warnings
    }
  }

  /// Reads one URI: `otpauth://totp|hotp|steam|yaotp/…`, Aegis's `motp://…` and the bare
  /// `steam://SECRET` that Bitwarden and Proton write.
  public static func parse(_ text: some StringProtocol, origin: Origin) throws(EntryProblem) -> Parsed {
    // A native String's bytes in place; a copy only for the rare text stored otherwise.
    if let parsed = text.utf8.withContiguousStorageIfAvailable({ parsed($0, origin: origin) }) { return try parsed.get() }
    return try parse(utf8: Array(text.utf8)[...], origin: origin)
  }

  /// `parse` over UTF-8 bytes.
  public static func parse(utf8 raw: ArraySlice<UInt8>, origin: Origin) throws(EntryProblem) -> Parsed {
    try raw.withUnsafeBufferPointer { parsed($0, origin: origin) }.get()
  }

  /// The account and its warnings, or the problem, as a value: the closures that lend a buffer
  /// cannot throw a typed error.
  static func parsed(_ buffer: UnsafeBufferPointer<UInt8>, origin: Origin) -> Result<Parsed, EntryProblem> {
    var warnings: [EntryProblem] = []
    return Result { () throws(EntryProblem) in
      let account = try parse(buffer: buffer, origin: origin, warnings: &warnings)
      return Parsed(account: account, warnings: warnings)
    }
  }

  /// `parse` over a buffer of UTF-8, adding what was odd to `warnings`: list readers hand it each
  /// line of the file in place. The parser works on unsafe buffers, not arrays, so that a
  /// million-line list reads without a reference count or a copy per value (`make bench`).
  public static func parse(buffer raw: UnsafeBufferPointer<UInt8>, origin: Origin, warnings: inout [EntryProblem])
    throws(EntryProblem) -> Account
  {
    let uri = raw.trimmingASCIIWhitespace()
    guard let colon = uri.firstIndex(of: UInt8(ascii: ":")), uri.part(colon...).hasPrefix(schemeSeparator) else {
      throw EntryProblem(OtpauthCode.notAURI, "not an otpauth URI")
    }
    let scheme = uri.part(..<colon)
    let rest = uri.part((colon + 3)...)
    if scheme.equalsASCIICaseInsensitive(otpauthScheme) {
      return try parseOtpauth(rest, origin: origin, warnings: &warnings)
    } else if scheme.equalsASCIICaseInsensitive(motpScheme) {
      return try parseBody(kind: .motp, labelAndQuery: rest, origin: origin, warnings: &warnings)
    } else if scheme.equalsASCIICaseInsensitive(steamValue) {
      let secret = try decodeSecret(rest, kind: .steam)
      if secret.ignored > 0 { warnings.append(.base32TrailingBits) }
      return Account(kind: .steam, issuer: "Steam", secret: secret.value, origin: origin)
    } else if scheme.equalsASCIICaseInsensitive(migrationScheme) {
      throw EntryProblem(
        OtpauthCode.googleMigration, "a Google Authenticator transfer link (otpauth-migration), not an account URI",
        remedy: "read it with --from google-migration")
    }
    throw EntryProblem(
      OtpauthCode.otherScheme,
      "a '\(String(decoding: scheme.prefix(32), as: UTF8.self).lowercased())' link, not an otpauth URI: it holds no account otpbridge can read"
    )
  }

  // Words compared on every line are StaticStrings: constants, not lazily made arrays.
  static let schemeSeparator: StaticString = "://"
  static let otpauthScheme: StaticString = "otpauth"
  static let motpScheme: StaticString = "motp"
  static let migrationScheme: StaticString = "otpauth-migration"

  static func parseOtpauth(_ rest: UnsafeBufferPointer<UInt8>, origin: Origin, warnings: inout [EntryProblem])
    throws(EntryProblem) -> Account
  {
    let hostEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
    let host = rest.part(..<hostEnd)
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
      throw EntryProblem(
        OtpauthCode.unknownType,
        "unknown OTP type '\(String(decoding: host.prefix(32), as: UTF8.self).lowercased())' (expected totp, hotp, steam or yaotp)"
      )
    }
    let bodyStart = hostEnd < rest.endIndex && rest[hostEnd] == UInt8(ascii: "/") ? hostEnd + 1 : hostEnd
    return try parseBody(kind: kind, labelAndQuery: rest.part(bodyStart...), origin: origin, warnings: &warnings)
  }

  /// The query parameters otpbridge interprets; anything else is kept as an extra parameter.
  enum Parameter {
    case secret, issuer, algorithm, digits, period, counter, pin, image

    var spelling: StaticString {
      switch self {
      case .secret: "secret"
      case .issuer: "issuer"
      case .algorithm: "algorithm"
      case .digits: "digits"
      case .period: "period"
      case .counter: "counter"
      case .pin: "pin"
      case .image: "image"
      }
    }

    var name: String { spelling.description }

    init?(name: UnsafeBufferPointer<UInt8>) {
      // The first letter and the length pick the one candidate to compare.
      let candidate: Parameter
      switch (name.first.map { $0 | 0x20 }, name.count) {
      case (UInt8(ascii: "s"), 6): candidate = .secret
      case (UInt8(ascii: "i"), 6): candidate = .issuer
      case (UInt8(ascii: "a"), 9): candidate = .algorithm
      case (UInt8(ascii: "d"), 6): candidate = .digits
      case (UInt8(ascii: "p"), 6): candidate = .period
      case (UInt8(ascii: "c"), 7): candidate = .counter
      case (UInt8(ascii: "p"), 3): candidate = .pin
      case (UInt8(ascii: "i"), 5): candidate = .image
      default: return nil
      }
      guard name.equalsASCIICaseInsensitive(candidate.spelling) else { return nil }
      self = candidate
    }
  }

  /// The raw (still percent-encoded) value of each interpreted parameter, by `Parameter`: stored
  /// fields rather than a dictionary or array, so that reading a URI allocates nothing for them.
  struct QueryValues {
    var secret, issuer, algorithm, digits, period, counter, pin, image: UnsafeBufferPointer<UInt8>?

    subscript(parameter: Parameter) -> UnsafeBufferPointer<UInt8>? {
      get {
        switch parameter {
        case .secret: secret
        case .issuer: issuer
        case .algorithm: algorithm
        case .digits: digits
        case .period: period
        case .counter: counter
        case .pin: pin
        case .image: image
        }
      }
      set {
        switch parameter {
        case .secret: secret = newValue
        case .issuer: issuer = newValue
        case .algorithm: algorithm = newValue
        case .digits: digits = newValue
        case .period: period = newValue
        case .counter: counter = newValue
        case .pin: pin = newValue
        case .image: image = newValue
        }
      }
    }
  }

  static let encoderKey: StaticString = "encoder"
  static let steamValue: StaticString = "steam"

  /// Reads `LABEL?QUERY` for every kind with a label.
  static func parseBody(
    kind initialKind: OTPKind, labelAndQuery: UnsafeBufferPointer<UInt8>, origin: Origin, warnings: inout [EntryProblem]
  ) throws(EntryProblem) -> Account {
    var kind = initialKind
    let queryStart = labelAndQuery.firstIndex(of: UInt8(ascii: "?")) ?? labelAndQuery.endIndex
    let rawLabel = labelAndQuery.part(..<queryStart)
    let rawQuery = labelAndQuery.part(min(queryStart + 1, labelAndQuery.endIndex)...)

    // Values stay percent-encoded until used; most need no decoding (PercentEncoding.withDecoded).
    var values = QueryValues()
    var extras: [ExtraParameter] = []
    var pairStart = 0
    while pairStart < rawQuery.endIndex {
      let pairEnd = rawQuery[pairStart...].firstIndex(of: UInt8(ascii: "&")) ?? rawQuery.endIndex
      let pair = rawQuery.part(pairStart..<pairEnd)
      pairStart = pairEnd + 1
      if pair.isEmpty { continue }
      let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
      let rawValue = pair.part(min(equals + 1, pair.endIndex)...)
      let parameter = PercentEncoding.withDecoded(pair.part(..<equals), plusIsSpace: true) { key -> Parameter? in
        if let parameter = Parameter(name: key) { return parameter }
        let isSteamEncoder =
          key.equalsASCIICaseInsensitive(encoderKey)
          && PercentEncoding.withDecoded(rawValue, plusIsSpace: true) { $0.equalsASCIICaseInsensitive(steamValue) }
        if isSteamEncoder {
          kind = .steam  // KeePassXC's way of saying Steam (formats.md §0.4)
        } else {
          let value = PercentEncoding.withDecoded(rawValue, plusIsSpace: true) { String(decoding: $0, as: UTF8.self) }
          extras.append(ExtraParameter(name: String(decoding: key, as: UTF8.self), value: value))
        }
        return nil
      }
      guard let parameter else { continue }
      if values[parameter] != nil {
        warnings.append(
          EntryProblem(
            OtpauthCode.repeatedParameter, "parameter '\(parameter.name)' appears more than once; the first value is used"))
      } else {
        values[parameter] = rawValue
      }
    }

    func decoded<R>(_ raw: UnsafeBufferPointer<UInt8>?, _ body: (UnsafeBufferPointer<UInt8>) throws(EntryProblem) -> R)
      throws(EntryProblem) -> R?
    {
      guard let raw else { return nil }
      return try PercentEncoding.withDecoded(raw, plusIsSpace: true, body)
    }

    let secret = try decoded(values.secret) { bytes throws(EntryProblem) -> (value: Secret, ignored: Int)? in
      bytes.isEmpty ? nil : try decodeSecret(bytes, kind: kind)
    }
    guard let secret = secret ?? nil else {
      throw EntryProblem(OtpauthCode.noSecret, "the URI has no secret")
    }
    if secret.ignored > 0 { warnings.append(.base32TrailingBits) }

    let defaults = kind.defaults
    var algorithm = defaults.algorithm
    if kind == .totp || kind == .hotp, let parsed = try decoded(values.algorithm, parseAlgorithm) {
      algorithm = parsed
    }
    let digits =
      try decoded(values.digits) { bytes throws(EntryProblem) in try integer(bytes, name: "digits", in: 1...10, code: .badDigits)
      } ?? defaults.digits
    let period =
      try decoded(values.period) { bytes throws(EntryProblem) in
        try integer(bytes, name: "period", in: 1...Int(Int32.max), code: .badPeriod)
      } ?? defaults.period
    var counter: UInt64 = 0
    if let value = try decoded(values.counter, parseCounter) {
      counter = value
    } else if kind == .hotp {
      warnings.append(EntryProblem(OtpauthCode.noCounter, "an hotp URI without a counter; counter 0 is assumed"))
    }
    let pin = try decoded(values.pin, parsePin) ?? nil

    let issuerParameter = try decoded(values.issuer, decodedText)
    var prefix: String?
    var name = ""
    PercentEncoding.withDecoded(rawLabel, plusIsSpace: false) { label in
      // The label prefix ends at the first colon, unless the issuer parameter, colons and all,
      // is the prefix: `a:b:alice` with `issuer=a:b` is alice at a:b.
      let issuerColon = issuerParameter.flatMap { issuer -> Int? in
        let bytes = issuer.utf8  // no copy: this runs for every URI with an issuer
        // Over the contiguous bytes, not the view's iterator: this was 3% of reading a long list.
        let hasColon =
          bytes.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: ":")) } ?? bytes.contains(UInt8(ascii: ":"))
        guard hasColon, label.count > bytes.count, label.starts(with: bytes),
          label[label.startIndex + bytes.count] == UInt8(ascii: ":")
        else { return nil }
        return label.startIndex + bytes.count
      }
      if let colon = issuerColon ?? label.firstIndex(of: UInt8(ascii: ":")) {
        prefix = decodedText(label.part(..<colon))
        name = decodedText(label.part((colon + 1)...))
      } else {
        name = decodedText(label)
      }
    }
    var issuer = prefix ?? ""
    var labelIssuer: String?
    if let param = issuerParameter, !param.isEmpty {
      // The issuer parameter names the service; a different label prefix is kept beside it
      // (formats.md §1.4: `Contoso:alice` with `issuer=Microsoft` is an ordinary account).
      issuer = param
      if let prefix, !prefix.isEmpty, prefix != param { labelIssuer = prefix }
    }

    try checkUnknown(extras, warnings: &warnings)
    return Account(
      kind: kind, issuer: issuer, name: name, labelIssuer: labelIssuer, secret: secret.value,
      algorithm: algorithm, digits: digits, period: period, counter: counter, pin: pin,
      icon: try decoded(values.image) { String(decoding: $0, as: UTF8.self) }, extraParameters: extras, origin: origin)
  }

  /// Parameters apps add that say nothing about the codes (Ente's `codeDisplay` holds its note,
  /// tags and pins; `serial` and `model` are a hardware token's, from PSKC and seed files; `url`
  /// a password manager's website, LoginItem.urlParameter; the rest what a Steam maFile carries
  /// besides its secret, which the steam-mafile reader keeps under those names): kept without a word.
  static let knownExtraParameters: Set<String> = [
    "icon", "color", "lock", "tags", "group", "note", "favorite", "codedisplay", "serial", "model", "url",
    "serial_number", "token_gid", "identity_secret", "secret_1", "device_id", "steamid",
  ]
  /// WinAuth writes a Steam or Battle.net authenticator's own data in these parameters, beside
  /// a `secret` that may be a placeholder: such a line is no TOTP account of its own.
  static let authenticatorDataParameters: Set<String> = ["data", "steam", "deviceid", "restorecode"]

  /// A parameter otpbridge does not know is kept, and named in a warning: it may change what
  /// the line means. One carrying an authenticator's own data skips the line instead of reading
  /// it as a different account. Names only: a value may hold a secret.
  static func checkUnknown(_ extras: [ExtraParameter], warnings: inout [EntryProblem]) throws(EntryProblem) {
    guard !extras.isEmpty else { return }
    let unknown = extras.map { $0.name.lowercased() }.filter { !knownExtraParameters.contains($0) }
    guard !unknown.isEmpty else { return }
    let names = unknown.prefix(8).map { "'\(String($0.prefix(32)).escapedForTerminal())'" }.joined(separator: ", ")
    if unknown.contains(where: authenticatorDataParameters.contains) {
      throw EntryProblem(
        OtpauthCode.authenticatorData,
        "the URI carries an authenticator's own data in parameters otpbridge does not read (\(names)), as WinAuth writes Steam and Battle.net accounts: read as a TOTP account it would give wrong codes",
        remedy:
          "add this account to the new app from its own secret (WinAuth shows it for the account), or set it up again with the service"
      )
    }
    warnings.append(
      EntryProblem(
        OtpauthCode.unknownParameters,
        "parameter(s) \(names) are not ones otpbridge knows; kept as they are, but if they change how codes are made, this account's codes will differ"
      ))
  }

  static func parseAlgorithm(_ bytes: UnsafeBufferPointer<UInt8>) throws(EntryProblem) -> HashAlgorithm {
    guard let parsed = HashAlgorithm(lenientUTF8: bytes), parsed != .md5 else {
      throw EntryProblem(
        OtpauthCode.badAlgorithm, "algorithm '\(String(decoding: bytes, as: UTF8.self).prefix(16))' is not SHA1, SHA256 or SHA512"
      )
    }
    return parsed
  }

  static func parseCounter(_ bytes: UnsafeBufferPointer<UInt8>) throws(EntryProblem) -> UInt64 {
    guard let value = UInt64(decimal: bytes) else {
      throw EntryProblem(
        OtpauthCode.badCounter, "counter '\(String(decoding: bytes, as: UTF8.self).prefix(24))' is not a whole number")
    }
    return value
  }

  /// Aegis writes the Yandex PIN as base32 of its UTF-8 text (formats.md §0.4).
  static func parsePin(_ bytes: UnsafeBufferPointer<UInt8>) throws(EntryProblem) -> Secret? {
    guard !bytes.isEmpty else { return nil }
    guard let decoded = try? Base32.decodeReporting(utf8: bytes) else {
      throw EntryProblem(OtpauthCode.badPin, "the pin parameter is not base32")
    }
    return Secret(decoded.bytes)
  }

  /// Decoded label or issuer text without surrounding white space; the Unicode trim runs only when
  /// an edge byte could be white space.
  static func decodedText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let first = bytes.first, let last = bytes.last else { return text }
    let plain: (UInt8) -> Bool = { $0 > 0x20 && $0 < 0x80 }
    return plain(first) && plain(last) ? text : text.trimmingWhitespace()
  }

  static func integer(
    _ bytes: UnsafeBufferPointer<UInt8>, name: String, in range: ClosedRange<Int>, code: OtpauthCode
  ) throws(EntryProblem) -> Int {
    guard let value = UInt64(decimal: bytes), value <= UInt64(range.upperBound), range.contains(Int(value)) else {
      throw EntryProblem(
        code,
        "\(name) '\(String(decoding: bytes, as: UTF8.self).prefix(24))' is not a whole number from \(range.lowerBound) to \(range.upperBound)"
      )
    }
    return Int(value)
  }

  /// Base32 for every kind but mOTP, whose secret is hex text (formats.md §0.4).
  static func decodeSecret(_ bytes: UnsafeBufferPointer<UInt8>, kind: OTPKind) throws(EntryProblem) -> (
    value: Secret, ignored: Int
  ) {
    if kind == .motp {
      guard let decoded = Hex.decode(String(decoding: bytes, as: UTF8.self)) else {
        throw EntryProblem(OtpauthCode.badSecret, "the mOTP secret is not hex")
      }
      return (Secret(decoded), 0)
    }
    do {
      let decoded = try Base32.decodeReporting(utf8: bytes)
      return (Secret(decoded.bytes), decoded.ignoredTrailingCharacters)
    } catch {
      throw EntryProblem(OtpauthCode.badSecret, "the secret is not valid base32: \(error)")
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

  static let totpPrefix = Array("otpauth://totp/".utf8)
  static let hotpPrefix = Array("otpauth://hotp/".utf8)
  static let steamPrefix = Array("otpauth://steam/".utf8)
  static let yandexPrefix = Array("otpauth://yaotp/".utf8)
  static let motpPrefix = Array("motp://".utf8)

  /// `format`, appending the URI's UTF-8 to `output` (list writers build one buffer).
  public static func format(_ account: Account, into output: inout [UInt8]) {
    switch account.kind {
    case .totp: output += totpPrefix
    case .hotp: output += hotpPrefix
    case .steam: output += steamPrefix
    case .yandex: output += yandexPrefix
    case .motp: output += motpPrefix
    }
    let prefix = account.labelIssuer ?? account.issuer
    if !prefix.isEmpty {
      PercentEncoding.encode(prefix, into: &output)
      output.append(UInt8(ascii: ":"))
    } else if account.name.utf8.contains(UInt8(ascii: ":")) {
      output.append(UInt8(ascii: ":"))  // an empty prefix, so the name's own colon splits nothing
    }
    PercentEncoding.encode(account.name, into: &output)

    // Parameter names, base32, hex and numbers need no percent-encoding.
    var separator = UInt8(ascii: "?")
    func key(_ name: StaticString) {
      output.append(separator)
      separator = UInt8(ascii: "&")
      name.withUTF8Buffer { output.append(contentsOf: $0) }
      output.append(UInt8(ascii: "="))
    }
    func number(_ value: UInt64) {
      let start = output.count
      var rest = value
      repeat {
        output.append(UInt8(ascii: "0") + UInt8(rest % 10))
        rest /= 10
      } while rest > 0
      output[start...].reverse()
    }
    key("secret")
    if account.kind == .motp {
      output.append(contentsOf: account.secret.revealHex().utf8)
    } else {
      Base32.encode(account.secret.bytes, into: &output)
    }
    if !account.issuer.isEmpty {
      key("issuer")
      PercentEncoding.encode(account.issuer, into: &output)
    }
    // mOTP's algorithm is fixed (MD5); its digits and period are written like every kind's.
    if account.kind != .motp {
      key("algorithm")
      output.append(contentsOf: account.algorithm.rawValue.utf8)
    }
    key("digits")
    number(UInt64(account.digits))
    if account.kind.isCounterBased {
      key("counter")
      number(account.counter)
    } else {
      key("period")
      number(UInt64(account.period))
    }
    if let pin = account.pin {
      key("pin")
      Base32.encode(pin.bytes, into: &output)
    }
    if account.kind == .steam {
      key("encoder")
      steamValue.withUTF8Buffer { output.append(contentsOf: $0) }
    }
    if let icon = account.icon {
      key("image")
      PercentEncoding.encode(icon, into: &output)
    }
    for extra in account.extraParameters {
      output.append(separator)
      separator = UInt8(ascii: "&")
      PercentEncoding.encode(extra.name, into: &output)
      output.append(UInt8(ascii: "="))
      PercentEncoding.encode(extra.value, into: &output)
    }
  }
}

extension UInt8 {
  /// Space, tab, line feed, carriage return, vertical tab or form feed.
  var isASCIIWhitespace: Bool { self == 0x20 || (self >= 0x09 && self <= 0x0d) }
}

extension UnsafeBufferPointer<UInt8> {
  /// The bytes in `range` as a buffer of their own (indices from 0).
  public func part(_ range: some RangeExpression<Int>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: self[range])
  }

  /// The bytes without leading and trailing ASCII spaces, tabs and line breaks.
  public func trimmingASCIIWhitespace() -> UnsafeBufferPointer<UInt8> {
    guard let first = firstIndex(where: { !$0.isASCIIWhitespace }), let last = lastIndex(where: { !$0.isASCIIWhitespace }) else {
      return part(0..<0)
    }
    return part(first...last)
  }

  /// Whether the bytes spell `word` (lower case) in any ASCII case.
  @inline(__always)
  public func equalsASCIICaseInsensitive(_ word: StaticString) -> Bool {
    guard count == word.utf8CodeUnitCount else { return false }
    guard let bytes = baseAddress else { return true }
    let letters = word.utf8Start
    for index in 0..<count {
      let byte = bytes[index]
      if (byte &- 0x41 < 26 ? byte | 0x20 : byte) != letters[index] { return false }
    }
    return true
  }

  /// Whether the bytes start with `prefix`, exactly.
  public func hasPrefix(_ prefix: StaticString) -> Bool {
    count >= prefix.utf8CodeUnitCount && (0..<prefix.utf8CodeUnitCount).allSatisfy { self[$0] == prefix.utf8Start[$0] }
  }
}

extension UInt64 {
  /// A plain decimal number (ASCII digits only, no sign or spaces); nil when empty or too big.
  init?(decimal bytes: some Collection<UInt8>) {
    guard !bytes.isEmpty else { return nil }
    var value: UInt64 = 0
    for byte in bytes {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
      guard !overflow1, !overflow2 else { return nil }
      value = sum
    }
    self = value
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and line breaks.
  public func trimmingWhitespace() -> String {
    // Most text starts and ends with an ASCII letter, digit or sign: nothing to look up.
    func plainEnd(_ byte: UInt8?) -> Bool { byte.map { $0 > 0x20 && $0 < 0x7F } ?? false }
    let text = String(self)
    if plainEnd(text.utf8.first), plainEnd(text.utf8.last) { return text }
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return String(scalars[first...last])
  }
}

/// The findings the otpauth URI reader reports (docs/audit.md lists their meanings).
public enum OtpauthCode: String, FindingCode {
  case authenticatorData = "OTPAUTH_AUTHENTICATOR_DATA"
  case badAlgorithm = "OTPAUTH_BAD_ALGORITHM"
  case badCounter = "OTPAUTH_BAD_COUNTER"
  case badDigits = "OTPAUTH_BAD_DIGITS"
  case badPeriod = "OTPAUTH_BAD_PERIOD"
  case badPin = "OTPAUTH_BAD_PIN"
  case badSecret = "OTPAUTH_BAD_SECRET"
  case googleMigration = "OTPAUTH_GOOGLE_MIGRATION"
  case notAURI = "OTPAUTH_NOT_A_URI"
  case noCounter = "OTPAUTH_NO_COUNTER"
  case noSecret = "OTPAUTH_NO_SECRET"
  case otherScheme = "OTPAUTH_OTHER_SCHEME"
  case repeatedParameter = "OTPAUTH_REPEATED_PARAMETER"
  case unknownParameters = "OTPAUTH_UNKNOWN_PARAMETERS"
  case unknownType = "OTPAUTH_UNKNOWN_TYPE"
}
