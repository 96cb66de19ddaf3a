import OTPCore

/// A password manager's login item as far as a two-factor account goes. 1Password, Bitwarden and
/// KeePassXC all keep the one-time password as one text beside a title, a username and websites
/// (formats.md §3, §4, §10.5), so their plugins share this mapping and it is the same in each.
///
/// Reading: the one-time-password text is an otpauth URI, `steam://SECRET` or a bare base32
/// secret. A URI's own issuer and account name win; the title fills an empty issuer and the
/// username an empty name. A title equal to the account name is not taken as an issuer: writers
/// title an account without issuer by its name. Websites become extra parameters named "url".
public struct LoginItem: Sendable, Equatable {
  public var title: String
  public var username: String
  public var urls: [String]
  /// An otpauth URI, `steam://SECRET`, a bare base32 secret, or "" when the item has none.
  public var otp: String
  public var note: String
  public var favorite: Bool
  public var groups: [String]

  /// The name of the extra parameter that carries a website.
  public static let urlParameter = "url"

  public init(
    title: String = "", username: String = "", urls: [String] = [], otp: String = "", note: String = "",
    favorite: Bool = false, groups: [String] = []
  ) {
    self.title = title
    self.username = username
    self.urls = urls
    self.otp = otp
    self.note = note
    self.favorite = favorite
    self.groups = groups
  }

  /// The item for `account`: the otpauth URI carries everything about the codes, and the first
  /// `urlSlots` websites go to the item's own URL fields (the rest stay in the URI).
  public init(account: Account, urlSlots: Int) {
    var uriAccount = account
    var urls: [String] = []
    uriAccount.extraParameters = []
    for extra in account.extraParameters {
      if extra.name == Self.urlParameter, urls.count < urlSlots {
        urls.append(extra.value)
      } else {
        uriAccount.extraParameters.append(extra)
      }
    }
    self.init(
      title: account.issuer.isEmpty ? account.name : account.issuer, username: account.name, urls: urls,
      otp: OtpauthURI.format(uriAccount), note: account.note, favorite: account.favorite, groups: account.groups)
  }

  /// What a password manager's export read as login items can hold: every kind the one-time
  /// password text reads as (an otpauth URI, `steam://`, a bare secret), with `fields` the
  /// manager keeps beside it. For the managers otpbridge reads and does not write.
  public static func readCapabilities(fields: Set<AccountField>) -> Capabilities {
    Capabilities(
      kinds: [.totp, .steam], algorithms: [.sha1, .sha256, .sha512], digits: 1...10, periods: .range(1...Int(Int32.max)),
      fields: fields)
  }

  /// Whether the item has a one-time password at all.
  public var hasOTP: Bool { !otp.trimmingWhitespace().isEmpty }

  /// The account the item holds, with what was odd about its one-time password.
  public func account(origin: Origin) throws(EntryProblem) -> OtpauthURI.Parsed {
    completed(try parsedOTP(origin: origin))
  }

  /// The one-time-password text alone as an account, before the item's title and username fill it in.
  public func parsedOTP(origin: Origin) throws(EntryProblem) -> OtpauthURI.Parsed {
    let text = otp.trimmingWhitespace()
    if text.contains("://") {
      var parsed = try OtpauthURI.parse(text, origin: origin)
      if text.lowercased().hasPrefix("steam://") {
        // Bitwarden's Steam form has no label: the item names it.
        parsed.account.issuer = ""
      }
      return parsed
    }
    return try Self.bareSecret(text, origin: origin)
  }

  /// `parsed` with what the item says around its one-time password: the title and username where
  /// the OTP names no issuer or account, the note, groups and websites.
  public func completed(_ parsed: OtpauthURI.Parsed) -> OtpauthURI.Parsed {
    var parsed = parsed
    var account = parsed.account
    if account.name.isEmpty { account.name = username }
    if account.issuer.isEmpty, account.name == title, !username.isEmpty, username != title {
      // `otpauth://totp/Twitter?secret=…` in an item titled Twitter: the label is the service.
      account.issuer = title
      account.name = username
    } else if account.issuer.isEmpty, title != account.name {
      account.issuer = title
    }
    account.note = note
    account.favorite = favorite
    account.groups = groups
    account.extraParameters = urls.map { ExtraParameter(name: Self.urlParameter, value: $0) } + account.extraParameters
    parsed.account = account
    return parsed
  }

  /// A bare secret is TOTP with the defaults (SHA1, 6 digits, 30 s), as Bitwarden reads it (formats.md §4.1).
  static func bareSecret(_ text: String, origin: Origin) throws(EntryProblem) -> OtpauthURI.Parsed {
    let decoded: Base32.Decoded
    do {
      decoded = try Base32.decodeReporting(text)
    } catch {
      throw EntryProblem(LoginItemCode.badSecret, "the one-time-password secret is not valid base32: \(error)")
    }
    let warnings = decoded.ignoredTrailingCharacters > 0 ? [EntryProblem.base32TrailingBits] : []
    return OtpauthURI.Parsed(account: Account(kind: .totp, secret: Secret(decoded.bytes), origin: origin), warnings: warnings)
  }

