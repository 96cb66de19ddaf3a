import Foundation
import OTPCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The folders of a run, which hold converted files and so are the owner's only (0700), like
/// the files (0600).
enum TenantFolders {
  static let privateMode: mode_t = 0o700

  /// Creates `path` with mode 0700 in the one `mkdir` call, so no kill can leave it open to
  /// others, or puts an existing folder back to 0700 (one an older version, or a kill between
  /// its mkdir and chmod, left wider).
  static func makePrivate(_ path: String) throws {
    if mkdir(path, privateMode) != 0 && errno != EEXIST {
      throw OTPError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
    try restrict(path)
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
