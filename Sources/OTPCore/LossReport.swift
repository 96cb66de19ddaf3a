extension ExtraParameter {
  /// How reports name extra parameters: by name only, never by value, and only names that look
  /// like a parameter's: with a value, at most 32 characters, a lower-case letter first, then
  /// lower-case letters, digits, `_`, `-` or `.`. A secret with a `&` in it makes parameters out of
  /// its base32 pieces (upper case and digits), so anything else is counted, not shown.
  static func shown(_ parameters: [ExtraParameter]) -> String {
    let named = parameters.filter(\.hasPlainName)
    var parts = named.map(\.name)
    let unnamed = parameters.count - named.count
    if unnamed > 0 { parts.append("\(unnamed) parameter(s) whose name is not shown") }
    return parts.joined(separator: ", ")
  }

  var hasPlainName: Bool {
    guard !value.isEmpty, let first = name.utf8.first, first >= 0x61, first <= 0x7A, name.utf8.count <= 32 else { return false }
    return name.utf8.allSatisfy { byte in
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D || byte == 0x2E
    }
  }
}

/// Which part of an account a change is about.
public enum ChangedField: Sendable, Hashable, CustomStringConvertible {
  /// What decides the codes.
  case algorithm, digits, period
  /// One of the optional fields as a whole: the issuer's text, a dropped note, the groups.
  case field(AccountField)
  /// The text of one group.
  case group
  /// The value of one extra parameter, with its name when that is plain text to show.
  case extraParameter(String?)

  /// How reports name it: "period", "label prefix", "extra parameter serial".
  public var label: String {
    switch self {
    case .algorithm: return "algorithm"
    case .digits: return "digits"
    case .period: return "period"
    case .field(let field): return field.label
    case .group: return "group"
    case .extraParameter(let name?): return "extra parameter \(name)"
    case .extraParameter(nil): return "an extra parameter"
    }
  }

  public var description: String { label }
}

/// One thing a conversion does to one account.
public struct AccountChange: Sendable, Hashable, CustomStringConvertible {
  public enum Effect: Sendable, Hashable {
    /// The value was replaced; `from` and `to` are shown to the user (never secrets).
    case changed(from: String, to: String)
    /// The value is gone; the text describes it without revealing anything secret.
    case dropped(String)
  }

  /// The part of the account; its `label` is what the user sees.
  public var field: ChangedField
  public var effect: Effect
  public var reason: String
  /// True when the converted account will give different codes than the original.
  public var breaksCodes: Bool

  public init(field: ChangedField, effect: Effect, reason: String, breaksCodes: Bool) {
    self.field = field
    self.effect = effect
    self.reason = reason
    self.breaksCodes = breaksCodes
  }

  public var description: String {
    let what: String
    switch effect {
    case .changed(let from, let to): what = "\(field) changed from \(from) to \(to)"
    case .dropped(let value): what = "\(field) dropped (\(value))"
    }
    return breaksCodes ? "\(what): \(reason); its codes will differ" : "\(what): \(reason)"
  }
}

/// What a conversion does to one source account.
public struct AccountOutcome: Sendable, Hashable {
  public enum Status: String, Sendable, Codable {
    case kept, changed, dropped
  }

  public let source: Account
  public var changes: [AccountChange]
  /// Why the whole account is dropped, when it is.
  public var dropReason: String?
  /// What the writer gets, kept apart from `source` only when it differs: most accounts move as
  /// they are, and a copy of each of a million accounts is 200 MB.
  private var fitting: Fitting

  enum Fitting: Sendable, Hashable {
    case asItIs, fitted(Account), dropped
  }

  /// The account the writer gets; nil when the account is dropped whole.
  public var converted: Account? {
    get {
      switch fitting {
      case .asItIs: return source
      case .fitted(let account): return account
      case .dropped: return nil
      }
    }
    set { fitting = newValue.map { $0 == source ? .asItIs : .fitted($0) } ?? .dropped }
  }

  public init(source: Account, converted: Account?, changes: [AccountChange], dropReason: String?) {
    self.source = source
    self.changes = changes
    self.dropReason = dropReason
    self.fitting = converted.map { $0 == source ? .asItIs : .fitted($0) } ?? .dropped
  }

