import CArchive
import OTPCore

/// Members of a ZIP archive held in memory, read with libarchive.
/// Every member name is checked (docs/limits.md), though nothing is ever written to disk.
enum ZipMembers {
  enum Failure: Error {
    case unreadable(String)
    /// The members read decompress to more than `Limits.decompressedBytes` (a zip bomb).
    case tooLarge(String)
    case tooManyMembers
    /// A name that is absolute or climbs out with `..`.
    case unsafeName(String)
  }

  /// The contents of the members named in `wanted` that the archive has.
  static func read(_ bytes: [UInt8], wanted: Set<String>, limits: Limits = .standard) throws(Failure) -> [String: [UInt8]] {
    guard let archive = archive_read_new() else { throw .unreadable("libarchive could not start") }
    defer { archive_read_free(archive) }
    archive_read_support_format_zip(archive)
    let result: Result<[String: [UInt8]], Failure> = bytes.withUnsafeBytes { raw in
      guard archive_read_open_memory(archive, raw.baseAddress, raw.count) == ARCHIVE_OK else {
        return .failure(.unreadable(message(archive)))
      }
      var members: [String: [UInt8]] = [:]
      var entry: OpaquePointer?
      var listed = 0, decompressed = 0
      while true {
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return .success(members) }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { return .failure(.unreadable(message(archive))) }
        listed += 1
        guard listed <= limits.archiveMembers else { return .failure(.tooManyMembers) }
        let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        guard ArchiveMemberName.isSafe(path) else { return .failure(.unsafeName(path)) }
        guard wanted.contains(path) else {
          archive_read_data_skip(archive)
          continue
        }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
          let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
          if count == 0 { break }
          guard count > 0 else { return .failure(.unreadable(message(archive))) }
          data += buffer[0..<count]
          decompressed += count
          guard decompressed <= limits.decompressedBytes else { return .failure(.tooLarge(path)) }
        }
        members[path] = data
      }
    }
    return try result.get()
  }

  static func message(_ archive: OpaquePointer) -> String {
    archive_error_string(archive).map { String(cString: $0) } ?? "not a ZIP archive"
  }
}