  /// The one finding per file that says passwords were left behind.
  public static func passwordsNotRead(file: String) -> Finding {
    Finding(
      .info, code: CoreCode.passwordsNotRead,
      "passwords, password history and custom fields were not read: otpbridge carries two-factor accounts only",
      at: Origin(file: file, place: .whole))
  }

  /// Adds the item's account and its warnings to `result`, or, when its one-time password cannot
  /// be read, an error finding that the item was skipped (the classifier's, for an activation code
  /// or link pasted where the secret belongs).
  public func read(into result: inout ReadResult, at origin: Origin) {
    result.readEntry(at: origin, noun: "item", classifying: { otp }, label: title.isEmpty ? nil : title) {
      warnings throws(EntryProblem) in
      let parsed = try account(origin: origin)
      warnings = parsed.warnings
      return parsed.account
    }
  }

  /// The one finding per file that counts the items without a one-time password, or nil when all had one.
  /// A password manager's logins read as every one of them is: each item with a one-time password
  /// becomes an account (`read(into:at:)`), the items without one are counted in one finding, and
  /// that passwords were not read is said once.
  public static func read(_ items: some Sequence<(item: LoginItem, origin: Origin)>, file: String) -> ReadResult {
    read(items, file: file, notLogins: 0)
  }

  /// `read(_:file:)`, counting `notLogins` other items (cards, notes) with those without a one-time password.
  static func read(_ items: some Sequence<(item: LoginItem, origin: Origin)>, file: String, notLogins: Int) -> ReadResult {
    var result = ReadResult(accounts: [], findings: [passwordsNotRead(file: file)])
    var withoutOTP = notLogins
    for (item, origin) in items {
      guard item.hasOTP else {
        withoutOTP += 1
        continue
      }
      item.read(into: &result, at: origin)
    }
    if let finding = itemsWithoutOTP(withoutOTP, file: file) { result.findings.append(finding) }
    return result
  }

  /// `read(_:file:)` over a JSON array decoded element by element: an element that did not decode
  /// is an error finding naming it (the item skipped), the others become items through
  /// `makeItems`: one, or one for each of several one-time passwords (numbered as their element),
  /// or none for what is no login (a card, a note), counted with the items without one; nil for
  /// an element the caller counts itself (an item in the trash).
  public static func read<Element>(
    _ elements: [Result<Element, any Error>], file: String, badItem: some FindingCode, makeItems: (Element) -> [LoginItem]?
  ) -> ReadResult {
    var items: [(item: LoginItem, origin: Origin)] = []
    var skipped: [Finding] = []
    var notLogins = 0
    for (index, element) in elements.enumerated() {
      let origin = Origin(file: file, place: .entry(index + 1))
      switch element {
      case .success(let value):
        guard let made = makeItems(value) else { continue }
        if made.isEmpty { notLogins += 1 }
        items += made.map { ($0, origin) }
      case .failure(let error):
        let why = (error as? DecodingError)?.summary(insideElement: true) ?? "it is not in the format's shape"
        skipped.append(
          Finding(.error, code: badItem, "the item does not read: \(why); the item was skipped", at: origin, entrySkipped: true))
      }
    }
    var result = read(items, file: file, notLogins: notLogins)
    result.findings += skipped
    return result
  }

  /// The one finding that counts the items a manager keeps in its trash, which were not read.
  public static func inTrash(_ count: Int, file: String, code: some FindingCode, app: String) -> Finding? {
    guard count > 0 else { return nil }
    return Finding(.info, code: code, "\(count) item(s) in \(app)'s trash were not read", at: Origin(file: file, place: .whole))
  }

  /// The warning a writer of a manager whose entry is in one group gives for an account in
  /// several: it went to the first.
  public static func oneGroup(_ account: Account, code: some FindingCode, entry: String) -> Finding? {
    guard account.groups.count > 1 else { return nil }
    return Finding(
      .warning, code: code,
      "\(account.displayName): \(entry) is in one group; it went to \"\(account.groups[0])\" and not to the \(account.groups.count - 1) other group(s)",
      at: account.origin)
  }

  public static func itemsWithoutOTP(_ count: Int, file: String) -> Finding? {
    guard count > 0 else { return nil }
    return Finding(
      .info, code: CoreCode.itemsWithoutOTP,
      "\(count) item(s) have no one-time password and were skipped: they are not two-factor accounts",
      at: Origin(file: file, place: .whole))
  }
}

/// The findings of reading a password manager's login item.
public enum LoginItemCode: String, FindingCode {
  case badSecret = "OTP_BAD_SECRET"
}
