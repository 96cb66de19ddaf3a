import Foundation
import OTPCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading inputs and writing outputs the way every command must: `-` is standard input or
/// output; outputs are written to a temporary file beside the target, synced, then renamed, with
/// mode 0600, never over an existing file unless forced. A failed write leaves nothing behind.
public enum Files {
  /// Inputs larger than this are refused before they are read (a 2FA export is kilobytes).
  public static let maximumInputSize = Limits.standard.inputBytes

  public static func read(_ path: String, maximumSize: Int = maximumInputSize) throws -> InputFile {
    if path == "-" {
      // Standard input has no size to check first: read at most one byte past the limit.
      var data = Data()
      while data.count <= maximumSize {
        guard let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty else { break }
        data += chunk
      }
      guard data.count <= maximumSize else {
        throw OTPError.cannotOpen(file: path, reason: tooLarge(maximumSize))
      }
      return InputFile(name: "-", bytes: Array(data))
    }
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw OTPError.cannotOpen(file: path, reason: String(cString: strerror(errno)))
    }
    if (status.st_mode & S_IFMT) == S_IFDIR {
      throw OTPError.cannotOpen(file: path, reason: "it is a folder, not a file")
    }
    guard Int(status.st_size) <= maximumSize else {
      throw OTPError.cannotOpen(file: path, reason: tooLarge(maximumSize))
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OTPError.cannotOpen(file: path, reason: "it cannot be read")
    }
    return InputFile(name: path, bytes: Array(data))
  }

  static func tooLarge(_ maximumSize: Int) -> String {
    "it is larger than otpbridge's input limit of \(maximumSize >> 20) MiB (--max-input-mib raises it; see docs/limits.md)"
  }

  /// Writes `bytes` to `path` atomically with mode 0600, or to standard output for `-`.
  public static func write(_ bytes: [UInt8], to path: String, force: Bool) throws {
    if path == "-" {
      FileHandle.standardOutput.write(Data(bytes))
      return
    }
    try write(to: path, force: force) { append in try append(bytes) }
  }

  /// Writes what `produce` appends to `path`, atomically with mode 0600, without holding it all in
  /// memory (the tenant report of ten thousand users): into a temporary file beside it, synced,
  /// then renamed into place (or linked, when the path must not exist yet).
  public static func write(to path: String, force: Bool, _ produce: (_ append: ([UInt8]) throws -> Void) throws -> Void) throws {
    if !force, FileManager.default.fileExists(atPath: path) {
      throw OTPError.outputExists(path: path)
    }
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary = "\(folder)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
    var finished = false
    defer {
      if !finished { unlink(temporary) }
    }
    func writeAll(_ bytes: [UInt8]) throws {
      try bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
          let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
          }
          offset += written
        }
      }
    }
    do {
      // Small appends gather into one buffer that goes out in 64 KiB writes.
      var pending: [UInt8] = []
      try produce { bytes in
        pending += bytes
        if pending.count >= 1 << 16 {
          try writeAll(pending)
          pending.removeAll(keepingCapacity: true)
        }
      }
      try writeAll(pending)
      guard fsync(descriptor) == 0 else {
        throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
      }
    } catch {
      close(descriptor)
      throw error
    }
    close(descriptor)
    if force {
      guard rename(temporary, path) == 0 else {
        throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
      }
    } else {
      // link() fails if the target appeared meanwhile, so a file is never replaced unasked.
      guard link(temporary, path) == 0 else {
        if errno == EEXIST { throw OTPError.outputExists(path: path) }
        throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
      }
      unlink(temporary)
    }
    finished = true
    let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }
}
