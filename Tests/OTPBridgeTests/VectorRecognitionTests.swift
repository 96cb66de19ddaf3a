import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// Every real export file in ../shared/vectors is recognised without `--from` as the format it
/// is, and a file of a format otpbridge does not read yet is refused as unrecognised rather than
/// taken for another format. Each file is listed here, so a vector added later needs a line.
@Suite struct VectorRecognitionTests {
  /// The format each vector is read as, or nil with the reason it is not recognised.
  static let expected: [String: (format: String?, reason: String)] = [
    "aegis/importers/2fas_authenticator.json": ("2fas", ""),
    "aegis/importers/2fas_authenticator_encrypted.2fas": ("2fas", ""),
    "aegis/importers/2fas_authenticator_encrypted_v3.2fas": ("2fas", ""),
    "aegis/importers/2fas_authenticator_encrypted_v4.2fas": ("2fas", ""),
    "aegis/importers/2fas_authenticator_plain.2fas": ("2fas", ""),
    "aegis/importers/2fas_authenticator_plain_v3.2fas": ("2fas", ""),
    "aegis/importers/2fas_authenticator_plain_v4.2fas": ("2fas", ""),
    "aegis/importers/aegis_encrypted.json": ("aegis", ""),
    "aegis/importers/aegis_plain.json": ("aegis", ""),
    "aegis/importers/andotp_encrypted.bin": ("andotp", "found by its header's iteration count, as .possible"),
    "aegis/importers/andotp_encrypted_old.bin": (
      nil, "andOTP's old encrypted backups are random bytes from the first: only a .json.aes name could tell them"
    ),
    "aegis/importers/andotp_plain.json": ("andotp", ""),
    "aegis/importers/authenticator_plus.zip": ("authenticator-plus", ""),
    "aegis/importers/authy_encrypted.xml": ("authy", ""),
    "aegis/importers/authy_plain.xml": ("authy", ""),
    "aegis/importers/battle_net_authenticator.xml": ("battle-net", ""),
    "aegis/importers/bitwarden.csv": ("bitwarden-csv", ""),
    "aegis/importers/bitwarden.json": ("bitwarden-json", ""),
    "aegis/importers/duo.json": ("duo", ""),
    "aegis/importers/ente_auth.txt": ("ente", "an otpauth list with Ente's codeDisplay parameter"),
    "aegis/importers/freeotp.xml": ("freeotp-tokens", ""),
    "aegis/importers/freeotp_plus.json": ("freeotp-plus", ""),
    "aegis/importers/freeotp_plus_internal.xml": ("freeotp-tokens", ""),
    "aegis/importers/freeotp_v2_api23.xml": ("freeotp", ""),
    "aegis/importers/freeotp_v2_api25.xml": ("freeotp", ""),
    "aegis/importers/freeotp_v2_api27.xml": ("freeotp", ""),
    "aegis/importers/freeotp_v2_api34.xml": ("freeotp", ""),
    "aegis/importers/freeotp_v2_null_algo.xml": ("freeotp", ""),
    "aegis/importers/google_authenticator.sqlite": ("google-authenticator-db", ""),
    "aegis/importers/microsoft_authenticator.sqlite": ("ms-authenticator", ""),
    "aegis/importers/plain.txt": ("otpauth", ""),
    "aegis/importers/proton_authenticator.json": ("proton", ""),
    "aegis/importers/steam.json": ("steam-mafile", ""),
    "aegis/importers/steam_old.json": ("steam-mafile", ""),
    "aegis/importers/stratum_encrypted.bin": ("stratum", ""),
    "aegis/importers/stratum_encrypted_legacy.bin": ("stratum", ""),
    "aegis/importers/stratum_internal.db": ("stratum", ""),
    "aegis/importers/stratum_plain.json": ("stratum", ""),
    "aegis/importers/totp_authenticator.bin": ("totp-authenticator", "bare base64, found by its .bin name as .likely"),
    "aegis/importers/totp_authenticator_internal.xml": ("totp-authenticator", ""),
    "aegis/vault/aegis_plain_grouped_v2.json": ("aegis", ""),
    "bitwarden-authenticator-ios/Fixtures/BitwardenExport.json": ("bitwarden-json", ""),
    "bitwarden-authenticator-ios/Fixtures/LastpassExport.json": ("lastpass", ""),
    "bitwarden-authenticator-ios/Fixtures/RaivoExport.json": ("raivo", ""),
    "bitwarden-authenticator-ios/Fixtures/TwoFasExport.2fas": ("2fas", ""),
    "bitwarden-authenticator-ios/google_migration_from_GoogleImporterTests.txt": ("google-migration", ""),
    "keepassxc/tests/data/1PasswordExport.1pux": ("1pux", ""),
    "keepassxc/tests/data/NewDatabase.kdbx": ("keepass", ""),
    "keepassxc/tests/data/bitwarden_encrypted_argon2id_export.json": ("bitwarden-json", ""),
    "keepassxc/tests/data/bitwarden_encrypted_export.json": ("bitwarden-json", ""),
    "keepassxc/tests/data/bitwarden_export.json": ("bitwarden-json", "no `encrypted` member: .likely from its items"),
    "keepassxc/tests/data/keepassxc.opvault/default/profile.js": ("opvault", ""),
    "keepassxc/tests/data/keepassxc.opvault/default/band_1.js": (nil, Self.opvaultPart),
    "keepassxc/tests/data/keepassxc.opvault/default/band_3.js": (nil, Self.opvaultPart),
    "keepassxc/tests/data/keepassxc.opvault/default/band_4.js": (nil, Self.opvaultPart),
    "keepassxc/tests/data/keepassxc.opvault/default/band_5.js": (nil, Self.opvaultPart),
    "keepassxc/tests/data/keepassxc.opvault/default/band_A.js": (nil, Self.opvaultPart),
    "keepassxc/tests/data/keepassxc.opvault/default/band_C.js": (nil, Self.opvaultPart),
    "keepassxc/tests/data/keepassxc.opvault/default/folders.js": (nil, Self.opvaultPart),
    "keepassxc/tests/data/keepassxc.opvault/default/30B6513EE64B4DFE9C47EC2F257CE296_34034F6E478A4D4F91CDBE0A077E2128.attachment":
      (
        nil, Self.opvaultPart
      ),
    "stratum/data/aegis.encrypted.json": ("aegis", ""),
    "stratum/data/aegis.unencrypted.json": ("aegis", ""),
    "stratum/data/andotp.encrypted.bin": ("andotp", "found by its header's iteration count, as .possible"),
    "stratum/data/andotp.unencrypted.json": ("andotp", ""),
    "stratum/data/authplus.db": (
      "authenticator-plus", "SQLCipher has no header: whole 1 KiB pages named authplus.db, as .likely"
    ),
    "stratum/data/backup.html": ("stratum", ""),
    "stratum/data/backup.legacy.authpro": ("stratum", ""),
    "stratum/data/backup.strong.authpro": ("stratum", ""),
    "stratum/data/backup.unencrypted.authpro": ("stratum", ""),
    "stratum/data/bitwarden.encrypted.accountrestricted.json": ("bitwarden-json", ""),
    "stratum/data/bitwarden.encrypted.argon2id.json": ("bitwarden-json", ""),
    "stratum/data/bitwarden.encrypted.pbkdf2.json": ("bitwarden-json", ""),
    "stratum/data/bitwarden.unencrypted.json": ("bitwarden-json", ""),
    "stratum/data/bitwardenauthenticator.json": (
      "bitwarden-json", "Bitwarden Authenticator writes Bitwarden's JSON export (issue 19 checks whether it differs)"
    ),
    "stratum/data/ente.encrypted.json": ("ente", ""),
    "stratum/data/ente.unencrypted.txt": ("otpauth", "Ente's plain export is an otpauth list; this one has no codeDisplay"),
    "stratum/data/freeotp.bin": ("freeotp", ""),
    "stratum/data/freeotpplus.json": ("freeotp-plus", ""),
    "stratum/data/googleauthenticator.txt": ("google-migration", ""),
    "stratum/data/keepass.aes256.aeskdf.kdbx": ("keepass", ""),
    "stratum/data/keepass.aes256.argon2d.kdbx": ("keepass", ""),
    "stratum/data/keepass.aes256.argon2id.kdbx": ("keepass", ""),
    "stratum/data/keepass.chacha20.argon2d.kdbx": ("keepass", ""),
    "stratum/data/keepass.groups.kdbx": ("keepass", ""),
    "stratum/data/keepass.kdbx3.kdbx": ("keepass", ""),
    "stratum/data/keepass.nocompression.kdbx": ("keepass", ""),
    "stratum/data/keepass.norecyclebin.kdbx": ("keepass", ""),
    "stratum/data/keepass.recyclebin.kdbx": ("keepass", ""),
    "stratum/data/keepass.twofish.argon2d.kdbx": ("keepass", ""),
    "stratum/data/lastpass.json": ("lastpass", ""),
    "stratum/data/protonauthenticator.json": ("proton", ""),
    "stratum/data/totpauthenticator.encrypted.bin": ("totp-authenticator", "bare base64, found by its .bin name as .likely"),
    "stratum/data/twofas.encrypted.2fas": ("2fas", ""),
    "stratum/data/twofas.unencrypted.2fas": ("2fas", ""),
    "stratum/data/urilist.txt": ("otpauth", ""),
    "stratum/data/winauth.invalid.zip": (
      "winauth", "an empty zip named winauth…, as .likely, so that reading it says the zip is empty"
    ),
    "stratum/data/winauth.zip": ("winauth", ""),
    "stratum/extra/backup_test/demo.authpro": ("stratum", ""),
    "stratum/extra/backup_test/demo.encrypted.authpro": ("stratum", ""),
  ]

