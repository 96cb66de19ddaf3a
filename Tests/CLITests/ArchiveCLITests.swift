import Foundation
import TestSupport
import Testing

/// Exports kept in archives (issue 20): archives made by bsdtar (Debian's libarchive-tools) and
/// Python's zipfile, never by otpbridge, read as if their members were given directly.
@Suite struct ArchiveCLITests {
  static let root = Vectors.packageRoot.path

  /// Every account of `paths` as `inspect --json --show-secrets` prints it, origins left out.
  func accounts(_ paths: [String], extra: [String] = []) throws -> (status: Int32, accounts: [String], stderr: String) {
    let run = try CLI.run(["inspect", "--json", "--show-secrets", "--fail-on", "never"] + paths + extra)
    guard run.status == 0, let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
      let accounts = object["accounts"] as? [[String: Any]]
    else { return (run.status, [], run.stderr) }
    let shown = try accounts.map { account in
      var account = account
      account["origin"] = nil
      return String(decoding: try JSONSerialization.data(withJSONObject: account, options: .sortedKeys), as: UTF8.self)
    }
    return (run.status, shown, run.stderr)
  }

  func bsdtar(_ arguments: [String], in folder: String) throws {
    let tool = try #require(Subprocess.onPath("bsdtar"), "no bsdtar: scripts/bootstrap.sh installs libarchive-tools")
    let run = CLI.Run(try Subprocess.run(tool, arguments, in: folder))
    try #require(run.status == 0, "bsdtar \(arguments): \(run.stderr)")
  }

  /// A folder with an otpauth list, Aegis's encrypted vault (password "test") and a KeePass database.
  func exports() throws -> String {
    let folder = try CLI.temporaryFolder()
    for (from, to) in [
      (Self.root + "/examples/otpauth/accounts.txt", "accounts.txt"),
      (Vectors.path("stratum/data/aegis.encrypted.json"), "aegis.json"),
      (Vectors.path("stratum/data/keepass.chacha20.argon2d.kdbx"), "keepass.kdbx"),
    ] {
      try FileManager.default.copyItem(atPath: from, toPath: "\(folder)/\(to)")
    }
    try "test\n".write(toFile: "\(folder)/password", atomically: true, encoding: .utf8)
    return folder
  }

  @Test(arguments: [
    ("plain.zip", ["-a", "-cf"]), ("aes.zip", ["--options", "zip:encryption=aes256", "--passphrase", "test", "-a", "-cf"]),
    ("zipcrypto.zip", ["--options", "zip:encryption=zipcrypt", "--passphrase", "test", "-a", "-cf"]),
    ("archive.7z", ["--format", "7zip", "-cf"]), ("archive.tar.gz", ["-czf"]), ("archive.tar.xz", ["-cJf"]),
    ("archive.tar.zst", ["--zstd", "-cf"]),
  ])
  func exportsInAnArchiveReadAsIfGivenDirectly(name: String, create: [String]) throws {
    let folder = try exports()
    try bsdtar(create + [name, "accounts.txt", "aegis.json", "keepass.kdbx"], in: folder)
    let direct = try accounts(
      ["\(folder)/accounts.txt", "\(folder)/aegis.json", "\(folder)/keepass.kdbx"],
      extra: ["--password-file", "\(folder)/password"])
    #expect(direct.status == 0 && direct.accounts.count > 7 + 7, "\(direct.stderr)")
    let archived = try accounts(["\(folder)/\(name)"], extra: ["--password-file", "\(folder)/password"])
    #expect(archived.status == 0, "\(archived.stderr)")
    #expect(archived.accounts == direct.accounts)
    // Origins name the member inside the archive.
    let origins = try CLI.run(["inspect", "\(folder)/\(name)", "--password-file", "\(folder)/password"])
    #expect(origins.stdout.contains("\(name)!aegis.json entry 1"))
  }

  @Test func aSingleCompressedFileIsItsContent() throws {
    let folder = try exports()
    let gzip = CLI.Run(try Subprocess.run("/bin/gzip", ["-k", "accounts.txt"], in: folder))
    try #require(gzip.status == 0)
    let direct = try accounts(["\(folder)/accounts.txt"])
    let compressed = try accounts(["\(folder)/accounts.txt.gz"])
    #expect(compressed.accounts == direct.accounts && !direct.accounts.isEmpty)
    let origins = try CLI.run(["inspect", "\(folder)/accounts.txt.gz"])
    #expect(origins.stdout.contains("accounts.txt.gz!accounts.txt:1"))
  }