  public var status: Status {
    if case .dropped = fitting { return .dropped }
    return changes.isEmpty ? .kept : .changed
  }

  /// An account the target takes as it is.
  init(keeping source: Account) {
    self.source = source
    self.changes = []
    self.dropReason = nil
    self.fitting = .asItIs
  }

  /// Kept exactly: the writer gets the source account as it is and nothing is said about it.
  public var isUnremarkable: Bool {
    if case .asItIs = fitting { return changes.isEmpty }
    return false
  }
}

/// The loss report of a conversion, computed once, generically, from the accounts and the target
/// format's declared capabilities. No code anywhere converts one format into another directly.
public struct LossReport: Sendable {
  public var targetFormat: String
  /// Each account's outcome, in source order; a report of a conversion made a part at a time
  /// (`StreamedConversion`) lists only the accounts it did not keep as they are, and counts the
  /// others in `keptUnlisted`.
  public var outcomes: [AccountOutcome]
  /// Accounts kept exactly that `outcomes` does not list.
  public var keptUnlisted = 0
  /// Entries the readers could not read: they are lost to the conversion too.
  public var skippedEntries: [Finding]

  /// The accounts for the writer, in source order; of a streamed report (`keptUnlisted` > 0),
  /// only those it lists.
  public var convertedAccounts: [Account] { outcomes.compactMap(\.converted) }

  /// True when every account is kept exactly and no entry was skipped.
  public var isLossless: Bool {
    skippedEntries.isEmpty && outcomes.allSatisfy { $0.status == .kept }
  }

  /// How many accounts are kept exactly, listed or not.
  public var keptCount: Int { keptUnlisted + outcomes.count { $0.status == .kept } }

  /// How many accounts the output holds: those kept and those changed.
  public var writtenCount: Int { keptCount + outcomes.count { $0.status == .changed } }

  /// Accounts changed or dropped by the target's limits.
  public var changedOrDroppedCount: Int { outcomes.count { $0.status != .kept } }

  /// Entries the readers could not read, each one account or item.
  public var unreadableCount: Int { skippedEntries.count { $0.missingPartsOf == nil } }

  /// Exports with parts missing (`Finding.missingPartsOf`): how many accounts those held is unknown.
  public var incompleteExportCount: Int { skippedEntries.count { $0.missingPartsOf != nil } }

  /// Fits `accounts` to `target`, recording every change and drop.
  public init(accounts: [Account], skippedEntries: [Finding] = [], target: FormatDescriptor) {
    self.targetFormat = target.id
    self.skippedEntries = skippedEntries
    let fitter = Fitter(target: target)
    self.outcomes = accounts.map(fitter.outcome(for:))
  }

  /// A report put together from outcomes worked out apart (`StreamedConversion`): `outcomes`
  /// lists what is not kept as it is, and `keptUnlisted` counts the rest.
  public init(target: FormatDescriptor, outcomes: [AccountOutcome], keptUnlisted: Int, skippedEntries: [Finding]) {
    self.targetFormat = target.id
    self.outcomes = outcomes
    self.keptUnlisted = keptUnlisted
    self.skippedEntries = skippedEntries
  }

  /// Fits accounts to one target, with what that takes worked out once for all of them.
  public struct Fitter: Sendable {
    let target: FormatDescriptor
    let rules: [OTPKind: KindRule]

    /// What the target does with one kind of account.
    struct KindRule: Sendable {
      var form: KindForm?
      /// The fields the kind's accounts have no place for: its form's, else the format's.
      var missingFields: [AccountField]
      /// The extra parameters kept, by name; nil when all are.
      var keptExtraParameters: Set<String>?
    }

    public init(target: FormatDescriptor) {
      self.target = target
      let capabilities = target.capabilities
      rules = Dictionary(
        uniqueKeysWithValues: OTPKind.allCases.map { kind in
          let form = capabilities.kindForms[kind]
          let fields = form?.fields ?? capabilities.fields
          return (
            kind,
            KindRule(
              form: form, missingFields: AccountField.allCases.filter { !fields.contains($0) },
              keptExtraParameters: form.map(\.extraParameterNames) ?? capabilities.extraParameterNames)
          )
        })
    }

