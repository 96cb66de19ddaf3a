import OTPCore
import OTPJSON

/// The accounts read from one input file, with the plugin that read it.
public struct FileReading: Sendable {
  public var file: String
  public var format: String
  public var result: ReadResult

  public init(file: String, format: String, result: ReadResult) {
    self.file = file
    self.format = format
    self.result = result
  }
}

/// What several input files hold together, in the order given.
public struct Reading: Sendable {
  public var files: [FileReading]

  public init(files: [FileReading]) {
    self.files = files
  }

  /// Accounts a program already holds, to convert them like read ones.
  public init(accounts: [Account], findings: [Finding] = []) {
    self.files = [FileReading(file: "-", format: "accounts", result: ReadResult(accounts: accounts, findings: findings))]
  }

  /// Every file's accounts in order; one file's array is shared, not copied.
  public var accounts: [Account] { files.count == 1 ? files[0].result.accounts : files.flatMap(\.result.accounts) }
  public var findings: [Finding] { files.flatMap(\.result.findings) }
  public var skippedEntries: [Finding] { findings.filter(\.entrySkipped) }

  /// Reads every path with the plugin `--from` names, or the one sniffing picks. The first file
  /// that cannot be read at all stops the run.
  public static func read(
    paths: [String], from formatID: String? = nil, context: ReadContext = ReadContext(), registry: Registry = .builtIn,
    progress: (_ index: Int, _ count: Int, _ path: String) -> Void = { _, _, _ in }
  ) throws -> Reading {
    let context = prepared(context, registry: registry)
    var files: [FileReading] = []
    for (index, path) in paths.enumerated() {
      progress(index, paths.count, path)
      if let kept = registry.folderFormat(at: path) {
        throw OTPError.cannotOpen(
          file: path, reason: "it is a folder, not a file; for a \(kept.displayName), give its \(kept.readFromFolder ?? "")")
      }
      files.append(
        try read(Files.read(path, maximumSize: context.limits.inputBytes), from: formatID, context: context, registry: registry))
    }
    SplitExports.assemble(&files)
    return Reading(files: files)
  }

  /// Files already in memory (the page of `otpbridge serve` keeps uploads there), read as
  /// `read(paths:)` reads files; each input's name is its origin.
  public static func read(
    inputs: [InputFile], from formatID: String? = nil, context: ReadContext = ReadContext(), registry: Registry = .builtIn
  ) throws -> Reading {
    let context = prepared(context, registry: registry)
    var files = try inputs.map { try read($0, from: formatID, context: context, registry: registry) }
    SplitExports.assemble(&files)
    return Reading(files: files)
  }

  /// One input, recognised (or the format `formatID` names) and read.
  static func read(_ input: InputFile, from formatID: String?, context: ReadContext, registry: Registry) throws -> FileReading {
    try refuseEmptyOrDeep(input, limits: context.limits)
    let (plugin, sure) = try registry.recognise(input, from: formatID)
    var result: ReadResult?
    // Whether the reader asked for a password, for the resemblance rule below.
    let probe = PasswordProbe()
    let password = context.password
    var fileContext = context
    fileContext.password = probe.wrap(password)
    // A password typed at a prompt is asked for again after a wrong one, three tries in all.
    for attempt in 1...3 where result == nil {
      do {
        result = try plugin.read(input, context: fileContext)
      } catch OTPError.wrongPassword(let file, nil) {
        if attempt < 3, password.forgetTypedPassword() { continue }
        throw OTPError.wrongPassword(file: file, hint: password.doubtsAboutPassword)
      } catch OTPError.corrupted(let file, let place, let reason) where !sure && !probe.wasAsked {
        // Only resembling a format is no proof the file is one: say it was a guess. (Once a
        // password was asked for and taken, the file was that format: damage is damage.)
        let descriptor = plugin.descriptor
        throw OTPError.resemblanceFailed(
          file: file, format: "\(descriptor.displayName) (\(descriptor.id))",
          reason: (place.map { "at \($0): " } ?? "") + reason, known: registry.readableIDs)
      }
    }
    return FileReading(file: input.name, format: plugin.descriptor.id, result: result!)
  }

  /// `context` with the reader of nested files: an archive's members, recognised as a file given on
  /// its own would be.
  static func prepared(_ context: ReadContext, registry: Registry) -> ReadContext {
    var context = context
    context.nestedReader = { input, context in
      guard context.insideArchive else { return try registry.reader(for: input, from: nil).read(input, context: context) }
      // An archive's member is read as a file given on its own would be, but what only resembled
      // a format and fails to read is not an export, rather than damage.
      try refuseEmptyOrDeep(input, limits: context.limits)
      let (plugin, sure) = try registry.recogniseMember(input)
      let probe = PasswordProbe()
      var memberContext = context
      memberContext.password = probe.wrap(context.password)
      do {
        return try plugin.read(input, context: memberContext)
      } catch OTPError.corrupted where !sure && !probe.wasAsked {
        throw OTPError.unrecognisedFormat(file: input.name, known: [], guess: "it only resembled \(plugin.descriptor.id)")
      }
    }
    return context
  }

  /// Checks every reader would otherwise repeat: a file with nothing in it, and JSON nested deeper
  /// than any export (docs/limits.md).
  static func refuseEmptyOrDeep(_ input: InputFile, limits: Limits) throws {
    let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF]
    guard let first = input.bytes.first(where: { !whitespace.contains($0) }) else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is empty")
    }
    // Only text: an encrypted binary (an old andOTP backup) may start with "[" by chance.
    if first == UInt8(ascii: "{") || first == UInt8(ascii: "["), input.isUTF8,
      JSONNesting.exceeds(limits.jsonDepth, in: input.bytes)
    {
      throw Limits.refusal(
        file: input.name, place: nil, parameter: "the JSON nesting depth", value: "more than \(limits.jsonDepth)",
        limit: "\(limits.jsonDepth)")
    }
  }
}
