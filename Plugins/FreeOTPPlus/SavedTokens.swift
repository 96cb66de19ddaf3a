import OTPCore

/// The JSON shape of FreeOTP+'s `SavedTokens` and legacy `Token` (formats.md §10.1). Every token
/// field is optional here, so that a token missing one becomes a finding, not an unreadable file.
struct SavedTokens: Codable {
  var tokenOrder: [String]?
  var tokens: [Token]

  struct Token: Codable {
    var algo: String?
    var counter: Int64?
    var digits: Int?
    var image: String?
    var imageAlt: String?
    var issuerAlt: String?
    var issuerExt: String?
    var issuerInt: String?
    var label: String?
    var labelAlt: String?
    var period: Int?
    /// The key as Java's signed bytes, −128…127.
    var secret: [Int]?
    var type: String?

    /// `Token.getID()`: how tokenOrder names a token.
    var id: String {
      let label = label ?? ""
      if let issuerInt, !issuerInt.isEmpty { return issuerInt + ":" + label }
      if let issuerExt, !issuerExt.isEmpty { return issuerExt + ":" + label }
      return label
    }

    /// The issuer FreeOTP+ shows, which also decides Steam codes (`Token.getIssuer()`).
    var displayedIssuer: String {
      [issuerAlt, issuerExt, issuerInt].compactMap { $0 }.first { !$0.isEmpty } ?? ""
    }

    /// The account, with the key from `secret` or, for FreeOTP 2.x's backup, `decryptedKey`.
    /// FreeOTP+ and tokens.xml store an HOTP counter one lower than the next code's and show
    /// Steam codes for the issuer "Steam"; FreeOTP 2.x's backup does neither (`asFreeOTP2`).
    func account(origin: Origin, decryptedKey: [UInt8]? = nil, asFreeOTP2: Bool = false) throws(EntryProblem) -> Account {
      let key: Secret
      if let decryptedKey {
        key = Secret(decryptedKey)
      } else {
        guard let signed = secret, !signed.isEmpty else {
          throw EntryProblem(FreeOTPPlusCode.noSecret, "the token has no secret")
        }
        guard signed.allSatisfy({ (-128...127).contains($0) }) else {
          throw EntryProblem(FreeOTPPlusCode.badSecret, "the secret holds a value that is not a signed byte")
        }
        key = Secret(signed.map { UInt8(bitPattern: Int8($0)) })
      }

      var kind: OTPKind
      switch type ?? "TOTP" {
      case "TOTP": kind = .totp
      case "HOTP": kind = .hotp
      default: throw EntryProblem(FreeOTPPlusCode.badType, "type '\((type ?? "").prefix(16))' is neither TOTP nor HOTP")
      }
      if kind == .totp && displayedIssuer == "Steam" && !asFreeOTP2 { kind = .steam }

      let algorithm = HashAlgorithm(lenient: algo ?? "SHA1")
      guard let algorithm, algorithm != .md5 else {
        throw EntryProblem(FreeOTPPlusCode.badAlgorithm, "algorithm '\((algo ?? "").prefix(16))' is not SHA1, SHA256 or SHA512")
      }
      let digits = digits ?? kind.defaults.digits
      let period = period ?? 30
      try EntryProblem.checkParameters(
        kind: kind, digits: digits, period: period, badDigits: FreeOTPPlusCode.badDigits, badPeriod: FreeOTPPlusCode.badPeriod)
      var counter: UInt64 = 0
      if kind == .hotp {
        // Stored one lower than the otpauth counter (see FreeOTPPlusFormat), but in FreeOTP 2.x.
        let stored = self.counter ?? 0
        let lower: Int64 = asFreeOTP2 ? 0 : -1
        guard stored >= lower, stored < Int64.max else {
          throw EntryProblem(FreeOTPPlusCode.badCounter, "a stored counter of \(stored)")
        }
        counter = UInt64(stored - lower)
      }

      var account = Account(
        kind: kind, secret: key, algorithm: algorithm, digits: digits, period: period, counter: counter,
        icon: [imageAlt, image].compactMap { $0 }.first { !$0.isEmpty }, origin: origin)
      let nonEmptyInt = issuerInt.flatMap { $0.isEmpty ? nil : $0 }
      let nonEmptyExt = issuerExt.flatMap { $0.isEmpty ? nil : $0 }
      if let issuerAlt, !issuerAlt.isEmpty {
        account.issuer = issuerAlt
      } else {
        account.issuer = nonEmptyInt ?? nonEmptyExt ?? ""
        // The label prefix, when it differs from the issuer parameter; for Steam it is the marker.
        if kind != .steam, let nonEmptyExt, nonEmptyExt != account.issuer { account.labelIssuer = nonEmptyExt }
      }
      account.name = [labelAlt, label].compactMap { $0 }.first { !$0.isEmpty } ?? ""
      return account
    }

    init(account: Account) throws {
      algo = account.algorithm.rawValue
      digits = account.digits
      period = account.period
      label = account.name
      image = account.icon
      secret = account.secret.bytes.map { Int(Int8(bitPattern: $0)) }
      switch account.kind {
      case .hotp:
        guard account.counter <= UInt64(Int64.max) else {
          throw OTPError.invalidArgument("\(account.displayName): counter \(account.counter) is too large for FreeOTP+")
        }
        type = "HOTP"
        counter = Int64(account.counter) - 1
      default:
        type = "TOTP"
        counter = 0
      }
      if account.kind == .steam {
        issuerExt = "Steam"
        issuerInt = account.issuer.isEmpty ? nil : account.issuer
      } else {
        issuerExt = account.labelIssuer ?? account.issuer
        issuerInt = account.issuer.isEmpty ? nil : account.issuer
        guard displayedIssuer != "Steam" else {
          throw OTPError.invalidArgument(
            "\(account.displayName): FreeOTP+ makes Steam codes for every token whose issuer is 'Steam', so this \(account.kind.rawValue) account cannot be written as it is. Rename its issuer first."
          )
        }
      }
    }
  }
}

/// The findings the FreeOTP+ reader and writer report (docs/audit.md lists their meanings).
enum FreeOTPPlusCode: String, FindingCode {
  case badAlgorithm = "FREEOTPPLUS_BAD_ALGORITHM"
  case badCounter = "FREEOTPPLUS_BAD_COUNTER"
  case badDigits = "FREEOTPPLUS_BAD_DIGITS"
  case badPeriod = "FREEOTPPLUS_BAD_PERIOD"
  case badSecret = "FREEOTPPLUS_BAD_SECRET"
  case badToken = "FREEOTPPLUS_BAD_TOKEN"
  case badType = "FREEOTPPLUS_BAD_TYPE"
  case backupKeyDamaged = "FREEOTP_BACKUP_KEY_DAMAGED"
  case backupNoKey = "FREEOTP_BACKUP_NO_KEY"
  case duplicateID = "FREEOTPPLUS_DUPLICATE_ID"
  case noSecret = "FREEOTPPLUS_NO_SECRET"
  case notInOrder = "FREEOTPPLUS_NOT_IN_ORDER"
}
