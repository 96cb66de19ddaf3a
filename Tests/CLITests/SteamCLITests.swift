import Foundation
import TestSupport
import Testing

/// Steam maFiles from the command line: SDA's encrypted maFiles (made here with Python's
/// cryptography package from SDA's FileEncryptor.cs description, not by otpbridge), and what the
/// loss report says of the rest of a maFile elsewhere.
@Suite struct SteamCLITests {
  static let root = Vectors.packageRoot.path
  static let python = root + "/.build/test-venv/bin/python"

  /// An SDA maFiles folder: manifest.json and 1234.maFile, encrypted with `passkey`.
  static func sdaFolder(passkey: String) throws -> String {
    let folder = try CLI.temporaryFolder()
    let script = """
      import base64, json, os, sys
      from cryptography.hazmat.primitives import hashes, padding
      from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
      from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
      folder, passkey, plain = sys.argv[1], sys.argv[2].encode(), open(sys.argv[3], "rb").read()
      salt, iv = os.urandom(8), os.urandom(16)
      key = PBKDF2HMAC(algorithm=hashes.SHA1(), length=32, salt=salt, iterations=50000).derive(passkey)
      padder = padding.PKCS7(128).padder()
      encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
      sealed = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
      open(folder + "/1234.maFile", "w").write(base64.b64encode(sealed).decode())
      manifest = {"encrypted": True, "first_run": False, "entries": [{"encryption_iv": base64.b64encode(iv).decode(),
        "encryption_salt": base64.b64encode(salt).decode(), "filename": "1234.maFile", "steamid": 1234}],
        "periodic_checking": False, "periodic_checking_interval": 5, "periodic_checking_checkall": False,
        "auto_confirm_market_transactions": False, "auto_confirm_trades": False}
      open(folder + "/manifest.json", "w").write(json.dumps(manifest))
      """
    let run = CLI.Run(
      try Subprocess.run(
        python, ["-c", script, folder, passkey, Vectors.path("aegis/importers/steam_old.json")]))
    #expect(run.status == 0, "\(run.stderr)")
    return folder
  }

  @Test func sdaEncryptedMaFilesOpenWithThePasskeyAndTheManifest() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make bootstrap")
    let folder = try Self.sdaFolder(passkey: "hunter2 ∑")
    try "hunter2 ∑\n".write(toFile: "\(folder)/passkey", atomically: true, encoding: .utf8)
    try "hunter3\n".write(toFile: "\(folder)/wrong", atomically: true, encoding: .utf8)
    let opened = try CLI.run(["inspect", "\(folder)/1234.maFile", "--password-file", "\(folder)/passkey", "--json"])
    #expect(opened.status == 0, "\(opened.stderr)")
    #expect(opened.stdout.contains(#""name" : "Sophia""#) && opened.stdout.contains(#""type" : "steam""#))
    let wrong = try CLI.run(["inspect", "\(folder)/1234.maFile", "--password-file", "\(folder)/wrong"])
    #expect(wrong.status == 3 && wrong.stderr.contains("password"), "\(wrong.stderr)")
    // From standard input there is no folder to find the manifest in: said, not guessed.
    let piped = try CLI.run(
      ["inspect", "-", "--from", "steam-mafile", "--password-file", "\(folder)/passkey"],
      stdin: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/1234.maFile")))
    #expect(piped.status == 3 && piped.stderr.contains("manifest.json"), "\(piped.stderr)")
    try FileManager.default.removeItem(atPath: "\(folder)/manifest.json")
    let alone = try CLI.run(["inspect", "\(folder)/1234.maFile", "--password-file", "\(folder)/passkey"])
    #expect(alone.status == 3 && alone.stderr.contains("manifest.json"), "\(alone.stderr)")
  }

  /// Into Aegis, the maFile's extra members are named in the loss report, by name only.
  @Test func elsewhereTheLossReportNamesWhatSteamNeedsBesidesTheSecret() throws {
    let folder = try CLI.temporaryFolder()
    let source = Vectors.path("aegis/importers/steam_old.json")
    let refused = try CLI.run(["convert", source, "--to", "aegis", "-o", "\(folder)/v.json"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("extra parameters dropped (serial_number, token_gid, identity_secret, secret_1, steamid)"))
    #expect(!refused.stderr.contains("R1234") && !refused.stderr.contains("dGhpcyBpcyBhIHRlc3Qgc3RyaW5n"))
    // A target without notes names the revocation code it drops, without showing it.
    let migration = try CLI.run(["convert", source, "--to", "freeotp-plus", "-o", "\(folder)/f.json"])
    #expect(migration.stderr.contains("the Steam revocation code; write it down"), "\(migration.stderr)")
    #expect(!migration.stderr.contains("R1234"))
  }
}

extension SteamCLITests {
  /// `--to steam-mafile` writes SDA's folder: -o names it (made 0700 if missing), each file 0600;
  /// standard output and an existing maFile are refused; a new password is refused, not ignored.
  @Test func aMaFilesFolderIsWritten() throws {
    let folder = try CLI.temporaryFolder()
    let source = Vectors.path("aegis/importers/steam_old.json")
    let run = try CLI.run(["convert", source, "--to", "steam-mafile", "-o", "\(folder)/maFiles"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("Wrote 1 account(s) to \(folder)/maFiles (steam-mafile)"))
    let names = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/maFiles").sorted()
    #expect(names == ["1234.maFile", "manifest.json"])
    let folderMode = try FileManager.default.attributesOfItem(atPath: "\(folder)/maFiles")[.posixPermissions] as? Int
    let fileMode = try FileManager.default.attributesOfItem(atPath: "\(folder)/maFiles/1234.maFile")[.posixPermissions] as? Int
    #expect(folderMode == 0o700 && fileMode == 0o600)
    let back = try CLI.run(["verify", source, "\(folder)/maFiles/1234.maFile"])
    #expect(back.status == 0, "\(back.stdout)\(back.stderr)")

    let again = try CLI.run(["convert", source, "--to", "steam-mafile", "-o", "\(folder)/maFiles"])
    #expect(again.status != 0 && again.stderr.contains("exists"), "\(again.stderr)")
    let piped = try CLI.run(["convert", source, "--to", "steam-mafile", "-o", "-"])
    #expect(piped.status == 2 && piped.stderr.contains("-o FOLDER"), "\(piped.stderr)")
    try "pw\n".write(toFile: "\(folder)/pw", atomically: true, encoding: .utf8)
    let encrypted = try CLI.run([
      "convert", source, "--to", "steam-mafile", "-o", "\(folder)/other", "--new-password-file", "\(folder)/pw",
    ])
    #expect(encrypted.status == 2 && encrypted.stderr.contains("cannot be encrypted by otpbridge"), "\(encrypted.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/other"))
  }
}
