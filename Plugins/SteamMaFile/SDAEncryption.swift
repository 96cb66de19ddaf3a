import Foundation
import OTPCore
import OTPCrypto
import OTPJSON

/// Steam Desktop Authenticator's encrypted maFiles (its FileEncryptor.cs): the file is the base64
/// of AES-256-CBC (PKCS#7) ciphertext; the key is PBKDF2-HMAC-SHA1 of the passkey over an 8-byte
/// salt, 50,000 rounds; the salt and the IV of each file are kept in `manifest.json` beside it.
enum SDAEncryption {
  static let rounds = 50_000

  struct Manifest: Decodable {
    struct Entry: Decodable {
      var encryption_iv: String?
      var encryption_salt: String?
      var filename: String?
    }
    var entries: [Entry]?
  }

  /// The plain maFile of `input`, opened with the password the user gives.
  static func open(_ input: InputFile, password provider: PasswordProvider, maximumSize: Int) throws -> [UInt8] {
    let text = String(decoding: input.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard let ciphertext = Data(base64Encoded: text), !ciphertext.isEmpty, ciphertext.count % 16 == 0 else {
      throw OTPError.corrupted(
        file: input.name, place: nil, reason: "not a Steam maFile: neither JSON nor SDA's encrypted base64")
    }
    let folder = PathText.folder(of: input.name)
    let manifestPath = (folder.isEmpty ? "." : folder) + "/manifest.json"
    guard input.name != "-", let manifestBytes = SideFile.read(manifestPath, maximumSize: maximumSize) else {
      throw OTPError.cannotOpen(
        file: input.name,
        reason:
          "it is an encrypted Steam Desktop Authenticator maFile, whose salt and IV are in SDA's manifest.json: put that file beside it (as in SDA's maFiles folder)"
      )
    }
    let name = PathText.name(of: input.name)
    guard let manifest = try? JSONTapeDecoder().decode(Manifest.self, from: Array(manifestBytes)),
      let entry = manifest.entries?.first(where: { $0.filename == name })
    else {
      throw OTPError.corrupted(file: manifestPath, place: nil, reason: "SDA's manifest lists no entry for \(name)")
    }
    guard let saltText = entry.encryption_salt, let ivText = entry.encryption_iv, let salt = Data(base64Encoded: saltText),
      let iv = Data(base64Encoded: ivText), iv.count == 16
    else {
      throw OTPError.corrupted(
        file: manifestPath, place: "entry \(name)", reason: "it has no valid encryption_salt and encryption_iv")
    }
    guard let password = try provider.password(for: input.name) else { throw OTPError.passwordRequired(file: input.name) }
    let key = try KeyDerivation.pbkdf2(password: Array(password.utf8), salt: Array(salt), hash: .sha1, rounds: rounds, length: 32)
    // CBC has no tag: a wrong passkey shows as bad padding or as text that is not JSON (SDA's own test).
    guard let plain = try? Cipher.aesCBCDecrypt(key: key, iv: Array(iv), ciphertext: Array(ciphertext)),
      plain.first == UInt8(ascii: "{")
    else { throw OTPError.wrongPassword(file: input.name) }
    return plain
  }
}
