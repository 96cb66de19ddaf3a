import Foundation
import OTPContainers
import OTPCore

/// `convert --archive zip`: the output, and the QR images of `--qr png|svg|html`, put into one zip
/// encrypted with the new password (WinZip AES-256, through libarchive), so that a plain-text
/// format never touches the disk unencrypted. The `archive` reader reads it back.
public enum ArchiveOutput: String, Sendable, CaseIterable {
  case zip

  /// The archive's file name without `.zip`: `accounts.txt.zip` gives `accounts.txt`.
  static func stem(of archive: String) -> String {
    let file = URL(fileURLWithPath: archive).lastPathComponent
    let stem = file.lowercased().hasSuffix(".zip") ? String(file.dropLast(4)) : file
    return stem.isEmpty ? "export" : stem
  }

  /// The name a single-file output gets inside the archive: the archive's name without `.zip` when
  /// that still has an ending, else with the format's (`out.zip` holds `out.txt`).
  public static func memberName(archive: String, fileExtension: String) -> String {
    let stem = stem(of: archive)
    return stem.contains(".") || fileExtension.isEmpty ? stem : "\(stem).\(fileExtension)"
  }

  /// Where a written file of `--qr` (or of a folder format) goes inside the archive: its folder's
  /// last name and its own, never a path that leaves the archive.
  public static func memberName(ofWritten path: String) -> String {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().lastPathComponent
    let name = url.lastPathComponent
    return folder.isEmpty || folder == "/" || folder == "." || folder == ".." ? name : "\(folder)/\(name)"
  }

  /// The zip of `members`, each encrypted with `password`.
  public func archive(_ members: [(name: String, bytes: [UInt8])], password: String) throws -> [UInt8] {
    try ZipArchive.write(members: members, password: password, encryption: .aes256)
  }
}