    /// The outcome of fitting `account`.
    public func outcome(for account: Account) -> AccountOutcome {
      remark(for: account) ?? AccountOutcome(keeping: account)
    }

    /// The outcome of fitting `account`, or nil when `keepsAsItIs` says it goes as it is.
    public func remark(for account: Account) -> AccountOutcome? {
      keepsAsItIs(account) ? nil : LossReport.adapt(account, to: target, missingFields: rules[account.kind]!.missingFields)
    }

    /// Whether the target takes `account` as it is, with nothing to report: what `outcome(for:)`
    /// finds for most accounts, told without copying one (StreamedConversionTests checks that the
    /// two agree for every format). Text rules are left to `outcome(for:)`.
    public func keepsAsItIs(_ account: Account) -> Bool {
      let capabilities = target.capabilities
      guard capabilities.text.isEmpty, capabilities.kinds.contains(account.kind), let rule = rules[account.kind] else {
        return false
      }
      let kind = account.kind, defaults = kind.defaults
      if kind == .totp || kind == .hotp,
        !capabilities.algorithms.contains(account.algorithm) || (rule.form != nil && account.algorithm != defaults.algorithm)
      {
        return false
      }
      // As `adapt`: a form's own digit count, and in any case one the format holds.
      if (rule.form != nil && account.digits != defaults.digits) || !capabilities.holds(digits: account.digits, kind: kind) {
        return false
      }
      if capabilities.issuerRequired, account.issuer.isEmpty { return false }
      if let minimum = capabilities.minimumSecretBytes[kind], account.secret.count < minimum { return false }
      if !kind.isCounterBased,
        !capabilities.periods.contains(account.period) || (rule.form != nil && account.period != defaults.period)
      {
        return false
      }
      if let issuer = rule.form?.fixedIssuer, account.issuer != issuer { return false }
      if let prefix = rule.form?.notePrefix, !account.note.isEmpty, !account.note.hasPrefix(prefix) { return false }
      for field in rule.missingFields where LossReport.hasValue(field, in: account, kind: kind) { return false }
      if let kept = rule.keptExtraParameters, !rule.missingFields.contains(.extraParameters),
        !account.extraParameters.allSatisfy({ kept.contains($0.name) })
      {
        return false
      }
      if account.extraParameters.contains(where: LossReport.holdsAuthenticatorData) { return false }
      return true
    }
  }

  static func holdsAuthenticatorData(_ parameter: ExtraParameter) -> Bool {
    OtpauthURI.authenticatorDataParameters.contains(parameter.name.lowercased())
  }

