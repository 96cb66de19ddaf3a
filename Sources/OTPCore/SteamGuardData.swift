import Foundation

/// A string member that some files write as a number (`steamid`): a number is kept as its
/// digits, and any other value (a fraction, true, an object) as nothing, so that one odd member
/// never loses the account.
public struct SteamGuardText: Decodable, Sendable {
  public var text: String

  public init(from decoder: any Decoder) throws {
    let single = try decoder.singleValueContainer()
    if let string = try? single.decode(String.self) {
      text = string
    } else if let number = try? single.decode(UInt64.self) {
      text = String(number)
    } else if let number = try? single.decode(Int64.self) {
      text = String(number)
    } else {
      text = ""
    }
  }
}

/// A Steam Guard authenticator's data as Steam's mobile API returns it: Steam Desktop
/// Authenticator's `.maFile`, steamguard-cli's, the Steam app's, and WinAuth's `data=` parameter
/// (the same JSON). The members otpbridge reads; they write more.
///
/// **Steam stays Steam.** `shared_secret` (base64) makes 5-character Steam codes. The revocation
/// code, which recovers the Steam account, becomes the note (masked like secrets). What else it
/// carries for Steam's trade confirmations and sign-in is kept as extra parameters named as in
/// the file (`extraNames`), so that the loss report names it when another format cannot hold it.
public struct SteamGuardData: Decodable, Sendable {
  public struct SessionData: Decodable, Sendable {
    public var SteamID: SteamGuardText?
  }

  public var shared_secret: SteamGuardText?
  public var account_name: SteamGuardText?
  public var revocation_code: SteamGuardText?
  public var serial_number: SteamGuardText?
  public var token_gid: SteamGuardText?
  public var identity_secret: SteamGuardText?
  public var secret_1: SteamGuardText?
  public var device_id: SteamGuardText?
  public var steamid: SteamGuardText?
  public var Session: SessionData?

  /// No members: the data of a Steam account that gives only its secret.
  public init() {}

  /// The members kept as extra parameters, in the order SDA writes them.
  public static let extraNames = ["serial_number", "token_gid", "identity_secret", "secret_1", "device_id", "steamid"]

  /// The Steam account: with `shared_secret`'s secret, or `secret` when the file around the data
  /// gives it (WinAuth's base32 `secret=`); `badSecret` names a secret that is missing or not
  /// base64.
  public func account(secret given: Secret? = nil, origin: Origin, badSecret: some FindingCode) throws(EntryProblem)
    -> Account
  {
    let secret: Secret
    if let given {
      secret = given
    } else {
      guard let text = shared_secret?.text, let bytes = Data(base64Encoded: text), !bytes.isEmpty else {
        throw EntryProblem(badSecret, "the shared secret is missing or not base64")
      }
      secret = Secret(Array(bytes))
    }
    let values: [String: String?] = [
      "serial_number": serial_number?.text, "token_gid": token_gid?.text, "identity_secret": identity_secret?.text,
      "secret_1": secret_1?.text, "device_id": device_id?.text, "steamid": steamid?.text ?? self.Session?.SteamID?.text,
    ]
    let extras = Self.extraNames.compactMap { name -> ExtraParameter? in
      guard let value = values[name] ?? nil, !value.isEmpty, value != "0" else { return nil }
      return ExtraParameter(name: name, value: value)
    }
    let revocation = revocation_code?.text ?? ""
    return Account(
      kind: .steam, issuer: "Steam", name: account_name?.text ?? "", secret: secret,
      note: revocation.isEmpty ? "" : Account.steamRevocationNotePrefix + revocation, extraParameters: extras,
      origin: origin)
  }
}
