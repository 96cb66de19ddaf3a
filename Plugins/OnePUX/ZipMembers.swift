import CArchive
import OTPCore

/// Members of a ZIP archive held in memory, read with libarchive.
enum ZipMembers {
  /// No member of a 1PUX that otpbridge reads is near this size; larger means damage or a zip bomb.
  static let memberLimit = 256 << 20

  enum Failure: Error {
    case unreadable(String)
    case tooLarge(String)
  }

  /// The contents of the members named in `wanted` that the archive has.
  static func read(_ bytes: [UInt8], wanted: Set<String>) throws(Failure) -> [String: [UInt8]] {
    guard let archive = archive_read_new() else { throw .unreadable("libarchive could not start") }
    defer { archive_read_free(archive) }
    archive_read_support_format_zip(archive)
    let result: Result<[String: [UInt8]], Failure> = bytes.withUnsafeBytes { raw in
      guard archive_read_open_memory(archive, raw.baseAddress, raw.count) == ARCHIVE_OK else {
        return .failure(.unreadable(message(archive)))
      }
      var members: [String: [UInt8]] = [:]
      var entry: OpaquePointer?
      while true {
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return .success(members) }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { return .failure(.unreadable(message(archive))) }
        guard let path = archive_entry_pathname(entry).map({ String(cString: $0) }), wanted.contains(path) else {
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
          guard data.count <= memberLimit else { return .failure(.tooLarge(path)) }
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