  static func adapt(_ account: Account, to target: FormatDescriptor, missingFields: [AccountField]) -> AccountOutcome {
    let capabilities = target.capabilities
    guard capabilities.kinds.contains(account.kind) else {
      return AccountOutcome(
        source: account, converted: nil, changes: [],
        dropReason: "\(target.displayName) cannot hold \(account.kind.rawValue) accounts")
    }
    if let minimum = capabilities.minimumSecretBytes[account.kind], account.secret.count < minimum {
      return AccountOutcome(
        source: account, converted: nil, changes: [],
        dropReason:
          "\(target.displayName) refuses \(account.kind.rawValue) secrets shorter than \(minimum) bytes (this one has \(account.secret.count))"
      )
    }
    var result = account
    var changes: [AccountChange] = []
    let defaults = account.kind.defaults

    let form = capabilities.kindForms[account.kind]
    // Steam, mOTP and Yandex fix their own algorithm; only TOTP and HOTP choose one, and a kind's
    // own form keeps only the kind's default.
    if account.kind == .totp || account.kind == .hotp,
      !capabilities.algorithms.contains(account.algorithm) || (form != nil && account.algorithm != defaults.algorithm)
    {
      result.algorithm = defaults.algorithm
      let reason =
        form.map {
          "\(target.displayName) writes \(account.kind.rawValue) accounts as \($0.shape), which holds only \(defaults.algorithm.rawValue)"
        }
        ?? "\(target.displayName) holds only \(capabilities.algorithms.sorted().map(\.rawValue).joined(separator: ", "))"
      changes.append(
        AccountChange(
          field: .algorithm,
          effect: .changed(from: account.algorithm.rawValue, to: defaults.algorithm.rawValue),
          reason: reason, breaksCodes: true))
    }
    // Made only for a change: most accounts have none.
    func noPlace() -> String {
      guard let form else { return "\(target.displayName) has no place for it" }
      return "\(target.displayName) writes \(account.kind.rawValue) accounts as \(form.shape), which has no place for it"
    }
    if form != nil, account.digits != defaults.digits {
      result.digits = defaults.digits
      changes.append(
        AccountChange(
          field: .digits, effect: .changed(from: String(account.digits), to: String(defaults.digits)),
          reason: noPlace(),
          breaksCodes: true))
    } else if !capabilities.holds(digits: account.digits, kind: account.kind) {
      let digits =
        capabilities.holds(digits: defaults.digits, kind: account.kind)
        ? defaults.digits : (capabilities.digitsByKind[account.kind] ?? capabilities.digits).lowerBound
      result.digits = digits
      changes.append(
        AccountChange(
          field: .digits, effect: .changed(from: String(account.digits), to: String(digits)),
          reason: "\(target.displayName) holds \(capabilities.digitsDescription) digits",
          breaksCodes: true))
    }
    if !account.kind.isCounterBased,
      !capabilities.periods.contains(account.period) || (form != nil && account.period != defaults.period)
    {
      result.period = defaults.period
      let reason =
        form == nil ? "\(target.displayName) cannot hold a \(account.period) s period" : noPlace()
      changes.append(
        AccountChange(
          field: .period, effect: .changed(from: "\(account.period) s", to: "\(defaults.period) s"), reason: reason,
          breaksCodes: true))
    }
    let fields = form?.fields ?? capabilities.fields
    if let issuer = form?.fixedIssuer, account.issuer != issuer {
      result.issuer = issuer
      changes.append(
        AccountChange(
          field: .field(.issuer), effect: .changed(from: quoted(account.issuer), to: quoted(issuer)),
          reason: "\(target.displayName) gives every \(account.kind.rawValue) account this issuer", breaksCodes: false))
    }
    if capabilities.issuerRequired, result.issuer.isEmpty {
      let standIn = result.name.isEmpty ? "-" : result.name
      result.issuer = standIn
      changes.append(
        AccountChange(
          field: .field(.issuer), effect: .changed(from: quoted(""), to: quoted(standIn)),
          reason: "\(target.displayName) needs an issuer on every account: the name stands in", breaksCodes: false))
    }
    for field in missingFields {
      if let dropped = drop(field, from: &result, kind: account.kind) {
        changes.append(
          AccountChange(
            field: .field(field), effect: .dropped(dropped.shown), reason: noPlace(), breaksCodes: dropped.breaksCodes))
      }
    }
    if let prefix = form?.notePrefix, fields.contains(.note), !result.note.isEmpty, !result.note.hasPrefix(prefix),
      let dropped = drop(.note, from: &result, kind: account.kind)
    {
      changes.append(
        AccountChange(
          field: .field(.note), effect: .dropped(dropped.shown),
          reason: "\(target.displayName) keeps no note on a \(account.kind.rawValue) account but its revocation code",
          breaksCodes: false))
    }
    if fields.contains(.extraParameters), let kept = form.map(\.extraParameterNames) ?? capabilities.extraParameterNames {
      let dropped = result.extraParameters.filter { !kept.contains($0.name) }
      if !dropped.isEmpty {
        result.extraParameters.removeAll { !kept.contains($0.name) }
        changes.append(
          AccountChange(
            field: .field(.extraParameters), effect: .dropped(ExtraParameter.shown(dropped)),
            reason: "\(target.displayName) keeps only \(kept.sorted().joined(separator: ", "))", breaksCodes: false))
      }
    }
    // Parameters WinAuth fills with an authenticator's own data make the otpauth reader skip
    // the line (OtpauthURI.checkUnknown): never written, so that no output reads back short.
    let authenticatorData = result.extraParameters.filter(Self.holdsAuthenticatorData)
    if !authenticatorData.isEmpty {
      result.extraParameters.removeAll(where: Self.holdsAuthenticatorData)
      changes.append(
        AccountChange(
          field: .field(.extraParameters), effect: .dropped(ExtraParameter.shown(authenticatorData)),
          reason:
            "otpbridge does not write parameters that hold an authenticator's own data (WinAuth's data, steam, deviceid, restorecode)",
          breaksCodes: false))
    }
    if !capabilities.text.isEmpty {
      changes += fitText(of: &result, to: capabilities.text, target: target.displayName)
    }
    // Every change above is recorded: none, and the account is as it was (nothing to compare).
    guard !changes.isEmpty else { return AccountOutcome(keeping: account) }
    return AccountOutcome(source: account, converted: result, changes: changes, dropReason: nil)
  }

