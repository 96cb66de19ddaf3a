import OTPContainers
import OTPCore

/// Exports kept in an archive: a zip (plain, WinZip AES or ZipCrypto, the password asked for as
/// any file's), 7z, tar, or a file compressed with gzip, xz, zstd or bzip2, read through
/// libarchive in memory. Each member is recognised and read like a file given on the command
/// line, named `archive.zip!member.json`; members no format reads are named in one finding.
/// Zip files of a format of their own (1PUX, Raivo, WinAuth, Authenticator Plus) are recognised
/// by their own plugins first: this one claims a zip only as `.possible`.
public struct ArchiveFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "archive",
    displayName: "Archive (zip, 7z, tar, gzip, xz, zstd)",
    fileExtensions: ["zip", "7z", "tar", "gz", "tgz", "xz", "zst", "bz2"],
    canRead: true,
    canWrite: false,
    encryption: .optional,
    capabilities: Capabilities(kinds: [], algorithms: [], digits: 1...10, periods: .range(1...1), fields: []),
    summary: "Any export inside a zip (WinZip AES or ZipCrypto too), 7z or tar archive, or compressed with gzip, xz or zstd.",
    findingCodes: ArchiveCode.codes)

  /// The first bytes of each archive and compression libarchive reads here, and how sure they make us.
  static let magics: [(bytes: [UInt8], offset: Int, confidence: SniffConfidence)] = [
    ([0x50, 0x4B, 0x03, 0x04], 0, .possible),  // zip (other formats' own zips win)
    ([0x50, 0x4B, 0x05, 0x06], 0, .possible),  // an empty zip
    ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], 0, .certain),  // 7z
    ([0x1F, 0x8B], 0, .likely),  // gzip
    ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], 0, .certain),  // xz
    ([0x28, 0xB5, 0x2F, 0xFD], 0, .certain),  // zstd
    ([0x42, 0x5A, 0x68], 0, .likely),  // bzip2
    (Array("ustar".utf8), 257, .likely),  // tar
  ]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    let bytes = input.bytes
    return Self.magics.first { magic in
      bytes.count >= magic.offset + magic.bytes.count
        && bytes[magic.offset..<(magic.offset + magic.bytes.count)].elementsEqual(magic.bytes)
    }?.confidence ?? .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    if context.insideArchive {
      throw OTPError.unsupportedVersion(
        file: input.name, version: "an archive inside an archive",
        supported: "exports directly inside the archive; unpack the inner archive first")
    }
    let members = try ZipArchive.members(
      of: input, wanted: { !Self.isSystemLitter($0) }, anyFormat: true, context: context
    ) { failure in
      switch failure {
      case .wrongPassword: return OTPError.wrongPassword(file: input.name)
      default: return OTPError.corrupted(file: input.name, place: nil, reason: "the archive has no member")
      }
    }
    var inner = context
    inner.insideArchive = true
    var result = ReadResult(accounts: [])
    var notExports: [String] = []
    // Images are read last, and only when nothing else held an account: otpbridge's own archives
    // hold an export and the QR images of the same accounts.
    let (images, others) = (members.filter { Self.isImage($0.name) }, members.filter { !Self.isImage($0.name) })
    for (group, isImages) in [(others, false), (images, true)] {
      if isImages, !result.accounts.isEmpty, !group.isEmpty {
        result.findings.append(
          Finding(
            .info, code: ArchiveCode.imagesNotRead,
            "\(group.count) image(s) in the archive were not read: its other members hold its accounts (otpbridge's own archives hold QR codes of the same accounts)",
            at: Origin(file: input.name, place: .whole)))
        break
      }
      for member in group {
        let name = "\(input.name)!\(Self.memberName(member.name, archive: input.name))"
        do {
          result.append(try inner.readNested(InputFile(name: name, bytes: member.bytes)))
        } catch OTPError.unrecognisedFormat {
          notExports.append(member.name)
        }
      }
    }
    guard !notExports.isEmpty else { return result }
    if result.accounts.isEmpty, result.findings.isEmpty {
      throw OTPError.unrecognisedFormat(
        file: input.name, known: [],
        guess: "an archive whose \(members.count) member(s) are no export otpbridge reads (\(Self.list(notExports)))")
    }
    result.findings.append(
      Finding(
        .info, code: ArchiveCode.membersNotRead,
        "\(notExports.count) member(s) of the archive are no export otpbridge reads and were skipped: \(Self.list(notExports))",
        at: Origin(file: input.name, place: .whole)))
    return result
  }

  /// The first names, escaped for a message, and how many more.
  static func list(_ names: [String]) -> String {
    let shown = names.prefix(5).map { $0.debugDescription }.joined(separator: ", ")
    return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
  }

  /// The name libarchive gives a single compressed file ("data") becomes the archive's name
  /// without its compression ending (accounts.txt.gz holds accounts.txt).
  static func memberName(_ name: String, archive: String) -> String {
    guard name == "data" else { return name }
    let file = archive.split(separator: "/").last.map(String.init) ?? archive
    for ending in [".gz", ".xz", ".zst", ".bz2"] where file.hasSuffix(ending) && file.count > ending.count {
      return String(file.dropLast(ending.count))
    }
    return name
  }

  /// What archivers add beside the files: macOS's resource forks and Finder data, Windows' thumbnails.
  static func isSystemLitter(_ name: String) -> Bool {
    let last = name.split(separator: "/").last.map(String.init) ?? name
    return name.hasPrefix("__MACOSX/") || last == ".DS_Store" || last == "Thumbs.db" || last == "desktop.ini"
  }

  static func isImage(_ name: String) -> Bool {
    let lower = name.lowercased()
    return [".png", ".jpg", ".jpeg", ".webp", ".heic", ".heif"].contains { lower.hasSuffix($0) }
  }
}

/// The findings of reading an archive (docs/audit.md lists their meanings).
enum ArchiveCode: String, FindingCode {
  case membersNotRead = "ARCHIVE_MEMBERS_NOT_READ"
  case imagesNotRead = "ARCHIVE_IMAGES_NOT_READ"
}
