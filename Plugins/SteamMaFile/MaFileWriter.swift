import Foundation
import OTPCore
import OTPJSON

/// Steam Desktop Authenticator's maFiles folder, as SDA keeps it: one `<SteamID>.maFile` per
/// account (SteamAuth's SteamGuardAccount, SDA's member order) and the `manifest.json` that lists
/// them. SDA reads the folder; steamguard-cli imports the maFiles. Strings are empty rather than
/// null and `server_time` is a number, as steamguard-cli requires; no device id or SteamID is
/// made up where the account has none. Plain only: SDA encrypts the folder with its own passkey.
enum MaFileWriter {
  struct MaFile: Encodable {
    struct Session: Encodable {
      var SessionID = ""
      var SteamLogin = ""
      var SteamLoginSecure = ""
      var WebCookie = ""
      var OAuthToken = ""
      var SteamID: UInt64
    }
    var shared_secret: String
    var serial_number: String
    var revocation_code: String
    var uri: String
    var server_time = 0
    var account_name: String
    var token_gid: String
    var identity_secret: String
    var secret_1: String
    var status = 1
    var device_id: String
    var fully_enrolled = true
    var Session: Session
    /// A SteamID that is not a number (never one from Steam) is kept here, where the reader finds it.
    var steamid: String?
  }

  struct Manifest: Encodable {
    struct Entry: Encodable {
      var encryption_iv: String? = nil
      var encryption_salt: String? = nil
      var filename: String
      var steamid: UInt64

      enum CodingKeys: String, CodingKey { case encryption_iv, encryption_salt, filename, steamid }

      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(encryption_iv, forKey: .encryption_iv)
        try container.encode(encryption_salt, forKey: .encryption_salt)
        try container.encode(filename, forKey: .filename)
        try container.encode(steamid, forKey: .steamid)
      }
    }
    var encrypted = false
    var first_run = false
    var entries: [Entry]
    var periodic_checking = false
    var periodic_checking_interval = 5
    var periodic_checking_checkall = false
    var auto_confirm_market_transactions = false
    var auto_confirm_trades = false
  }

  static let manifestName = "manifest.json"

  static func files(for accounts: [Account]) throws -> [WrittenFile] {
    var files: [WrittenFile] = []
    var entries: [Manifest.Entry] = []
    var names: Set<String> = [manifestName.lowercased()]
    var nextAttempt: [String: Int] = [:]
    let encoder = JSONStreamEncoder()
    for (index, account) in accounts.enumerated() {
      guard account.kind == .steam else { throw OTPError.cannotWrite(format: "steam-mafile") }
      let extras = Dictionary(account.extraParameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
      let steamID = extras["steamid"].flatMap { UInt64($0) }
      let revocation =
        account.note.hasPrefix(Account.steamRevocationNotePrefix)
        ? String(account.note.dropFirst(Account.steamRevocationNotePrefix.count)) : ""
      var label: [UInt8] = []
      PercentEncoding.encode(account.name, into: &label)
      let maFile = MaFile(
        shared_secret: Data(account.secret.bytes).base64EncodedString(), serial_number: extras["serial_number"] ?? "",
        revocation_code: revocation,
        uri:
          "otpauth://totp/Steam:\(String(decoding: label, as: UTF8.self))?secret=\(account.secret.revealBase32())&issuer=Steam",
        account_name: account.name, token_gid: extras["token_gid"] ?? "", identity_secret: extras["identity_secret"] ?? "",
        secret_1: extras["secret_1"] ?? "", device_id: extras["device_id"] ?? "",
        Session: MaFile.Session(SteamID: steamID ?? 0), steamid: steamID == nil ? extras["steamid"] : nil)
      // SDA names a maFile by its SteamID; without one, by its place and account name.
      // A SteamID given twice gets -2, -3, …, counted on from the last taken (a file that repeats
      // one SteamID 100,000 times costs no more than 100,000 names).
      let stem = steamID.map(String.init) ?? "account-\(index + 1)"
      var name = steamID.map { "\($0).maFile" } ?? "\(stem)\(safeName(account.name)).maFile"
      while !names.insert(name.lowercased()).inserted {
        let attempt = nextAttempt[stem, default: 2]
        nextAttempt[stem] = attempt + 1
        name = "\(stem)-\(attempt).maFile"
      }
      files.append(WrittenFile(name: name, bytes: try encoder.encode(maFile), holdsAccounts: true))
      entries.append(Manifest.Entry(filename: name, steamid: steamID ?? 0))
    }
    let manifest = try JSONStreamEncoder(prettyPrinted: true).encode(Manifest(entries: entries))
    return [WrittenFile(name: manifestName, bytes: manifest, holdsAccounts: false)] + files
  }

  /// "-Name" from the letters, digits, '.', '_' and '-' of an account name (at most 40), or "".
  static func safeName(_ name: String) -> String {
    let kept = name.unicodeScalars.filter {
      $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
    }
    let text = String(String.UnicodeScalarView(kept.prefix(40)))
    return text.isEmpty || text.hasPrefix(".") ? "" : "-" + text
  }
}
