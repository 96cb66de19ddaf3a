import CArchive
import OTPCore

/// The password-protected ZIP around Raivo's export, through libarchive (formats.md §8: WinZip AES,
/// stored). Only what the plugin needs: find a member and read it, and write one member.
enum ZipArchive {
  enum Failure: Error, Equatable {
    /// The archive needs a password and none was given.
    case passwordNeeded
    /// libarchive says the passphrase does not match the entry's password check.
    case wrongPassword
    case damaged(String)
    case memberMissing
    /// More members than `Limits.archiveMembers`.
    case tooManyMembers
    /// The member decompresses to more than `Limits.decompressedBytes` (a zip bomb).
    case tooLarge
    /// A name that is absolute or climbs out with `..` (docs/limits.md).
    case unsafeName(String)
  }

  /// The zip magic of a local file header, and the name of the first member when there is one.
  static func firstMemberName(_ bytes: [UInt8]) -> String? {
    guard bytes.count >= 30, bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return nil }
    let length = Int(bytes[26]) | Int(bytes[27]) << 8
    guard bytes.count >= 30 + length else { return nil }
    return String(decoding: bytes[30..<(30 + length)], as: UTF8.self)
  }

  /// The bytes of the first member whose name `wanted` accepts, decrypting with `password`.
  /// Returns `.passwordNeeded` when that member is encrypted and `password` is nil.
  static func read(_ bytes: [UInt8], member wanted: (String) -> Bool, password: String?, limits: Limits = .standard) throws(Failure) -> [UInt8] {
    let result: Result<[UInt8], Failure> = bytes.withUnsafeBytes { buffer in
      guard let archive = archive_read_new() else { return .failure(.damaged("libarchive could not start")) }
      defer { archive_read_free(archive) }
      archive_read_support_format_zip(archive)
      if let password { archive_read_add_passphrase(archive, password) }
      guard archive_read_open_memory(archive, buffer.baseAddress, buffer.count) == ARCHIVE_OK else {
        return .failure(.damaged(message(archive)))
      }
      var entry: OpaquePointer?
      var listed = 0
      while true {
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return .failure(.memberMissing) }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { return .failure(.damaged(message(archive))) }
        listed += 1
        guard listed <= limits.archiveMembers else { return .failure(.tooManyMembers) }
        let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        guard ArchiveMemberName.isSafe(name) else { return .failure(.unsafeName(name)) }
        guard wanted(name) else { continue }
        if archive_entry_is_encrypted(entry) != 0 && password == nil { return .failure(.passwordNeeded) }
        return readData(archive, limit: limits.decompressedBytes)
      }
    }
    return try result.get()
  }

  static func readData(_ archive: OpaquePointer, limit: Int) -> Result<[UInt8], Failure> {
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
      if count == 0 { return .success(data) }
      guard count > 0 else {
        let text = message(archive)
        // libarchive's WinZip AES reader checks the 2-byte password verifier first and says
        // "Incorrect passphrase"; a failing HMAC over the data is damage.
        return .failure(text.lowercased().contains("passphrase") ? .wrongPassword : .damaged(text))
      }
      data += chunk.prefix(count)
      guard data.count <= limit else { return .failure(.tooLarge) }
    }
  }

  static func message(_ archive: OpaquePointer) -> String {
    archive_error_string(archive).map { String(cString: $0) } ?? "libarchive gave no reason"
  }

  /// A zip holding one stored member, encrypted with WinZip AES-256 under `password`.
  static func write(member name: String, bytes: [UInt8], password: String) throws -> [UInt8] {
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
    // Raivo's own export: stored (no compression), WinZip AES-256 (formats.md §8).
    try check(archive_write_set_options(archive, "zip:compression=store,zip:encryption=aes256"), "zip options")
    try check(archive_write_set_passphrase(archive, password), "passphrase")
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
    guard let entry = archive_entry_new() else { throw OTPError.writeFailed(path: name, reason: "libarchive could not make an entry") }
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname(entry, name)
    archive_entry_set_size(entry, Int64(bytes.count))
    archive_entry_set_filetype(entry, 0o100000)
    archive_entry_set_perm(entry, 0o600)
    try check(archive_write_header(archive, entry), "member header")
    let written = bytes.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
    guard written == bytes.count else { throw OTPError.writeFailed(path: name, reason: "member data: \(message(archive))") }
    try check(archive_write_close(archive), "close")
    return sink.bytes
  }
}
