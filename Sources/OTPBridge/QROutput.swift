import Foundation
import OTPCore
import QRCodes

#if canImport(Glibc)
  import Glibc
#endif

/// `convert --qr`: a writer's URIs as QR codes to scan with a phone: PNG or SVG files in a folder,
/// one printable HTML page, or half blocks on the terminal. Files follow the rules of every
/// output: 0600, atomic, never over an existing file unless forced, nothing left after a failure.
public enum QROutput: Sendable, Equatable {
  case png(folder: String)
  case svg(folder: String)
  case html(file: String)
  case terminal

  /// What `convert --json` says of the codes written; nil for codes drawn on the terminal.
  public func summary(codes: Int) -> ConvertJSON.QRCodes? {
    switch self {
    case .png(let folder): return ConvertJSON.QRCodes(kind: "png", path: folder, codes: codes)
    case .svg(let folder): return ConvertJSON.QRCodes(kind: "svg", path: folder, codes: codes)
    case .html(let file): return ConvertJSON.QRCodes(kind: "html", path: file, codes: codes)
    case .terminal: return nil
    }
  }

  /// Reads `png DIR`, `svg DIR`, `html FILE` or `terminal`.
  public init(arguments: [String]) throws {
    switch (arguments.first?.lowercased(), arguments.count) {
    case ("png", 2): self = .png(folder: arguments[1])
    case ("svg", 2): self = .svg(folder: arguments[1])
    case ("html", 2): self = .html(file: arguments[1])
    case ("terminal", 1): self = .terminal
    default:
      throw OTPError.invalidArgument("--qr takes 'png DIR', 'svg DIR', 'html FILE' or 'terminal'")
    }
  }

  /// The codes of a writer's output, or a usage error when the format does not write URIs. Each
  /// Google transfer code lists the accounts it holds, read back with `registry`.
  public static func sheet(for output: [UInt8], format: String, registry: Registry = .builtIn) throws -> QRSheet {
    func accounts(in link: String) -> [String] {
      let input = InputFile(name: "link", bytes: Array(link.utf8))
      guard let plugin = try? registry.reader(for: input, from: nil), let read = try? plugin.read(input, context: ReadContext())
      else { return [] }
      return read.accounts.map(\.displayName)
    }
    do {
      guard let sheet = try QRSheet(uriList: output, accountsIn: accounts) else {
        throw OTPError.invalidArgument(
          "--qr shows formats that write URIs (otpauth, google-migration) as QR codes; '\(format)' does not")
      }
      return sheet
    } catch let error as QRCode.Failure {
      throw OTPError.invalidArgument(
        "\(error.description). With --to google-migration, a smaller --batch-size makes smaller codes")
    }
  }

  /// The files this output makes: path and bytes. Empty for `terminal`.
  public func files(for sheet: QRSheet, title: String) throws -> [(path: String, bytes: [UInt8])] {
    switch self {
    case .png(let folder):
      return try zip(sheet.fileNames, sheet.entries).map { name, entry in
        do {
          return ("\(folder)/\(name).png", try entry.code.png())
        } catch {
          throw OTPError.writeFailed(path: "\(folder)/\(name).png", reason: "\(error)")
        }
      }
    case .svg(let folder):
      return zip(sheet.fileNames, sheet.entries).map { name, entry in
        var bytes: [UInt8] = []
        entry.code.appendSVG(to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return ("\(folder)/\(name).svg", bytes)
      }
    case .html(let file):
      return [(file, sheet.htmlBytes(title: title))]
    case .terminal:
      return []
    }
  }

  /// Writes the files of `files(for:)` (Files.writeFolder), in the folder png and svg name.
  public func write(_ files: [(path: String, bytes: [UInt8])], force: Bool) throws {
    switch self {
    case .png(let folder), .svg(let folder): try Files.writeFiles(files, folder: folder, force: force)
    case .html, .terminal: try Files.writeFiles(files, folder: nil, force: force)
    }
  }

  /// The terminal's width in columns: standard output's window size, else $COLUMNS; nil when
  /// neither says (output to a file or a pipe).
  public static func terminalWidth() -> Int? {
    var size = winsize()
    if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      return Int(size.ws_col)
    }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
  }

  /// Refuses to draw `sheet` on a terminal `width` columns wide when a code does not fit (a cut
  /// code cannot be scanned), saying what to do; for a format whose codes hold batches of
  /// accounts (`--batch-size`), the largest smaller batch whose codes would fit.
  public static func checkFits(
    _ sheet: QRSheet, width: Int, format: FormatDescriptor, accounts: [Account], registry: Registry
  ) throws {
    let widest = sheet.entries.map { QRSheet.terminalColumns(of: $0.code) }.max() ?? 0
    guard widest > width else { return }
    // The batch the codes were written with: the most accounts one of them holds.
    let current = sheet.entries.map(\.accounts.count).max() ?? 0
    let smaller =
      format.writerSettings.contains(.batchSize)
      ? largestBatch(fitting: width, below: current, format: format.id, accounts, registry: registry) : nil
    let batch = smaller.map { "--batch-size \($0) (smaller codes that fit), " } ?? ""
    throw OTPError.invalidArgument(
      "the QR codes are up to \(widest) columns wide, but the terminal has \(width): a cut code cannot be scanned. Nothing was drawn or written. Widen the window or make the font smaller, or use \(batch)--qr html FILE (a page to show or print), or --qr png DIR."
    )
  }

  /// The largest --batch-size below `current` whose codes fit `width` terminal columns, with room
  /// for one QR version more (4 columns): a Google transfer gets a new random batch id each run,
  /// whose encoded length varies by up to 9 bytes.
  static func largestBatch(fitting width: Int, below current: Int, format: String, _ accounts: [Account], registry: Registry)
    -> Int?
  {
    for size in stride(from: current - 1, through: 1, by: -1) {
      guard let plugin = try? registry.applying(WriterSettings(batchSize: size)).plugin(id: format),
        let written = try? plugin.write(accounts, context: WriteContext()),
        let sheet = try? QRSheet(uriList: written.bytes)
      else { return nil }
      if sheet.entries.allSatisfy({ QRSheet.terminalColumns(of: $0.code) + 4 <= width }) { return size }
    }
    return nil
  }
}
