import CArchive
import OTPCore

/// ZIP archives held in memory, through libarchive: Raivo's password-protected export (WinZip
/// AES, formats.md §8) and 1Password's 1PUX; with `anyFormat`, also the other archives libarchive
/// reads (7z, tar, gzip, xz, zstd, bzip2), for exports kept in an archive. Members are read in
/// memory only; every name is still checked, and the counts and sizes are capped by `Limits`
/// (docs/limits.md).
public enum ZipArchive {
  public enum Failure: Error, Equatable {
    /// A wanted member is encrypted and no password was given.
    case passwordNeeded
    /// libarchive says the passphrase does not match the entry's password check.
    case wrongPassword
    case damaged(String)
    /// No member is wanted (`first(_:member:password:limits:)` only).
    case memberMissing
    /// More members than `Limits.archiveMembers`.
    case tooManyMembers
    /// The wanted members decompress to more than `Limits.decompressedBytes` (a zip bomb).
    case tooLarge(member: String)
    /// A name that is absolute or climbs out with `..`.
    case unsafeName(String)
    /// libarchive cannot decrypt this kind of archive (7z and RAR encryption).
    case encryptionUnsupported(String)

    /// The error a reader of `file` gives: the failures every archive format shares are mapped
    /// here; the ones whose meaning depends on the format (passwords, a missing member) by
    /// `particular`.
    public func otpError(file: String, limits: Limits, particular: (Failure) -> OTPError) -> OTPError {
      switch self {
      case .tooManyMembers:
        return Limits.refusal(
          file: file, place: nil, parameter: "the number of archive members", value: "more than \(limits.archiveMembers)",
          limit: "\(limits.archiveMembers)")
      case .tooLarge(let member):
        return Limits.refusal(
          file: file, place: member, parameter: "the decompressed size",
          value: "larger than \(limits.decompressedBytes >> 20) MiB",
          limit: "\(limits.decompressedBytes >> 20) MiB")
      case .unsafeName(let name):
        return OTPError.corrupted(
          file: file, place: nil,
          reason: "the archive has a member name that is absolute or climbs out of its folder: \(name.debugDescription)")
      case .damaged(let reason):
        return OTPError.corrupted(file: file, place: nil, reason: "not a readable archive: \(reason)")
      case .encryptionUnsupported(let reason):
        return OTPError.unsupportedVersion(
          file: file, version: "an encrypted archive libarchive cannot open (\(reason))",
          supported: "zip encrypted with WinZip AES or ZipCrypto; 7z and tar archives unencrypted")
      case .passwordNeeded, .wrongPassword, .memberMissing:
        return particular(self)
      }
    }
  }

  /// A zip with no member: its end-of-central-directory record alone.
  public static let emptyArchive: [UInt8] = [0x50, 0x4B, 0x05, 0x06]

  /// How `write` encrypts its member.
  public enum Encryption: String, Sendable {
    /// WinZip AES-256, stored (Raivo's export).
    case aes256 = "zip:compression=store,zip:encryption=aes256"
    /// Traditional PKWARE encryption, deflated: what WinAuth's SharpZipLib writes and reads. Weak
    /// (a known-plaintext attack breaks it); only for apps that read nothing better.
    case zipCrypto = "zip:compression=deflate,zip:encryption=zipcrypt"
    /// Not encrypted, deflated (the password is ignored).
    case none = "zip:compression=deflate"
  }