  @Test func aWrongOrMissingZipPasswordIsSaid() throws {
    let folder = try exports()
    try bsdtar(
      ["--options", "zip:encryption=aes256", "--passphrase", "right one", "-a", "-cf", "aes.zip", "accounts.txt"], in: folder)
    let wrong = try CLI.run(["inspect", "\(folder)/aes.zip", "--password-file", "\(folder)/password"])
    #expect(wrong.status == 3 && wrong.stderr.contains("aes.zip: wrong password"), "\(wrong.stderr)")
    let none = try CLI.run(["inspect", "\(folder)/aes.zip"])
    #expect(none.status == 3 && none.stderr.contains("no password was given"), "\(none.stderr)")
  }

  @Test func membersThatAreNoExportAreNamedAndAnArchiveOfNoneIsRefused() throws {
    let folder = try exports()
    try "just a note\n".write(toFile: "\(folder)/readme.md", atomically: true, encoding: .utf8)
    try bsdtar(["-a", "-cf", "mixed.zip", "readme.md", "accounts.txt"], in: folder)
    let mixed = try CLI.run(["inspect", "\(folder)/mixed.zip", "--json", "--fail-on", "never"])
    #expect(mixed.status == 0 && mixed.stdout.contains("ARCHIVE_MEMBERS_NOT_READ") && mixed.stdout.contains("readme.md"))
    try bsdtar(["-a", "-cf", "notes.zip", "readme.md"], in: folder)
    let notes = try CLI.run(["inspect", "\(folder)/notes.zip"])
    #expect(notes.status == 3 && notes.stderr.contains("is an export otpbridge reads"), "\(notes.stderr)")
  }

  @Test func anArchiveInsideAnArchiveIsNotOpened() throws {
    let folder = try exports()
    try bsdtar(["-czf", "inner.tar.gz", "accounts.txt"], in: folder)
    try bsdtar(["-a", "-cf", "outer.zip", "inner.tar.gz"], in: folder)
    let run = try CLI.run(["inspect", "\(folder)/outer.zip"])
    #expect(run.status == 3 && run.stderr.contains("inner.tar.gz (an archive)"), "\(run.stderr)")
    // Beside an export, the inner archive is named and the export read.
    try bsdtar(["-czf", "mixed.tgz", "accounts.txt", "outer.zip"], in: folder)
    let mixed = try CLI.run(["inspect", "\(folder)/mixed.tgz"])
    #expect(mixed.status == 0 && mixed.stdout.contains("7 account(s)") && mixed.stderr.contains("\"outer.zip\""), "\(mixed.all)")
  }

  @Test func anArchiveOfNothingNeverSucceeds() throws {
    let folder = try exports()
    try FileManager.default.createDirectory(atPath: "\(folder)/__MACOSX", withIntermediateDirectories: true)
    try Data().write(to: URL(fileURLWithPath: "\(folder)/__MACOSX/._accounts.txt"))
    try Data().write(to: URL(fileURLWithPath: "\(folder)/empty.txt"))
    try bsdtar(["-a", "-cf", "litter.zip", "__MACOSX"], in: folder)
    try bsdtar(["-czf", "empty.tgz", "empty.txt"], in: folder)
    for name in ["litter.zip", "empty.tgz"] {
      let run = try CLI.run(["convert", "\(folder)/\(name)", "--to", "otpauth", "-o", "\(folder)/out.txt"])
      #expect(run.status == 3, "\(name): \(run.all)")
      #expect(!FileManager.default.fileExists(atPath: "\(folder)/out.txt"))
    }
  }

  @Test func aStrayFileThatOnlyResemblesAFormatIsNoExport() throws {
    let folder = try exports()
    // 64 hexadecimal digits: what a TOTP Authenticator backup resembles (as .possible).
    try String(repeating: "ab", count: 32).write(toFile: "\(folder)/checksum.sha256", atomically: true, encoding: .utf8)
    try bsdtar(["-czf", "with-checksum.tgz", "accounts.txt", "checksum.sha256"], in: folder)
    let run = try CLI.run(["inspect", "\(folder)/with-checksum.tgz"])
    #expect(run.status == 0 && run.stderr.contains("checksum.sha256"), "\(run.all)")
  }

  /// Each encrypted member runs its key derivation: an archive may make at most 16 of them run.
  @Test func moreThan16EncryptedMembersAreRefused() throws {
    let folder = try exports()
    let names = (1...17).map { "vault\($0).json" }
    for name in names { try FileManager.default.copyItem(atPath: "\(folder)/aegis.json", toPath: "\(folder)/\(name)") }
    try bsdtar(["-czf", "many.tgz"] + names, in: folder)
    let run = try CLI.run(["inspect", "\(folder)/many.tgz", "--password-file", "\(folder)/password"])
    #expect(run.status == 3 && run.stderr.contains("the number of encrypted members is more than 16"), "\(run.stderr)")
  }

