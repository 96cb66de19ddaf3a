import Foundation
import OTPCore

/// A string member that some files write as a number (`steamid`): a number is kept as its
/// digits, and any other value (a fraction, true, an object) as nothing, so that one odd member
/// never loses the account.
struct Text: Decodable {
  var text: String

  init(from decoder: any Decoder) throws {
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

/// The Steam app's account file: `{"accounts": {id: maFile, …}}`.
struct AppFile: Decodable {
  var accounts: [String: MaFile]?
}

/// The members of a maFile otpbridge reads; SDA and the Steam app write more.
struct MaFile: Decodable {
  struct SessionData: Decodable {
    var SteamID: Text?
  }

  var shared_secret: Text?
  var account_name: Text?
  var revocation_code: Text?
  var serial_number: Text?
  var token_gid: Text?
  var identity_secret: Text?
  var secret_1: Text?
  var device_id: Text?
  var steamid: Text?
  var Session: SessionData?

  func account(origin: Origin) throws(EntryProblem) -> Account {
    guard let text = shared_secret?.text, let bytes = Data(base64Encoded: text), !bytes.isEmpty else {
      throw EntryProblem(SteamMaFileCode.badSecret, "the shared secret is missing or not base64")
    }
    let values: [String: String?] = [
      "serial_number": serial_number?.text, "token_gid": token_gid?.text, "identity_secret": identity_secret?.text,
      "secret_1": secret_1?.text, "device_id": device_id?.text, "steamid": steamid?.text ?? self.Session?.SteamID?.text,
    ]
    let extras = SteamMaFileFormat.extraNames.compactMap { name -> ExtraParameter? in
      guard let value = values[name] ?? nil, !value.isEmpty, value != "0" else { return nil }
      return ExtraParameter(name: name, value: value)
    }
    let revocation = revocation_code?.text ?? ""
    return Account(
      kind: .steam, issuer: "Steam", name: account_name?.text ?? "", secret: Secret(Array(bytes)),
      note: revocation.isEmpty ? "" : Account.steamRevocationNotePrefix + revocation, extraParameters: extras,
      origin: origin)
  }
}