  /// The zip magic of a local file header, and the name of the first member when there is one.
  public static func firstMemberName(_ bytes: [UInt8]) -> String? {
    guard bytes.count >= 30, bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return nil }
    let length = Int(bytes[26]) | Int(bytes[27]) << 8
    guard bytes.count >= 30 + length else { return nil }
    return String(decoding: bytes[30..<(30 + length)], as: UTF8.self)
  }

  /// The contents of the members `wanted` accepts, by name, decrypting with `password`; stops
  /// after the first when `firstOnly`. `.passwordNeeded` when a wanted member is encrypted and
  /// `password` is nil.
  /// With `anyFormat`, a single compressed file's one member is named `rawName` (libarchive calls
  /// it "data").
  public static func members(
    _ bytes: [UInt8], wanted: (String) -> Bool, password: String? = nil, firstOnly: Bool = false, limits: Limits = .standard,
    anyFormat: Bool = false, rawName: String = "data"
  ) throws(Failure) -> [(name: String, bytes: [UInt8])] {
    let result: Result<[(name: String, bytes: [UInt8])], Failure> = bytes.withUnsafeBytes { buffer in
      guard let archive = archive_read_new() else { return .failure(.damaged("libarchive could not start")) }
      defer { archive_read_free(archive) }
      if anyFormat {
        archive_read_support_format_all(archive)
        archive_read_support_filter_all(archive)
        // A single compressed file (accounts.txt.gz) is one member named "data".
        archive_read_support_format_raw(archive)
      } else {
        archive_read_support_format_zip(archive)
      }
      if let password { archive_read_add_passphrase(archive, password) }
      guard archive_read_open_memory(archive, buffer.baseAddress, buffer.count) == ARCHIVE_OK else {
        return .failure(.damaged(message(archive)))
      }
      var found: [(name: String, bytes: [UInt8])] = []
      var entry: OpaquePointer?
      var listed = 0, decompressed = 0
      while true {
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return .success(found) }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { return .failure(classify(message(archive))) }
        listed += 1
        guard listed <= limits.archiveMembers else { return .failure(.tooManyMembers) }
        let isZip = archive_format(archive) & ARCHIVE_FORMAT_BASE_MASK == ARCHIVE_FORMAT_ZIP
        let name =
          archive_format(archive) == ARCHIVE_FORMAT_RAW
          ? rawName : archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        guard isSafe(name) else { return .failure(.unsafeName(name)) }
        // Folders, links and devices hold no export.
        guard archive_entry_filetype(entry) == 0o100000, wanted(name) else {
          archive_read_data_skip(archive)
          continue
        }
        let encrypted = archive_entry_is_encrypted(entry) != 0
        // Only a zip's encryption opens with a password here; libarchive cannot decrypt 7z's or RAR's.
        if encrypted, !isZip { return .failure(.encryptionUnsupported("\(name.debugDescription) is encrypted")) }
        if encrypted && password == nil { return .failure(.passwordNeeded) }
        switch readData(archive, name: name, limit: limits.decompressedBytes - decompressed, encrypted: encrypted) {
        case .success(let data):
          decompressed += data.count
          found.append((name, data))
          if firstOnly { return .success(found) }
        case .failure(let failure):
          return .failure(failure)
        }
      }
    }
    return try result.get()
  }

  /// The members of `input` that `wanted` accepts, as a reader takes them: read without a
  /// password, and only when a wanted member is encrypted again with the one `context` gives (none
  /// given is `passwordRequired`). Every failure is the `OTPError` for `input`; `wrongPassword` and
  /// `memberMissing` (none wanted, with `firstOnly`) are the format's to word, through `particular`.
  public static func members(
    of input: InputFile, wanted: (String) -> Bool, firstOnly: Bool = false, anyFormat: Bool = false,
    rawName: String = "data", context: ReadContext, particular: (Failure) -> OTPError
  ) throws -> [(name: String, bytes: [UInt8])] {
    var password: String?
    while true {
      do throws(Failure) {
        let found = try members(
          input.bytes, wanted: wanted, password: password, firstOnly: firstOnly, limits: context.budgetedLimits,
          anyFormat: anyFormat, rawName: rawName)
        context.budget?.spend(decompressedBytes: found.reduce(0) { $0 + $1.bytes.count })
        if firstOnly, found.isEmpty { throw Failure.memberMissing }
        return found
      } catch .passwordNeeded where password == nil {
        guard let given = try context.password.password(for: input.name) else {
          throw OTPError.passwordRequired(file: input.name)
        }
        password = given
      } catch {
        throw error.otpError(file: input.name, limits: context.limits, particular: particular)
      }
    }
  }

  /// The bytes of the first member `wanted` accepts; `.memberMissing` when there is none.
  public static func first(
    _ bytes: [UInt8], member wanted: (String) -> Bool, password: String?, limits: Limits = .standard
  ) throws(Failure) -> [UInt8] {
    guard let member = try members(bytes, wanted: wanted, password: password, firstOnly: true, limits: limits).first else {
      throw .memberMissing
    }
    return member.bytes
  }

  static func readData(_ archive: OpaquePointer, name: String, limit: Int, encrypted: Bool = false) -> Result<[UInt8], Failure> {
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
      if count == 0 { return .success(data) }
      guard count > 0 else {
        let text = message(archive)
        // libarchive's WinZip AES reader checks the 2-byte password verifier first and says
        // "Incorrect passphrase"; a failing HMAC over the data is damage. Its 7z and RAR readers
        // say they do not support encryption.
        // ZipCrypto's check is one byte: a wrong password passes it one time in 256 and then fails
        // in decompression, as damage does; the message says both (damage is the likelier).
        let lower = text.lowercased()
        if lower.contains("passphrase") { return .failure(.wrongPassword) }
        if encrypted, lower.contains("decompression failed") {
          return .failure(.damaged("\(text) (damaged, or a wrong password that ZipCrypto's one-byte check let through)"))
        }
        return .failure(classify(text))
      }
      data += chunk.prefix(count)
      guard data.count <= limit else { return .failure(.tooLarge(member: name)) }
    }
  }

  /// A libarchive error that says it cannot decrypt (7z with encrypted headers, RAR) is
  /// unsupported; any other is damage.
  static func classify(_ text: String) -> Failure {
    let lower = text.lowercased()
    return lower.contains("encrypt") && (lower.contains("support") || lower.contains("passphrase"))
      ? .encryptionUnsupported(text) : .damaged(text)
  }

  static func message(_ archive: OpaquePointer) -> String {
    archive_error_string(archive).map { String(cString: $0) } ?? "not a ZIP archive"
  }

  /// Whether a member name stays inside its folder: not absolute (also "C:" or "\"), no "..",
  /// no NUL. No app writes other names, so an archive that has one is refused.
  public static func isSafe(_ name: String) -> Bool {
    guard !name.isEmpty, !name.hasPrefix("/"), !name.hasPrefix("\\"), !name.contains("\0") else { return false }
    if name.count >= 2, name.dropFirst().first == ":" { return false }
    return !name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..")
  }

  /// A zip holding one member, encrypted under `password` (by default as Raivo's own export:
  /// WinZip AES-256, stored).
  public static func write(member name: String, bytes: [UInt8], password: String, encryption: Encryption = .aes256) throws
    -> [UInt8]
  {
    try write(members: [(name, bytes)], password: password, encryption: encryption)
  }

  /// A zip holding `members` in order, each encrypted under `password` (unless `encryption` is `.none`).
  public static func write(members: [(name: String, bytes: [UInt8])], password: String, encryption: Encryption = .aes256)
    throws -> [UInt8]
  {
    let name = members.first?.name ?? "archive"
    final class Sink {
      var bytes: [UInt8] = []
    }
    let sink = Sink()
    guard let archive = archive_write_new() else { throw OTPError.writeFailed(path: name, reason: "libarchive could not start") }
    defer { archive_write_free(archive) }
    func check(_ status: Int32, _ what: String) throws {
      guard status == ARCHIVE_OK else {
        throw OTPError.writeFailed(path: name, reason: "\(what): \(message(archive))")
      }
    }
    try check(archive_write_set_format_zip(archive), "zip format")
    try check(archive_write_set_options(archive, encryption.rawValue), "zip options")
    if encryption != .none { try check(archive_write_set_passphrase(archive, password), "passphrase") }
    try check(archive_write_set_bytes_in_last_block(archive, 1), "block size")
    let context = Unmanaged.passUnretained(sink).toOpaque()
    let status = archive_write_open(
      archive, context, nil,
      { _, context, buffer, length in
        guard let context, let buffer else { return -1 }
        let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
        sink.bytes += UnsafeRawBufferPointer(start: buffer, count: length)
        return length
      }, nil)
    try check(status, "open")
    for member in members {
      guard let entry = archive_entry_new() else {
        throw OTPError.writeFailed(path: member.name, reason: "libarchive could not make an entry")
      }
      defer { archive_entry_free(entry) }
      archive_entry_set_pathname(entry, member.name)
      archive_entry_set_size(entry, Int64(member.bytes.count))
      archive_entry_set_filetype(entry, 0o100000)
      archive_entry_set_perm(entry, 0o600)
      try check(archive_write_header(archive, entry), "member header")
      let written = member.bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
      guard written == member.bytes.count else {
        throw OTPError.writeFailed(path: member.name, reason: "member data: \(message(archive))")
      }
    }
    try check(archive_write_close(archive), "close")
    return sink.bytes
  }
}