  @Test func unsafeNamesAndBombsAreRefused() throws {
    let folder = try exports()
    let script = """
      import sys, tarfile, io, zipfile
      folder = sys.argv[1]
      with zipfile.ZipFile(folder + "/climb.zip", "w") as z:
          z.writestr("../../etc/accounts.txt", open(folder + "/accounts.txt").read())
      with tarfile.open(folder + "/bomb.tar.gz", "w:gz") as t:
          info = tarfile.TarInfo("big.txt"); info.size = 80 << 20
          t.addfile(info, io.BytesIO(bytes(info.size)))
      """
    let made = CLI.Run(try Subprocess.run("/usr/bin/python3", ["-c", script, folder]))
    try #require(made.status == 0, "\(made.stderr)")
    let climb = try CLI.run(["inspect", "\(folder)/climb.zip"])
    #expect(climb.status == 3 && climb.stderr.contains("climbs out"), "\(climb.stderr)")
    let bomb = try CLI.run(["inspect", "\(folder)/bomb.tar.gz"])
    #expect(bomb.status == 3 && bomb.stderr.contains("limit"), "\(bomb.stderr)")
  }
}

/// `convert --archive zip` (issue 20): the output and its QR images in a WinZip AES-256 zip that
/// pyzipper (PyPI, WinZip AES written in Python) opens, and that `verify` and `inspect` read back.
@Suite struct ArchiveOutputCLITests {
  static let root = Vectors.packageRoot.path
  static let python = root + "/.build/test-venv/bin/python"
  static let source = root + "/examples/otpauth/accounts.txt"

  @Test func anEncryptedZipOfTheOutputAndItsCodes() throws {
    try #require(FileManager.default.isExecutableFile(atPath: Self.python), "no \(Self.python): run make test-venv")
    let folder = try CLI.temporaryFolder()
    try "zip pässword\n".write(toFile: "\(folder)/password", atomically: true, encoding: .utf8)
    let zip = "\(folder)/accounts.txt.zip"
    let convert = try CLI.run(
      [
        "convert", Self.source, "--to", "otpauth", "--archive", "zip", "--new-password-file", "\(folder)/password", "-o", zip,
        "--qr", "png", "codes",
      ], in: folder)
    #expect(convert.status == 0, "\(convert.stderr)")
    #expect(!convert.stderr.contains("NOT ENCRYPTED"))
    // Nothing but the zip was written, and the zip is the user's alone.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["accounts.txt.zip", "password"])
    let mode = try FileManager.default.attributesOfItem(atPath: zip)[.posixPermissions] as? Int
    #expect(mode == 0o600)

    let script = """
      import sys, pyzipper
      with pyzipper.AESZipFile(sys.argv[1]) as z:
          z.setpassword(sys.argv[2].encode())
          infos = z.infolist()
          assert all(i.flag_bits & 1 for i in infos), "a member is not encrypted"
          print("\\n".join(i.filename for i in infos))
          sys.stdout.write(z.read("accounts.txt").decode())
      """
    let opened = CLI.Run(try Subprocess.run(Self.python, ["-c", script, zip, "zip pässword"]))
    #expect(opened.status == 0, "\(opened.stderr)")
    #expect(opened.stdout.hasPrefix("accounts.txt\ncodes/1-"))
    let plain = try CLI.run(["convert", Self.source, "--to", "otpauth", "-o", "-", "--quiet"])
    #expect(!plain.stdout.isEmpty && opened.stdout.hasSuffix(plain.stdout))
    let wrong = CLI.Run(try Subprocess.run(Self.python, ["-c", script, zip, "zip password"]))
    #expect(wrong.status != 0)

    let verify = try CLI.run(["verify", Self.source, zip, "--converted-password-file", "\(folder)/password"])
    #expect(verify.status == 0 && verify.stdout.contains("all 7 accounts match"), "\(verify.all)")
  }

  @Test func archiveNeedsAFileAndAPassword() throws {
    let folder = try CLI.temporaryFolder()
    let toStandardOutput = try CLI.run(["convert", Self.source, "--to", "otpauth", "--archive", "zip", "-o", "-"])
    #expect(toStandardOutput.status == 2)
    let noPassword = try CLI.run(["convert", Self.source, "--to", "otpauth", "--archive", "zip", "-o", "\(folder)/o.zip"])
    #expect(noPassword.status != 0 && noPassword.stderr.contains("new password"), "\(noPassword.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/o.zip"))
  }
}