  /// Folders whose files are not read one by one (none now: an OPVault is read through its profile.js).
  static let folders: [String: String] = [:]

  static let opvaultPart = "a part of an OPVault, read through the profile.js beside it: refused alone as unrecognised"

  static func notYet(_ issue: Int) -> String {
    "a format otpbridge does not read yet (issue \(issue)): refused as unrecognised, not taken for another"
  }

  /// Every file under ../shared/vectors but the Markdown that describes them and the folders above.
  static let files: [String] = {
    let root = Vectors.root.path
    let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
    return all.filter { relative in
      var isFolder: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: Vectors.path(relative), isDirectory: &isFolder)
      return !isFolder.boolValue && !relative.hasSuffix(".md") && !folders.keys.contains { relative.hasPrefix($0 + "/") }
    }.sorted()
  }()

  @Test func everyVectorIsListed() {
    #expect(Self.files.count >= 80, "../shared/vectors is missing or nearly empty")
    #expect(Set(Self.files) == Set(Self.expected.keys), "listed here but not there, or there but not here")
  }

  @Test(arguments: files)
  func vectorIsRecognisedAsItsFormat(_ relative: String) throws {
    let input = try Vectors.input(relative)
    let expected = try #require(Self.expected[relative])
    if let format = expected.format {
      #expect(try Registry.builtIn.reader(for: input, from: nil).descriptor.id == format)
    } else {
      #expect {
        _ = try Registry.builtIn.reader(for: input, from: nil)
      } throws: { error in
        if case .unrecognisedFormat = error as? OTPError { return true }
        return false
      }
    }
  }
}
