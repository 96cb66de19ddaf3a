import Foundation
import OTPCore
import SystemPackage

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
    var expectedSize = 0
    if !isStandardInput(path) {
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
      expectedSize = Int(status.st_size)
    }
    // Standard input, a pipe (a shell's `<(...)`) or a device has no size to check first: every
    // input is read as a stream, at most one chunk past the limit.
    let stream = try openStream(path, reader: "an input")
    guard var bytes = try readStream(stream, name: path, maximumSize: maximumSize, expectedSize: expectedSize) else {
      throw OTPError.cannotOpen(file: path, reason: tooLarge(maximumSize))
    }
    // Text saved as UTF-16 (PowerShell's `>`, Notepad's "Unicode") is read as the same text, for
    // every file a user gives: exports, tenant manifests, assignment files.
    if let text = UTF16Text.decode(bytes) { bytes = Array(text.utf8) }
    return InputFile(name: path, bytes: bytes)
  }

  /// `-` and the names of standard input, which can be read once only.
  public static func isStandardInput(_ path: String) -> Bool {
    ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"].contains(path)
  }

  /// A descriptor to read `path` from, front to back: standard input, claimed for `reader`
  /// ("an input", "the input password file -") since it can be read once only, or the file.
  static func openStream(_ path: String, reader: String) throws -> Int32 {
    guard isStandardInput(path) else { return open(path, O_RDONLY | O_CLOEXEC) }
    try StandardStreams.claimInput(for: reader)
    return dup(STDIN_FILENO)
  }

  /// Reads `descriptor` to its end, front to back, and closes it; nil when it holds more than
  /// `maximumSize` bytes (it reads at most one chunk past that).
  static func readStream(_ descriptor: Int32, name: String, maximumSize: Int, expectedSize: Int = 0) throws -> [UInt8]? {
    guard descriptor >= 0 else {
      throw OTPError.cannotOpen(file: name, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    // A regular file's size is known: one allocation instead of doubling up to it (a pipe grows).
    bytes.reserveCapacity(expectedSize + 1)
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while bytes.count <= maximumSize {
      let count: Int
      do {
        count = try chunk.withUnsafeMutableBytes { try FileDescriptor(rawValue: descriptor).read(into: $0) }
      } catch {
        throw OTPError.cannotOpen(file: name, reason: String(cString: strerror((error as? Errno)?.rawValue ?? EIO)))
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
    guard lstat(path, &status) == 0 else {
      // Nothing there yet: its folder must exist, or the run would read and convert everything
      // only to fail at the end (and after --qr files were written).
      let folder = PathText.folder(of: path)
      var folderStatus = stat()
      if !folder.isEmpty, stat(folder, &folderStatus) != 0 || (folderStatus.st_mode & S_IFMT) != S_IFDIR {
        throw OTPError.writeFailed(path: path, reason: "its folder \(folder) does not exist")
      }
      return path
    }
    guard force else { throw OTPError.outputExists(path: path) }
    var target = path
    if (status.st_mode & S_IFMT) == S_IFLNK {
      guard let resolved = realpath(path, nil) else {
        let reason =
          errno == ENOENT
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
  #if os(Linux)
    /// O_TMPFILE, which Glibc's module does not export: a file with no name in the folder opened.
    static let unnamedFile: Int32 = 0o20000000 | O_DIRECTORY
  #endif

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
    // The hidden name the bytes have on disk before the target's, if they need one: removed on
    // every way out but a rename into place, and by a signal (Interruption) until then.
    var temporary: (path: String, guardSlot: Int?)?
    func nameTemporary() -> String {
      let name = "\(folder)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
      temporary = (name, Interruption.removeOnSignal(name))
      return name
    }
    defer {
      if let temporary {
        unlink(temporary.path)
        Interruption.forget(temporary.guardSlot)
      }
    }
    #if os(Linux)
      var descriptor = open(folder, unnamedFile | O_WRONLY | O_CLOEXEC, 0o600)
    #else
      var descriptor: Int32 = -1  // no unnamed files elsewhere: the hidden name below
    #endif
    let unnamed = descriptor >= 0
    if !unnamed {
      descriptor = open(nameTemporary(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      guard descriptor >= 0 else { throw failure() }
    }
    do {
      // Small appends gather into one buffer that goes out in 64 KiB writes.
      var pending: [UInt8] = []
      func flush() throws {
        let code = writeAll(pending, to: descriptor)
        if code != 0 { throw failure(code) }
        pending.removeAll(keepingCapacity: true)
      }
      try produce { bytes in
        pending += bytes
        if pending.count >= 1 << 16 { try flush() }
      }
      try flush()
      guard fsync(descriptor) == 0 else { throw failure() }
      if unnamed {
        // The unnamed file gets the target's name when that must not exist yet (linkat fails if
        // it appeared meanwhile, so nothing is replaced unasked), else a hidden one to rename.
        let name = force ? nameTemporary() : target
        #if os(Linux)
          guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 else {
            throw errno == EEXIST && !force ? OTPError.outputExists(path: path) : failure()
          }
        #endif
      }
    } catch {
      close(descriptor)
      throw error
    }
    close(descriptor)
    if let named = temporary?.path {
      if force {
        guard rename(named, target) == 0 else { throw failure() }
        Interruption.forget(temporary?.guardSlot)
        temporary = nil  // it is the target now
      } else {
        // link() fails if the target appeared meanwhile; the hidden name goes in the defer.
        guard link(named, target) == 0 else {
          throw errno == EEXIST ? OTPError.outputExists(path: path) : failure()
        }
      }
    }
    let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  /// Writes all of `bytes` to `descriptor` (swift-system goes on after EINTR and short writes):
  /// 0 when every byte went out, else the errno of the write that failed. Outputs and the
  /// standard streams both use it.
  static func writeAll(_ bytes: some Collection<UInt8>, to descriptor: Int32) -> Int32 {
    do {
      _ = try FileDescriptor(rawValue: descriptor).writeAll(bytes)
      return 0
    } catch {
      return (error as? Errno)?.rawValue ?? EIO
    }
  }
}

extension Files {
  /// Writes `files` (paths inside `folder`, when given), creating the folder (0700) when it is
  /// missing. Existing files stop the run before anything is written, unless `force`. Each file
  /// is written as every output is (0600, atomic); until the last is written, a signal removes
  /// the files written so far and the folder made for them, and a failure removes them too.
  public static func writeFiles(_ files: [(path: String, bytes: [UInt8])], folder: String?, force: Bool) throws {
    var createdFolder: String?
    var guarded: [Int?] = []
    defer { guarded.forEach(Interruption.forget) }
    if let folder {
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
        guard isFolder.boolValue else { throw OTPError.writeFailed(path: folder, reason: "it is a file, not a folder") }
      } else {
        guard mkdir(folder, 0o700) == 0 else {
          throw OTPError.writeFailed(path: folder, reason: String(cString: strerror(errno)))
        }
        createdFolder = folder
        guarded.append(Interruption.removeOnSignal(folder))
      }
    }
    // The files this run adds (with --force, those that were not there before): a signal or a
    // failure removes them, and the folder made for them, so nothing is left on disk half done.
    var added: [String] = []
    do {
      if !force, let existing = files.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
        throw OTPError.outputExists(path: existing.path)
      }
      for file in files {
        var status = stat()
        let isNew = lstat(file.path, &status) != 0
        try Files.write(file.bytes, to: file.path, force: force)
        if isNew {
          added.append(file.path)
          guarded.append(Interruption.removeOnSignal(file.path))
        }
      }
    } catch {
      for path in added { unlink(path) }
      if let createdFolder { rmdir(createdFolder) }
      throw error
    }
  }
}
