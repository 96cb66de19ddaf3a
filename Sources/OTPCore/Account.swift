/// How an account makes its codes. Kinds that are not plain TOTP or HOTP stay what they are: a
/// reader never turns a Steam, mOTP or Yandex account into TOTP (formats.md §0.4).
public enum OTPKind: String, Sendable, CaseIterable, Codable, Comparable {
  case totp, hotp, steam, motp, yandex

  public static func < (lhs: OTPKind, rhs: OTPKind) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// Counter-based kinds carry a counter instead of a period.
  public var isCounterBased: Bool { self == .hotp }

  /// The algorithm, digits and period an account of this kind has when a file does not say.
  public var defaults: (algorithm: HashAlgorithm, digits: Int, period: Int) {
    switch self {
    case .totp, .hotp: return (.sha1, 6, 30)
    case .steam: return (.sha1, 5, 30)
    case .motp: return (.md5, 6, 10)
    case .yandex: return (.sha256, 8, 30)
    }
  }
}

/// The hash behind the HMAC (or, for mOTP, the digest).
public enum HashAlgorithm: String, Sendable, CaseIterable, Codable, Comparable {
  case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512", md5 = "MD5"

  public static func < (lhs: HashAlgorithm, rhs: HashAlgorithm) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// Reads `SHA1`, `sha-256`, `HmacSHA512` and the like; nil for anything else.
  public init?(lenient text: String) {
    self.init(lenientUTF8: Array(text.utf8)[...])
  }

  /// `init(lenient:)` over UTF-8 bytes: ASCII case and hyphens ignored, an `HMAC` prefix dropped.
  public init?(lenientUTF8 bytes: some Collection<UInt8>) {
    if let exact = Self.spellings.first(where: { bytes.elementsEqual($0.bytes) }) {
      self = exact.algorithm  // the usual spelling, without building a key
      return
    }
    var key: [UInt8] = []
    key.reserveCapacity(bytes.count)
    for byte in bytes where byte != UInt8(ascii: "-") {
      key.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 0x20 : byte)
    }
    if key.starts(with: Self.hmacPrefix) { key.removeFirst(Self.hmacPrefix.count) }
    guard let match = Self.spellings.first(where: { key == $0.bytes }) else { return nil }
    self = match.algorithm
  }

  static let spellings = allCases.map { (bytes: Array($0.rawValue.utf8), algorithm: $0) }
  static let hmacPrefix = Array("HMAC".utf8)
}

/// Where an account came from: the file and the place in it, for findings and reports.
public struct Origin: Sendable, Hashable, CustomStringConvertible {
  public enum Place: Sendable, Hashable {
    case line(Int)
    case entry(Int)
    case whole
  }

  public var file: String
  public var place: Place

  public init(file: String, place: Place) {
    self.file = file
    self.place = place
  }

  public var description: String {
    switch place {
    case .line(let line): return "\(file):\(line)"
    case .entry(let index): return "\(file) entry \(index)"
    case .whole: return file
    }
  }
}

/// A parameter a format carried that the model has no field for, kept so that a writer of the
/// same format can give it back and the loss report can name it when another format cannot.
public struct ExtraParameter: Sendable, Hashable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// One two-factor account, in no format's terms. Readers produce it, writers consume it.
public struct Account: Sendable, Hashable {
  public var kind: OTPKind
  /// The service, e.g. "GitHub"; empty when the file has none.
  public var issuer: String
  /// The account at that service, e.g. "alice@example.com".
  public var name: String
  /// A label prefix that differs from `issuer` (`Contoso:alice` with `issuer=Microsoft` keeps
  /// "Contoso" here and "Microsoft" as issuer); nil when the two agree or there is no prefix.
  public var labelIssuer: String?
  public var secret: Secret
  public var algorithm: HashAlgorithm
  public var digits: Int
  /// Seconds per code, for every kind but HOTP.
  public var period: Int
  /// The next HOTP counter value.
  public var counter: UInt64
  /// The PIN that mOTP and Yandex mix into the key; a secret like the key itself.
  public var pin: Secret?
  public var note: String
  public var favorite: Bool
  public var groups: [String]
  /// An icon reference (URL or app-specific name), when a format carries one.
  public var icon: String?
  public var extraParameters: [ExtraParameter]
  public var origin: Origin

  public init(
    kind: OTPKind, issuer: String = "", name: String = "", labelIssuer: String? = nil,
    secret: Secret, algorithm: HashAlgorithm? = nil, digits: Int? = nil, period: Int? = nil,
    counter: UInt64 = 0, pin: Secret? = nil, note: String = "", favorite: Bool = false,
    groups: [String] = [], icon: String? = nil, extraParameters: [ExtraParameter] = [],
    origin: Origin
  ) {
    let defaults = kind.defaults
    self.kind = kind
    self.issuer = issuer
    self.name = name
    self.labelIssuer = labelIssuer
    self.secret = secret
    self.algorithm = algorithm ?? defaults.algorithm
    self.digits = digits ?? defaults.digits
    self.period = period ?? defaults.period
    self.counter = counter
    self.pin = pin
    self.note = note
    self.favorite = favorite
    self.groups = groups
    self.icon = icon
    self.extraParameters = extraParameters
    self.origin = origin
  }

  /// How a Steam account's note begins when it holds the revocation code (the steam-mafile reader
  /// writes it so; the loss report names such a note when a target drops it).
  public static let steamRevocationNotePrefix = "Steam revocation code: "

  /// "Issuer (name)", "Issuer" or "name": how reports and errors name an account.
  public var displayName: String { Self.displayName(kind: kind, issuer: issuer, name: name) }

  /// `displayName` of an account of `kind` with `issuer` and `name`.
  public static func displayName(kind: OTPKind, issuer: String, name: String) -> String {
    switch (issuer.isEmpty, name.isEmpty) {
    case (false, false): return "\(issuer) (\(name))"
    case (false, true): return issuer
    case (true, false): return name
    case (true, true): return "unnamed \(kind.rawValue) account"
    }
  }
}
