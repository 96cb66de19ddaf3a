import Foundation
import OTPCore
import OTPCrypto

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One run's hold on its output folder: `flock` on DIR/run.lock, from before the journal is
/// opened until the run ends (the kernel lets go when the process dies, so a killed run leaves
/// nothing to clean up). A second run on the same folder is refused instead of interleaving its
/// files and journal rows with the first's (docs/tenant.md).
final class TenantFolderLock {
  static let fileName = "run.lock"

  private let descriptor: Int32

  /// Takes the lock without waiting; a folder another process holds is a usage error (exit 2)
  /// that names the folder and, when the holder wrote it, its pid.
  init(folder: String) throws {
    let path = "\(folder)/\(Self.fileName)"
    // O_CLOEXEC: an external plugin the run starts must not inherit, and so outlive, the lock.
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      if errno == EINTR { continue }
      let busy = errno == EWOULDBLOCK
      let reason = String(cString: strerror(errno))
      let holder = busy ? Self.holder(descriptor) : nil
      close(descriptor)
      guard busy else { throw OTPError.writeFailed(path: path, reason: "cannot lock it: \(reason)") }
      throw OTPError.invalidArgument(
        "\(folder) is in use by another otpbridge run\(holder.map { " (pid \($0))" } ?? ""): wait for it to finish, "
          + "or stop it and run the same command again with --resume. Nothing was changed.")
    }
    self.descriptor = descriptor
    // The pid, for the message a second run gives; emptied again when the run ends.
    let pid = Array("\(getpid())\n".utf8)
    if ftruncate(descriptor, 0) == 0 { _ = pwrite(descriptor, pid, pid.count, 0) }
  }

  /// Empties the pid and lets go of the folder.
  func release() {
    _ = ftruncate(descriptor, 0)
    close(descriptor)
  }

  /// The pid the holder wrote into the lock file, if it did.
  static func holder(_ descriptor: Int32) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = pread(descriptor, &buffer, buffer.count, 0)
    guard count > 0 else { return nil }
    return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
  }
}

/// The folders of a run, which hold converted files and so are the owner's only (0700), like
/// the files (0600).
enum TenantFolders {
  static let privateMode: mode_t = 0o700

  /// Creates `path` with mode 0700 in the one `mkdir` call, so no kill can leave it open to
  /// others, or puts an existing folder back to 0700 (one an older version, or a kill between
  /// its mkdir and chmod, left wider).
  static func makePrivate(_ path: String) throws {
    try make(path)
    try restrict(path)
  }

  /// Creates `path` with mode 0700 in the one `mkdir` call when it is missing; an existing folder
  /// keeps its mode (the output folder a user chose).
  static func make(_ path: String) throws {
    if mkdir(path, privateMode) != 0 && errno != EEXIST {
      throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
  }

  /// Sets an existing folder's mode to 0700 if it is anything else; refuses a path that is not a
  /// folder.
  static func restrict(_ path: String) throws {
    var status = stat()
    guard lstat(path, &status) == 0 else {
      throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
    guard status.st_mode & S_IFMT == S_IFDIR else {
      throw OTPError.writeFailed(path: path, reason: "it exists and is not a folder")
    }
    if status.st_mode & 0o7777 != privateMode, chmod(path, privateMode) != 0 {
      throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
  }

  /// Every user folder under `users` back to 0700, including those of users a resume skips.
  static func restrictUserFolders(in users: String) throws {
    try restrict(users)
    for name in try FileManager.default.contentsOfDirectory(atPath: users) {
      var status = stat()
      let path = "\(users)/\(name)"
      guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { continue }
      try restrict(path)
    }
  }
}

/// A file the journal vouches for as one of a done user's outputs, with what it held when it
/// was written. The size and SHA-256 are nil in a journal an older otpbridge wrote: such a file
/// is checked by its existence only.
struct TenantOutputFile: Sendable, Equatable {
  /// Relative to the output folder.
  var path: String
  var size: Int?
  /// SHA-256 of the bytes, in hex.
  var sha256: String?

  init(path: String, size: Int?, sha256: String?) {
    self.path = path
    self.size = size
    self.sha256 = sha256
  }

  init(path: String, bytes: [UInt8]) {
    self.init(path: path, size: bytes.count, sha256: Hex.encode(Digest.sha256(bytes)))
  }

  /// Whether the file under `folder` is still the one that was recorded: there, a regular file,
  /// and of the recorded size and hash when those were recorded.
  func isIntact(in folder: String) -> Bool {
    let full = "\(folder)/\(path)"
    var status = stat()
    guard lstat(full, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return false }
    if let size, Int(status.st_size) != size { return false }
    guard let sha256 else { return true }
    guard let data = FileManager.default.contents(atPath: full) else { return false }
    return Hex.encode(Digest.sha256(Array(data))) == sha256
  }
}
