import CArchive
import OTPCore
import OnePUX
import TestSupport
import Testing

/// 1Password 1PUX exports (formats.md §3.3).
@Suite struct OnePUXTests {
  let format = OnePUXFormat()

  /// A ZIP of `members`, written with libarchive, for exports no vector covers.
  static func archive(_ members: [(String, String)]) -> [UInt8] {
    let archive = archive_write_new()!
    defer { archive_write_free(archive) }
    archive_write_set_format_zip(archive)
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var used = 0
    #expect(archive_write_open_memory(archive, &buffer, buffer.count, &used) == ARCHIVE_OK)
    for (name, text) in members {
      let entry = archive_entry_new()!
      archive_entry_set_pathname(entry, name)
      archive_entry_set_size(entry, Int64(text.utf8.count))
      archive_entry_set_filetype(entry, 0o100000)
      archive_entry_set_perm(entry, 0o644)
      archive_write_header(archive, entry)
      let bytes = Array(text.utf8)
      _ = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
      archive_entry_free(entry)
    }
    archive_write_close(archive)
    return Array(buffer[0..<used])
  }

  static let attributes = #"{"version": 3, "description": "1Password Unencrypted Export", "createdAt": 1700000000}"#

  static func exportData(totp: String) -> String {
    """
    {"accounts": [{"attrs": {"name": "Me"}, "vaults": [{"attrs": {"name": "Private"}, "items": [
      {"uuid": "a", "favIndex": 0, "state": "active", "categoryUuid": "001",
       "overview": {"title": "GitHub", "url": "https://github.com", "tags": ["Work", "Dev"]},
       "details": {"loginFields": [{"designation": "username", "value": "alice"}, {"designation": "password", "value": "hunter2"}],
                   "notesPlain": "recovery codes elsewhere",
                   "sections": [{"title": "", "fields": [
                     {"title": "when", "id": "d", "value": {"date": 1700000000}},
                     {"title": "one-time password", "id": "TOTP_x", "value": {"totp": "\(totp)"}}]}]}},
      {"uuid": "b", "favIndex": 1, "overview": {"title": "Note"}, "details": {"notesPlain": "n", "sections": []}}
    ]}]}]}
    """
  }

  func read(_ bytes: [UInt8]) throws -> ReadResult {
    try format.read(InputFile(name: "e.1pux", bytes: bytes), context: ReadContext())
  }

  @Test func keepassxcFixture() throws {
    let input = try Vectors.input("keepassxc/tests/data/1PasswordExport.1pux")
    #expect(format.sniff(input) == .certain)
    #expect(format.sniff(InputFile(name: "export.zip", bytes: input.bytes)) == .likely)
    let result = try format.read(input, context: ReadContext())
    #expect(result.accounts.count == 2)
    for (account, secret) in zip(result.accounts, ["DFDFDEF", "DFDFDEFDEF"]) {
      #expect(account.kind == .totp && account.issuer == "Login" && account.name == "team@keepassxc.org")
      #expect(account.secret == Secret(try Base32.decode(secret)))
      #expect(account.algorithm == .sha1 && account.digits == 6 && account.period == 30)
      #expect(account.favorite && account.groups == ["website"])
      #expect(account.extraParameters.map(\.value) == ["https://keepassxc.org", "https://twitter.com"])
      #expect(account.origin.place == .entry(1))
    }
    #expect(result.findings.contains { $0.code == "ONEPUX_SEVERAL_OTPS" })
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("8 item") })
    #expect(result.findings.filter { $0.code == "PASSWORDS_NOT_READ" }.count == 1)
    #expect(!result.findings.contains { $0.message.contains("password\"") || $0.entrySkipped })
  }

  @Test func otpauthURIInATOTPField() throws {
    let uri =
      "otpauth://totp/GitHub:alice%40example.com?secret=5OM4WOOGPLQEF6UGN3CPEOOLWU&algorithm=SHA256&digits=7&period=20&issuer=GitHub"
    let result = try read(Self.archive([("export.attributes", Self.attributes), ("export.data", Self.exportData(totp: uri))]))
    #expect(result.accounts.count == 1)
    let account = result.accounts[0]
    #expect(account.issuer == "GitHub" && account.name == "alice@example.com")
    #expect(account.algorithm == .sha256 && account.digits == 7 && account.period == 20)
    #expect(account.groups == ["Work", "Dev"] && account.note == "recovery codes elsewhere" && !account.favorite)
    #expect(account.extraParameters == [ExtraParameter(name: "url", value: "https://github.com")])
    #expect(result.findings.contains { $0.code == "ITEMS_WITHOUT_OTP" && $0.message.hasPrefix("1 item") })
  }

  @Test func badSecretSkipsOnlyThatAccount() throws {
    let result = try read(Self.archive([("export.data", Self.exportData(totp: "not base32!"))]))
    #expect(result.accounts.isEmpty)
    #expect(result.findings.contains { $0.entrySkipped && $0.origin?.place == .entry(1) })
  }

  @Test func unsupportedVersion() {
    let bytes = Self.archive([("export.attributes", #"{"version": 9}"#), ("export.data", Self.exportData(totp: "JBSWY3DP"))])
    #expect(throws: OTPError.unsupportedVersion(file: "e.1pux", version: "9", supported: "1PUX versions 1 to 3")) {
      try read(bytes)
    }
  }

  @Test func damagedArchivesAreCorrupted() throws {
    let good = try Vectors.input("keepassxc/tests/data/1PasswordExport.1pux").bytes
    #expect(throws: OTPError.self) { try read(Array(good.prefix(good.count / 2))) }
    #expect(throws: OTPError.self) { try read(Array("not a zip".utf8)) }
    #expect(
      throws: OTPError.corrupted(file: "e.1pux", place: nil, reason: "the archive has no export.data: not a 1Password export")
    ) {
      try read(Self.archive([("other.txt", "x")]))
    }
    #expect(
      throws: OTPError.corrupted(file: "e.1pux", place: "export.data", reason: "not JSON in the shape of a 1Password export")
    ) {
      try read(Self.archive([("export.data", "{\"accounts\": 5}")]))
    }
  }

  @Test func cannotWrite() {
    #expect(!format.descriptor.canWrite)
    #expect(throws: OTPError.cannotWrite(format: "1pux")) { try format.write([], context: WriteContext()) }
  }
}
