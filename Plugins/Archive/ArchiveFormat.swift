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
    ([0x1F, 0x8B, 0x08], 0, .likely),  // gzip (deflate)
    ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], 0, .certain),  // xz
    ([0x28, 0xB5, 0x2F, 0xFD], 0, .certain),  // zstd
    ([0x42, 0x5A, 0x68], 0, .possible),  // bzip2 ("BZh", then a block's magic: see sniff)
    (Array("ustar".utf8), 257, .likely),  // tar
  ]

  public func sniff(_ input: InputFile) -> SniffConfidence {
    let bytes = input.bytes
    // bzip2: "BZh", a block size 1–9, and the first block's magic (π's digits).
    if bytes.count >= 10, bytes.starts(with: [0x42, 0x5A, 0x68]), (0x31...0x39).contains(bytes[3]),
      bytes[4..<10].elementsEqual([0x31, 0x41, 0x59, 0x26, 0x53, 0x59])
    {
      return .likely
    }
    // gzip: the reserved flag bits are clear in a real stream.
    if bytes.count >= 4, bytes.starts(with: [0x1F, 0x8B, 0x08]), bytes[3] & 0xE0 != 0 { return .no }
    return Self.magics.first { magic in
      bytes.count >= magic.offset + magic.bytes.count
        && bytes[magic.offset..<(magic.offset + magic.bytes.count)].elementsEqual(magic.bytes)
    }?.confidence ?? .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    if context.insideArchive {
      throw OTPError.unsupportedVersion(
        file: input.name, version: Self.nestedArchive,
        supported: "exports directly inside the archive; unpack the inner archive first")
    }
    let members = try ZipArchive.members(
      of: input, wanted: { !Self.isSystemLitter($0) }, anyFormat: true, rawName: Self.rawName(archive: input.name),
      context: context
    ) { failure in
      switch failure {
      case .wrongPassword: return OTPError.wrongPassword(file: input.name)
      default: return OTPError.corrupted(file: input.name, place: nil, reason: "the archive has no member")
      }
    }
    guard !members.isEmpty else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the archive holds no file")
    }
    let budget = ReadBudget(limits: context.limits)
    budget.spend(decompressedBytes: members.reduce(0) { $0 + $1.bytes.count })
    var inner = context
    inner.insideArchive = true
    inner.budget = budget
    // Each member that asks for a password runs a key derivation: at most ReadBudget's share.
    let password = context.password
    inner.password = PasswordProvider(
      { purpose in
        guard budget.spendPassword() else { throw TooManyEncryptedMembers() }
        return try password.password(for: purpose)
      }, doubts: { password.doubtsAboutPassword }, forgetTyped: { password.forgetTypedPassword() })
    var result = ReadResult(accounts: [])
    var notExports: [String] = []
    var failures: [OTPError] = []
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
        let name = "\(input.name)!\(member.name)"
        do {
          result.append(try inner.readNested(InputFile(name: name, bytes: member.bytes)))
        } catch is TooManyEncryptedMembers {
          // A limit of the whole archive: the run stops.
          throw Limits.refusal(
            file: input.name, place: nil, parameter: "the number of encrypted members",
            value: "more than \(ReadBudget.passwordedMembers)", limit: "\(ReadBudget.passwordedMembers)")
        } catch OTPError.unrecognisedFormat {
          notExports.append(member.name)
        } catch OTPError.unsupportedVersion(_, let version, _) where version == Self.nestedArchive {
          notExports.append(member.name + " (an archive)")
        } catch let error as OTPError {
          switch error {
          // A password the user must give: the run stops.
          case .wrongPassword, .passwordRequired: throw error
          default:
            // A member that is an export but does not read: skipped like an unreadable entry.
            failures.append(error)
            result.findings.append(
              Finding(
                .error, code: ArchiveCode.memberUnreadable, "\(error.description); the member was skipped",
                at: Origin(file: name, place: .whole), entrySkipped: true))
          }
        }
      }
    }
    // Nothing read at all: the one failure is the file's, or the archive holds no export.
    if result.accounts.isEmpty, failures.count == 1, notExports.isEmpty { throw failures[0] }
    if result.accounts.isEmpty, failures.isEmpty, result.findings.isEmpty {
      throw OTPError.corrupted(
        file: input.name, place: nil,
        reason: notExports.isEmpty
          ? "no member of the archive holds an account"
          : "none of its \(members.count) member(s) is an export otpbridge reads (\(Self.list(notExports)))")
    }
    guard !notExports.isEmpty else { return result }
    result.findings.append(
      Finding(
        .info, code: ArchiveCode.membersNotRead,
        "\(notExports.count) member(s) of the archive are no export otpbridge reads and were skipped: \(Self.list(notExports))",
        at: Origin(file: input.name, place: .whole)))
    return result
  }

  static let nestedArchive = "an archive inside an archive"

  /// Thrown by the members' password provider past `ReadBudget.passwordedMembers`, through the
  /// member's reader, to the archive, which refuses the file.
  struct TooManyEncryptedMembers: Error {}

  /// The first names, escaped for a message, and how many more.
  static func list(_ names: [String]) -> String {
    let shown = names.prefix(5).map { $0.debugDescription }.joined(separator: ", ")
    return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
  }

  /// What a single compressed file holds: the archive's name without its compression ending
  /// (accounts.txt.gz holds accounts.txt), or "data" as libarchive calls it.
  static func rawName(archive: String) -> String {
    let file = archive.split(separator: "/").last.map(String.init) ?? archive
    for ending in [".gz", ".xz", ".zst", ".bz2"] where file.hasSuffix(ending) && file.count > ending.count {
      return String(file.dropLast(ending.count))
    }
    return "data"
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
  case memberUnreadable = "ARCHIVE_MEMBER_UNREADABLE"
}
