/// The parts of a path as text. Foundation's `NSString.deletingLastPathComponent` crashes on
/// Linux for a one-character name without a slash (`-o x`), so paths are taken apart here.
public enum PathText {
  /// The folder part: "" for a bare name ("x"), "/" for a file at the root, else everything
  /// before the last slash ("a/b/c" → "a/b").
  public static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The last part: "c" of "a/b/c", the path itself when it has no slash.
  public static func name(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file a reader looks for beside its input (a database's `-wal`, SDA's `manifest.json`): read
/// only when it is a regular file no larger than the input limit, so that a FIFO, a device or a
/// huge file beside an export cannot stall or exhaust a run.
public enum SideFile {
  public static func read(_ path: String, maximumSize: Int) -> [UInt8]? {
    var status = stat()
    guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int(status.st_size) <= maximumSize,
      let file = fopen(path, "rb")
    else { return nil }
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
    let count = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
    return count == bytes.count ? bytes : nil
  }
}