  /// Applies the format's text rules to every text field, one change for each value they alter.
  static func fitText(of account: inout Account, to rule: TextRule, target: String) -> [AccountChange] {
    var changes: [AccountChange] = []
    func fit(_ value: inout String, field: ChangedField, shown: (String) -> String = LossReport.quoted) {
      var fitted = value
      var reasons: [String] = []
      if rule.contains(.noControlCharacters) {
        let kept = fitted.unicodeScalars.filter { !isForbiddenInXML($0) }
        if kept.count != fitted.unicodeScalars.count {
          fitted = String(String.UnicodeScalarView(kept))
          reasons.append("\(target) cannot hold control characters, so they were removed")
        }
      }
      if rule.contains(.spreadsheetCells), let first = fitted.unicodeScalars.first, formulaStarts.contains(first) {
        fitted = "'" + fitted
        reasons.append(
          "a spreadsheet would run a cell that begins with =, +, -, @, a tab or a carriage return as a formula; the ' keeps it text"
        )
      }
      guard fitted != value else { return }
      changes.append(
        AccountChange(
          field: field, effect: .changed(from: shown(value), to: shown(fitted)), reason: reasons.joined(separator: "; "),
          breaksCodes: false))
      value = fitted
    }
    fit(&account.issuer, field: .field(.issuer))
    fit(&account.name, field: .field(.name))
    if var prefix = account.labelIssuer {
      fit(&prefix, field: .field(.labelIssuer))
      account.labelIssuer = prefix
    }
    // A note may hold recovery codes: its length only.
    fit(&account.note, field: .field(.note)) { "a note of \($0.count) characters" }
    for index in account.groups.indices { fit(&account.groups[index], field: .group) }
    for index in account.extraParameters.indices {
      // Its value is never shown (a URI's `&` inside a secret makes parameters out of its parts).
      let parameter = account.extraParameters[index]
      fit(
        &account.extraParameters[index].value,
        field: .extraParameter(parameter.hasPlainName ? parameter.name : nil)
      ) {
        "a value of \($0.count) characters"
      }
    }
    return changes
  }

  /// How the report shows a name, issuer or group: in double quotes.
  static func quoted(_ text: String) -> String { "\"\(text)\"" }

  /// Adds to each outcome what reading the output back showed: text the writer was given that
  /// came back otherwise (a colon or a space the format cannot keep). A value the reader filled in
  /// where the account had none is no loss. `pairs` gives, for each account the writer got
  /// (`convertedAccounts`, in order), the index of the account read back, if any.
  public mutating func addChanges(readBack back: [Account], pairs: [Int?], target: FormatDescriptor) {
    let written = outcomes.indices.filter { outcomes[$0].converted != nil }
    for (writtenIndex, backIndex) in pairs.enumerated() {
      guard let backIndex, let given = outcomes[written[writtenIndex]].converted else { continue }
      outcomes[written[writtenIndex]].changes += Self.readBackChanges(given, back[backIndex], target: target)
    }
  }

