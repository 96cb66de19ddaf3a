/// The account fields beyond kind, secret, algorithm, digits and period.
public enum AccountField: String, Sendable, CaseIterable, Codable, Comparable {
  case issuer, name, labelIssuer, counter, pin, note, favorite, groups, icon, extraParameters

  public static func < (lhs: AccountField, rhs: AccountField) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// How reports name the field.
  public var label: String {
    switch self {
    case .labelIssuer: return "label prefix"
    case .extraParameters: return "extra parameters"
    default: return rawValue
    }
  }
}

/// Which periods a format can hold.
public enum PeriodSupport: Sendable, Equatable {
  /// Any period in the range.
  case range(ClosedRange<Int>)
  /// Only these periods (2FAS Android: 10, 30, 60, 90).
  case only(Set<Int>)

  public func contains(_ period: Int) -> Bool {
    switch self {
    case .range(let range): return range.contains(period)
    case .only(let set): return set.contains(period)
    }
  }
}

/// What a format can hold, as data: the loss report is computed from it and nothing else.
public struct Capabilities: Sendable, Equatable {
  public var kinds: Set<OTPKind>
  /// The HMAC algorithms the format holds for TOTP and HOTP accounts; Steam, mOTP and Yandex fix
  /// their own algorithm, so this set does not apply to them.
  public var algorithms: Set<HashAlgorithm>
  public var digits: ClosedRange<Int>
  /// Digit counts inside `digits` that the format still cannot hold (Google migration: 6 or 8, not 7).
  public var excludedDigits: Set<Int>
  public var periods: PeriodSupport
  public var fields: Set<AccountField>
  /// With `.extraParameters` in `fields`: the only extra parameters the format keeps (Entra's
  /// `serial` and `model`); nil when it keeps any.
  public var extraParameterNames: Set<String>?
  /// Kinds the format stores in a form of their own that holds less than its other accounts
  /// (Bitwarden's and Proton's `steam://SECRET`).
  public var kindForms: [OTPKind: KindForm]
  /// What the format's text (issuer, name, note, groups, extra parameter values) must not hold.
  public var text: TextRule
  /// Digit counts a kind holds where they are narrower than `digits` (Stratum: HOTP 6–8, Steam 5).
  public var digitsByKind: [OTPKind: ClosedRange<Int>]
  /// Every account needs an issuer (Stratum refuses a whole backup over one without): an account
  /// without one gets its name as its issuer, and the loss report says so.
  public var issuerRequired: Bool
  /// The fewest secret bytes an account of a kind may have (Stratum refuses a Yandex secret
  /// under 16 bytes and an mOTP secret under 8): a shorter one is dropped with the reason.
  public var minimumSecretBytes: [OTPKind: Int]

  public init(
    kinds: Set<OTPKind>, algorithms: Set<HashAlgorithm>, digits: ClosedRange<Int>,
    periods: PeriodSupport, fields: Set<AccountField>, excludingDigits excludedDigits: Set<Int> = [],
    extraParameterNames: Set<String>? = nil, kindForms: [OTPKind: KindForm] = [:], text: TextRule = [],
    digitsByKind: [OTPKind: ClosedRange<Int>] = [:], issuerRequired: Bool = false,
    minimumSecretBytes: [OTPKind: Int] = [:]
  ) {
    self.minimumSecretBytes = minimumSecretBytes
    self.text = text
    self.digitsByKind = digitsByKind
    self.issuerRequired = issuerRequired
    self.kindForms = kindForms
    self.kinds = kinds
    self.algorithms = algorithms
    self.digits = digits
    self.excludedDigits = excludedDigits
    self.periods = periods
    self.fields = fields
    self.extraParameterNames = extraParameterNames
  }

  /// Whether the format holds `count` digits (for an account of `kind`, when given).
  public func holds(digits count: Int, kind: OTPKind? = nil) -> Bool {
    if let kind, let range = digitsByKind[kind], !range.contains(count) { return false }
    return digits.contains(count) && !excludedDigits.contains(count)
  }

  /// "6–8", or "6, 8" when some counts in the range are excluded, and what a kind holds where it
  /// holds less: "5–10 (totp 6–10, hotp 6–8, steam 5)".
  public var digitsDescription: String {
    func span(_ range: ClosedRange<Int>) -> String {
      range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
    }
    var text =
      excludedDigits.isEmpty ? span(digits) : digits.filter { holds(digits: $0) }.map(String.init).joined(separator: ", ")
    if !digitsByKind.isEmpty {
      text +=
        " (" + digitsByKind.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \(span($0.value))" }.joined(separator: ", ")
        + ")"
    }
    return text
  }
}

