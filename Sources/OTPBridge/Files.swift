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
    if isStandardInput(path) {
      try StandardStreams.claimInput(for: "an input")
      guard let bytes = try readStream(dup(STDIN_FILENO), name: path, maximumSize: maximumSize) else {
        throw OTPError.cannotOpen(file: path, reason: tooLarge(maximumSize))
      }
      return InputFile(name: path, bytes: bytes)
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
    // A pipe (a shell's `<(...)`) or a device has no size to check first: read it as a stream.
    guard let bytes = try readStream(open(path, O_RDONLY | O_CLOEXEC), name: path, maximumSize: maximumSize) else {
      throw OTPError.cannotOpen(file: path, reason: tooLarge(maximumSize))
    }
    return InputFile(name: path, bytes: bytes)
  }

  /// `-` and the names of standard input, which can be read once only.
  public static func isStandardInput(_ path: String) -> Bool {
    ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"].contains(path)
  }

  /// Reads `descriptor` to its end, front to back, and closes it; nil when it holds more than
  /// `maximumSize` bytes (it reads at most one chunk past that).
  static func readStream(_ descriptor: Int32, name: String, maximumSize: Int) throws -> [UInt8]? {
    guard descriptor >= 0 else {
      throw OTPError.cannotOpen(file: name, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while bytes.count <= maximumSize {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw OTPError.cannotOpen(file: name, reason: String(cString: strerror(errno)))
      }
      if count == 0 { break }
      bytes += chunk[..<count]
    }
    return bytes.count <= maximumSize ? bytes : nil
  }

  static func tooLarge(_ maximumSize: Int) -> String {
    "it is larger than otpbridge's input limit of \(maximumSize >> 20) MiB (--max-input-mib raises it; see docs/limits.md)"
  }

  /// Writes `bytes` to `path` atomically with mode 0600, or to standard output for `-`.
  public static func write(_ bytes: [UInt8], to path: String, force: Bool) throws {
    if path == "-" {
      try StandardStreams.output(bytes)
      return
    }
    try write(to: path, force: force) { append in try append(bytes) }
  }

  /// Checks before any work that `path` may be written: a missing path, or with `force` a regular
  /// file or a symbolic link to one. Returns the path to write, which for a link is its target,
  /// so the link stays a link (docs/safety.md).
  @discardableResult
  public static func checkWritable(_ path: String, force: Bool) throws -> String {
    var status = stat()
    guard lstat(path, &status) == 0 else { return path }  // nothing there yet
    guard force else { throw OTPError.outputExists(path: path) }
    var target = path
    if (status.st_mode & S_IFMT) == S_IFLNK {
      guard let resolved = realpath(path, nil) else {
        let reason = errno == ENOENT
          ? "it is a symbolic link to nothing; give the path it should point to"
          : "it is a symbolic link that cannot be followed (\(String(cString: strerror(errno))))"
        throw OTPError.writeFailed(path: path, reason: reason)
      }
      target = String(cString: resolved)
      free(resolved)
      guard stat(target, &status) == 0 else {
        throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
      }
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      let kind = fileKind(status.st_mode)
      let hint = path.hasPrefix("/dev/") || path.hasPrefix("/proc/") ? " (for standard output, give -o -)" : ""
      throw OTPError.writeFailed(
        path: path, reason: "it is \(kind), not a regular file; otpbridge replaces only regular files, even with --force\(hint)")
    }
    return target
  }

  static func fileKind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: return "a folder"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFIFO: return "a named pipe"
    case S_IFSOCK: return "a socket"
    default: return "not a regular file"
    }
  }

  /// Linux's flag for a file with no name (O_TMPFILE): its value is the same on x86_64 and arm64,
  /// and the C headers define it through a macro Swift does not import.
  static let unnamedFile: Int32 = 0o20000000 | O_DIRECTORY

  /// Writes what `produce` appends to `path`, atomically with mode 0600, without holding it all in
  /// memory (the tenant report of ten thousand users). On Linux the bytes go into a file with no
  /// name in the target's folder (O_TMPFILE), synced, and only then linked into place, so that no
  /// signal, not even kill -9, can leave secrets under a name. Where the filesystem cannot, they go
  /// into a hidden temporary file that a signal handler removes (Interruption). With `force`, an
  /// existing file is replaced by rename; a symbolic link keeps pointing at the file it names,
  /// which is replaced.
  public static func write(to path: String, force: Bool, _ produce: (_ append: ([UInt8]) throws -> Void) throws -> Void) throws {
    let target = try checkWritable(path, force: force)
    let url = URL(fileURLWithPath: target)
    let folder = url.deletingLastPathComponent().path
    func failure(_ code: Int32 = errno) -> OTPError {
      OTPError.writeFailed(path: path, reason: String(cString: strerror(code)))
    }
    func temporaryName() -> String {
      "\(folder)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }
    var named: String?
    var guardSlot: Int?
    var descriptor = open(folder, unnamedFile | O_WRONLY | O_CLOEXEC, 0o600)
    if descriptor < 0 {
      let name = temporaryName()
      guardSlot = Interruption.removeOnSignal(name)
      descriptor = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      guard descriptor >= 0 else {
        let code = errno
        Interruption.forget(guardSlot)
        throw failure(code)
      }
      named = name
    }
    var finished = false
    defer {
      if !finished, let named { unlink(named) }
      Interruption.forget(guardSlot)
    }
    func writeAll(_ bytes: [UInt8]) throws {
      let code = StandardStreams.write(bytes, to: descriptor)
      if code != 0 { throw failure(code) }
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
      guard fsync(descriptor) == 0 else { throw failure() }
      if named == nil {
        // Give the unnamed file a name: the target itself when it must not exist yet (linkat
        // fails if it appeared meanwhile), else a temporary one to rename over the target.
        let link = force ? temporaryName() : target
        if force {
          guardSlot = Interruption.removeOnSignal(link)
        }
        guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, link, AT_SYMLINK_FOLLOW) == 0 else {
          if errno == EEXIST, !force { throw OTPError.outputExists(path: path) }
          throw failure()
        }
        if force { named = link } else { finished = true }
      }
    } catch {
      close(descriptor)
      throw error
    }
    close(descriptor)
    if let named, !finished {
      if force {
        guard rename(named, target) == 0 else { throw failure() }
      } else {
        // link() fails if the target appeared meanwhile, so a file is never replaced unasked.
        guard link(named, target) == 0 else {
          if errno == EEXIST { throw OTPError.outputExists(path: path) }
          throw failure()
        }
        unlink(named)
      }
    }
    finished = true
    let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }
}