  /// What came back otherwise than it was given (`addChanges(readBack:pairs:target:)`).
  public static func readBackChanges(_ given: Account, _ back: Account, target: FormatDescriptor) -> [AccountChange] {
    func change(_ field: ChangedField, from: String, to: String) -> AccountChange {
      AccountChange(
        field: field, effect: .changed(from: from, to: to),
        reason: "\(target.displayName) gives it back so (found by reading the output back)", breaksCodes: false)
    }
    var changes: [AccountChange] = []
    if !given.issuer.isEmpty, given.issuer != back.issuer {
      changes.append(change(.field(.issuer), from: quoted(given.issuer), to: quoted(back.issuer)))
    }
    if !given.name.isEmpty, given.name != back.name {
      changes.append(change(.field(.name), from: quoted(given.name), to: quoted(back.name)))
    }
    if let prefix = given.labelIssuer, prefix != back.labelIssuer {
      changes.append(change(.field(.labelIssuer), from: quoted(prefix), to: back.labelIssuer.map(quoted) ?? "none"))
    }
    if !given.note.isEmpty, given.note != back.note {
      // A note may hold recovery codes: its length only.
      changes.append(
        change(.field(.note), from: "\(given.note.count) characters", to: "other text of \(back.note.count) characters"))
    }
    if !given.groups.isEmpty, given.groups != back.groups {
      changes.append(
        change(
          .field(.groups), from: given.groups.map(quoted).joined(separator: ", "),
          to: back.groups.map(quoted).joined(separator: ", ")))
    }
    return changes
  }

  static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

  /// The characters XML 1.0 has no way to write: C0 controls but tab, LF and CR, and U+FFFE/U+FFFF.
  static func isForbiddenInXML(_ scalar: Unicode.Scalar) -> Bool {
    (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || scalar.value == 0xFFFE
      || scalar.value == 0xFFFF
  }

  /// Whether `account` holds something in `field` that a format without it loses.
  static func hasValue(_ field: AccountField, in account: Account, kind: OTPKind) -> Bool {
    switch field {
    case .issuer: return !account.issuer.isEmpty
    case .name: return !account.name.isEmpty
    case .labelIssuer: return account.labelIssuer != nil
    case .counter: return kind.isCounterBased && account.counter != 0
    case .pin: return account.pin != nil
    case .note: return !account.note.isEmpty
    case .favorite: return account.favorite
    case .groups: return !account.groups.isEmpty
    case .icon: return account.icon != nil
    case .extraParameters: return !account.extraParameters.isEmpty
    }
  }

  /// Clears `field` when it holds something; returns how to show what was lost.
  static func drop(_ field: AccountField, from account: inout Account, kind: OTPKind)
    -> (shown: String, breaksCodes: Bool)?
  {
    guard hasValue(field, in: account, kind: kind) else { return nil }
    switch field {
    case .issuer:
      defer { account.issuer = "" }
      return (quoted(account.issuer), false)
    case .name:
      defer { account.name = "" }
      return (quoted(account.name), false)
    case .labelIssuer:
      let prefix = account.labelIssuer ?? ""
      account.labelIssuer = nil
      return ("\(quoted(prefix)); the issuer \(quoted(account.issuer)) is kept", false)
    case .counter:
      defer { account.counter = 0 }
      return ("counter \(account.counter), reset to 0", true)
    case .pin:
      account.pin = nil
      return ("the PIN, which codes need", true)
    case .note:
      defer { account.note = "" }
      // A note may hold recovery codes: say how long it is, never what it says; a Steam
      // revocation code (steam-mafile) is named, since it is what takes Steam Guard off an account.
      if account.note.hasPrefix(Account.steamRevocationNotePrefix) {
        return ("\(account.note.count) characters: the Steam revocation code; write it down before deleting the old file", false)
      }
      return ("\(account.note.count) characters", false)
    case .favorite:
      account.favorite = false
      return ("marked favourite", false)
    case .groups:
      defer { account.groups = [] }
      return (account.groups.map(quoted).joined(separator: ", "), false)
    case .icon:
      account.icon = nil
      return ("an icon", false)
    case .extraParameters:
      defer { account.extraParameters = [] }
      return (ExtraParameter.shown(account.extraParameters), false)
    }
  }
}