/// What a format keeps of one kind's accounts when it writes them in a form of that kind's own,
/// such as `steam://SECRET`: the kind's default algorithm, digits and period only, the fields
/// listed, and maybe one fixed issuer.
public struct KindForm: Sendable, Equatable {
  /// The form, as reports show it: `steam://SECRET`.
  public var shape: String
  public var fields: Set<AccountField>
  /// With `.extraParameters` in `fields`: the only extra parameters kept; nil when any.
  public var extraParameterNames: Set<String>?
  /// The issuer every such account reads back with (Proton's Steam entries are "Steam").
  public var fixedIssuer: String?
  /// With `.note` in `fields`: the note is kept only when it begins with this (WinAuth keeps a
  /// Steam account's revocation code, `Account.steamRevocationNotePrefix`, and no other note).
  public var notePrefix: String?

  public init(
    shape: String, fields: Set<AccountField>, extraParameterNames: Set<String>? = nil, fixedIssuer: String? = nil,
    notePrefix: String? = nil
  ) {
    self.shape = shape
    self.fields = fields
    self.extraParameterNames = extraParameterNames
    self.fixedIssuer = fixedIssuer
    self.notePrefix = notePrefix
  }
}

/// Rules on the text a format holds, applied (and reported) by the loss report like any other
/// capability, so that a writer never changes a value on its own.
public struct TextRule: OptionSet, Sendable, Equatable {
  public let rawValue: Int

  public init(rawValue: Int) {
    self.rawValue = rawValue
  }

  /// A CSV that people open in a spreadsheet: a cell that begins with `=`, `+`, `-`, `@`, a tab or
  /// a carriage return would run as a formula (`=HYPERLINK(...)` can send other cells to a web
  /// address), so such a value gets a leading `'`, as OWASP advises.
  public static let spreadsheetCells = TextRule(rawValue: 1)
  /// XML 1.0, which cannot hold control characters other than tab and line breaks, even escaped.
  public static let noControlCharacters = TextRule(rawValue: 2)
}

/// Whether a format's files can be, or must be, encrypted.
public enum EncryptionSupport: String, Sendable, Codable {
  case none, optional, required
}

/// A format plugin's description of itself, as plain data.
public struct FormatDescriptor: Sendable {
  /// The name used with `--from` and `--to`, e.g. `otpauth`, `aegis`, `2fas`.
  public var id: String
  public var displayName: String
  /// File name endings, without the dot, used by sniffing as a hint.
  public var fileExtensions: [String]
  public var canRead: Bool
  public var canWrite: Bool
  public var encryption: EncryptionSupport
  public var capabilities: Capabilities
  /// One sentence for `otpbridge formats`.
  public var summary: String
  /// The codes of the findings the format's reader and writer report (`SomeCode.codes`), which
  /// docs/audit.md lists.
  public var findingCodes: [String]
  /// The command-line settings its writer takes (`configured(_:)` applies them).
  public var writerSettings: [WriterSetting]
  /// Its writer makes a folder of files (`WriteResult.files`), which `-o` names, not one file.
  public var writesFolder: Bool
  /// Whether what it writes can be encrypted, where that differs from what it reads (otpbridge
  /// reads SDA's encrypted maFiles but writes them plain).
  public var writtenEncryption: EncryptionSupport
  /// For a format kept as a folder whose reader takes one file inside it (an OPVault's
  /// `default/profile.js`): that file's path in the folder, so that a folder given instead is
  /// refused with its name.
  public var readFromFolder: String?

  public init(
    id: String, displayName: String, fileExtensions: [String], canRead: Bool, canWrite: Bool,
    encryption: EncryptionSupport, capabilities: Capabilities, summary: String, findingCodes: [String] = [],
    writerSettings: [WriterSetting] = [], writesFolder: Bool = false, writtenEncryption: EncryptionSupport? = nil,
    readFromFolder: String? = nil
  ) {
    self.writesFolder = writesFolder
    self.readFromFolder = readFromFolder
    self.writtenEncryption = writtenEncryption ?? encryption
    self.findingCodes = findingCodes
    self.writerSettings = writerSettings
    self.id = id
    self.displayName = displayName
    self.fileExtensions = fileExtensions
    self.canRead = canRead
    self.canWrite = canWrite
    self.encryption = encryption
    self.capabilities = capabilities
    self.summary = summary
  }
}
