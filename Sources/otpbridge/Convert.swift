import ArgumentParser
import Foundation
import OTPBridge
import OTPCore

struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert export files into another format, with a per-account loss report.",
    discussion: """
      The loss report goes to standard error. If any account would be dropped or changed, nothing \
      is written and the exit code is 1, unless --allow-lossy is given. The output is read back \
      before it is written, to check that every account gives the same codes.

      For formats that write URIs (otpauth, google-migration), --qr shows the output as QR codes \
      to scan with a phone, instead of or beside -o: '--qr png DIR' and '--qr svg DIR' write one \
      image a code into DIR, '--qr html FILE' one printable page, '--qr terminal' draws them here.
      """)

  @Argument(
    help: ArgumentHelp("Export files to read; - reads standard input. Their accounts are merged in order.", valueName: "file"),
    completion: .file())
  var files: [String]

  @Option(
    name: .customLong("to"), help: ArgumentHelp("The format to write (see 'otpbridge formats').", valueName: "id"),
    completion: Completions.formatIDs(.writing))
  var targetID: String

  @Option(
    name: [.customShort("o"), .customLong("output")],
    help: ArgumentHelp("Where to write; - for standard output. Needed unless --qr is given.", valueName: "path"),
    completion: .file())
  var output: String?

  @Option(
    parsing: .upToNextOption,
    help: ArgumentHelp("Show the output as QR codes: png DIR, svg DIR, html FILE or terminal.", valueName: "kind [path]"))
  var qr: [String] = []

  @Option(
    help: ArgumentHelp(
      "Put the output (and the --qr files) into a zip encrypted with the new password (WinZip AES-256).", valueName: "zip"))
  var archive: ArchiveOutput?

  @Option(help: ArgumentHelp("With --to google-migration: the most accounts in one transfer code (default 10).", valueName: "n"))
  var batchSize: Int?

  @Option(
    help: ArgumentHelp(
      "With --to entra-csv: the user principal name every row gets (else each account's name).", valueName: "user@domain"))
  var upn: String?

  @Option(
    help: ArgumentHelp(
      "A CSV of serial,upn: name each hardware token (pskc, seed-csv) after its user; unlisted serials are left out as losses.",
      valueName: "file"), completion: .file(extensions: ["csv"]))
  var assign: String?

  @OptionGroup var input: InputOptions

  @Flag(help: "Write even when accounts are dropped or changed; the loss report still lists them.")
  var allowLossy = false

  @Flag(help: "Replace the output file if it exists.")
  var force = false

  @Option(
    help: ArgumentHelp("For encrypted outputs: read the new password from the first line of this file.", valueName: "file"),
    completion: .file())
  var newPasswordFile: String?

  @Option(help: ArgumentHelp("For encrypted outputs: read the new password from this environment variable.", valueName: "var"))
  var newPasswordEnv: String?

  @Flag(
    help:
      "Print the loss report and what was written as JSON on standard output (docs/schema/convert-v1.schema.json), also when the conversion is refused."
  )
  var json = false

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  var writerSettings: WriterSettings { WriterSettings(batchSize: batchSize, upn: upn) }

  func validate() throws {
    guard output != nil || !qr.isEmpty else {
      throw ValidationError("Give -o PATH, --qr KIND [PATH], or both.")
    }
    if !qr.isEmpty, (try? QROutput(arguments: qr)) == nil {
      throw ValidationError("--qr takes 'png DIR', 'svg DIR', 'html FILE' or 'terminal'.")
    }
    for setting in writerSettings.given {
      let formats = Registry.builtIn.formats(taking: setting)
      guard formats.contains(targetID.lowercased()) else {
        throw ValidationError("\(setting.rawValue) applies to --to \(formats.joined(separator: ", ")) only.")
      }
    }
    if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be 1 or more.") }
    if let upn, !upn.contains("@") {
      throw ValidationError("--upn takes a user principal name such as alice@contoso.com.")
    }
    if archive != nil, output == nil || output == "-" || qr.first?.lowercased() == "terminal" {
      throw ValidationError("--archive writes one file: give -o FILE.zip, and --qr png, svg or html (not terminal).")
    }
    if json, output == "-" || qr.first?.lowercased() == "terminal" || qr.dropFirst().first == "-" {
      throw ValidationError("--json prints on standard output: give -o a file and --qr a file or folder.")
    }
  }

  /// What `--json` prints, filled in as the conversion goes.
  final class Summary {
    var document: ConvertJSON?
  }

  func run() throws {
    let summary = Summary()
    do {
      try convert(summary)
    } catch let error as OTPError where json {
      // A refusal or an error once the loss report is known: the JSON says why, and names the
      // files already written (QR codes before a failed -o), which hold secrets.
      if var document = summary.document {
        document.written = false
        document.error = error.description
        try printJSON(document)
      }
      throw error
    }
    if json, var document = summary.document {
      document.written = true
      try printJSON(document)
    }
  }

  func convert(_ summary: Summary) throws {
    let registry = plugins.registry().applying(writerSettings)
    let target = try registry.plugin(id: targetID)
    guard target.descriptor.canWrite else { throw OTPError.cannotWrite(format: target.descriptor.id) }
    // With --archive the new password encrypts the zip, whatever the format inside.
    if archive == nil { try target.descriptor.refuseUnusedNewPassword(given: newPasswordFile != nil || newPasswordEnv != nil) }
    let qrOutput = qr.isEmpty ? nil : try QROutput(arguments: qr)
    if archive != nil, let output {
      try Files.checkWritable(output, force: force)
    } else if target.descriptor.writesFolder {
      // A folder of files (SDA's maFiles): -o names the folder, made if missing.
      guard let output, output != "-", qrOutput == nil else {
        throw OTPError.invalidArgument(
          "--to \(target.descriptor.id) writes a folder of files: name it with -o FOLDER (not standard output or --qr)")
      }
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), !isFolder.boolValue {
        throw OTPError.writeFailed(path: output, reason: "--to \(target.descriptor.id) writes a folder, and this is a file")
      }
    } else if let output, output != "-" {
      try Files.checkWritable(output, force: force)
    }
    if qrOutput == .terminal, ProcessInfo.processInfo.environment["TERM"] == "dumb" {
      throw OTPError.invalidArgument(
        "--qr terminal draws codes with Unicode blocks, which this terminal (TERM=dumb) cannot show; use --qr png DIR or --qr html FILE instead"
      )
    }
    var reading = try input.read(files, registry: registry)
    if let assign { reading = try Assignment.read(path: assign).apply(to: reading) }
    let newPasswordSupply = PasswordSource(file: newPasswordFile, environment: newPasswordEnv, role: .creating("new")).supply()
    let newPassword = newPasswordSupply.provider
    // Asked before converting, so that a run without it stops before any work.
    let archivePassword = try archive.map { _ in try Self.archivePassword(newPassword, output: output ?? "") }
    let readingNotes = reading.findings.filter { !$0.entrySkipped }
    // No account, and a reader that says why (NordPass's export holds none): not an empty output.
    if reading.accounts.isEmpty, let why = readingNotes.first(where: { $0.severity >= .error }) {
      guard json else {
        Console.findings(readingNotes)
        throw OTPError.nothingRead(reason: "no account was read; the error above says why and what to do")
      }
      throw OTPError.nothingRead(reason: "no account was read: \(why.description)")
    }
    let context = WriteContext(newPassword: newPassword, outputName: output ?? "QR codes")
    if qrOutput == nil, archive == nil, let output, let entryTarget = target as? any EntryWriting,
      let plan = try StreamedConversion.plan(reading, to: entryTarget, context: context, readBackPassword: newPassword)
    {
      // Fitted, written and read back a part at a time, into a file that a refusal or an error
      // discards (standard output gets the bytes once all are checked). A conversion the fitting
      // already shows to be lossy is checked in full without writing anything, then refused.
      if plan.isLossy, !allowLossy {
        let checked = try plan.write { _ in }
        try showReport(checked.report, notes: readingNotes + checked.findings, registry: registry, summary: summary)
      }
      var count = 0
      func convert(into append: ([UInt8]) throws -> Void) throws {
        let streamed = try plan.write(to: append)
        count = streamed.writtenCount
        try showReport(streamed.report, notes: readingNotes + streamed.findings, registry: registry, summary: summary)
      }
      if output == "-" {
        var bytes: [UInt8] = []
        try convert { bytes += $0 }
        try Files.write(bytes, to: output, force: force)
      } else {
        try Files.write(to: output, force: force, convert)
        reportWritten(
          count, to: output, target: target.descriptor, encrypted: newPasswordSupply.gavePassword == true, summary: summary)
      }
      return
    }
    // The conversion takes the reading over, so that its accounts are freed once the loss report
    // holds them.
    let conversion = try Conversion.run(consume reading, to: target, context: context, readBackPassword: newPassword)
    let sheet = try qrOutput.map { _ in
      try QROutput.sheet(for: conversion.output, format: target.descriptor.id, registry: registry)
    }
    try showReport(conversion.report, notes: readingNotes + conversion.findings, registry: registry, summary: summary)
    if qrOutput == .terminal, let sheet, let width = QROutput.terminalWidth() {
      try QROutput.checkFits(
        sheet, width: width, format: target.descriptor, accounts: conversion.report.convertedAccounts, registry: registry)
    }
    let count = conversion.report.convertedAccounts.count
    var archivedFiles: [(name: String, bytes: [UInt8])] = []
    if let qrOutput, let sheet {
      let title = "\(count) account(s) for \(target.descriptor.displayName)"
      let qrFiles = try qrOutput.files(for: sheet, title: title)
      if qrOutput == .terminal {
        // The codes are drawn with the terminal's colour sequences, unless NO_COLOR is set (then
        // in its own colours); only the labels come from files.
        let colours = ProcessInfo.processInfo.environment["NO_COLOR", default: ""].isEmpty
        if !colours {
          printError(
            "otpbridge: NO_COLOR is set, so the codes are drawn in the terminal's own colours; if the phone does not scan them, use --qr png DIR or unset NO_COLOR."
          )
        }
        let drawing = sheet.entries.map { entry in
          "\(entry.label.escapedForTerminal())\n\(entry.code.terminal(colours: colours))"
            + entry.accounts.map { "  - \($0.escapedForTerminal())\n" }.joined()
        }.joined(separator: "\n")
        try StandardStreams.output((drawing + "\n").utf8)
      }
      if archive == nil {
        try qrOutput.write(qrFiles, force: force)
      } else {
        archivedFiles += qrFiles.map { (ArchiveOutput.memberName(ofWritten: $0.path), $0.bytes) }
      }
      summary.document?.qr = qrOutput.summary(codes: sheet.entries.count)
      let place =
        qrOutput == .terminal
        ? "above"
        : archive != nil
          ? "in \(output ?? "the archive")" : qrFiles.count == 1 ? "in \(qrFiles[0].path)" : "in \(qrFiles.count) files"
      // Said even with --quiet: the codes hold the secrets in the clear (with --archive, once written).
      if !json, archive == nil {
        printError(
          "Showed \(count) account(s) as \(sheet.entries.count) QR code(s) \(place) (\(target.descriptor.id)). They hold secrets: delete them once scanned."
        )
      }
    }
    if let archive, let output, let archivePassword {
      try writeArchive(
        archive, to: output, conversion: conversion, extra: archivedFiles, target: target.descriptor, password: archivePassword,
        summary: summary)
    } else if let output, target.descriptor.writesFolder {
      let files = conversion.files.map { (path: output + "/" + $0.name, bytes: $0.bytes) }
      try Files.writeFiles(files, folder: output, force: force)
      reportWritten(
        count, to: output, target: target.descriptor, encrypted: newPasswordSupply.gavePassword == true, summary: summary)
    } else if let output {
      try Files.write(conversion.output, to: output, force: force)
      if output != "-" {
        reportWritten(
          count, to: output, target: target.descriptor, encrypted: newPasswordSupply.gavePassword == true, summary: summary)
      }
    }
  }

  /// `--archive zip`: the output (a folder format's files under the archive's name) and the QR
  /// files in one zip encrypted with the new password, written atomically like any output.
  func writeArchive(
    _ archive: ArchiveOutput, to output: String, conversion: Conversion, extra: [(name: String, bytes: [UInt8])],
    target: FormatDescriptor, password: String, summary: Summary
  ) throws {
    var members: [(name: String, bytes: [UInt8])]
    if target.writesFolder {
      let folder = ArchiveOutput.memberName(archive: output, fileExtension: "")
      members = conversion.files.map { (folder + "/" + $0.name, $0.bytes) }
    } else {
      members = [
        (ArchiveOutput.memberName(archive: output, fileExtension: target.fileExtensions.first ?? "txt"), conversion.output)
      ]
    }
    try Files.write(try archive.archive(members + extra, password: password), to: output, force: force)
    let count = conversion.report.convertedAccounts.count
    summary.document?.output = ConvertJSON.Output(path: output, encrypted: true)
    note("\(output) is a zip encrypted with the new password (WinZip AES-256).")
    note("Wrote \(count) account(s) to \(output) (\(target.id), in a zip with \(members.count + extra.count) member(s)).")
    if !extra.isEmpty, !json {
      printError(
        "Put \(extra.count) QR code file(s) in \(output) beside the export. They hold secrets: delete them once scanned.")
    }
  }

  static func archivePassword(_ newPassword: PasswordProvider, output: String) throws -> String {
    guard let password = try newPassword.password(for: output) else {
      throw OTPError.invalidArgument(
        "--archive encrypts \(output) with a new password: give --new-password-file FILE or --new-password-env VAR, or run on a terminal to be asked"
      )
    }
    return password
  }

  /// Prints what reading and writing noticed and the loss report, and refuses a lossy conversion
  /// unless --allow-lossy is given, and one that would write no account though the input held
  /// some, even with it.
  func showReport(_ report: LossReport, notes: [Finding], registry: Registry, summary: Summary) throws {
    // Made only for --json: a lossy conversion of a million accounts need not build its outcomes twice.
    if json { summary.document = ConvertJSON(report: report, notes: notes) }
    if !json {
      Console.findings(notes)
      // With --quiet, the report only when something is not kept as it is.
      if !Console.isQuiet || !report.isLossless { printError(Rendering.lossReport(report)) }
    }
    let refusal = LossRefusal(
      changedOrDropped: report.changedOrDroppedCount, unreadable: report.unreadableCount,
      incompleteExports: report.incompleteExportCount,
      formatsKeeping: Self.formatsKeeping(report.outcomes.filter { $0.status != .kept }.map(\.source), registry: registry))
    if report.writtenCount == 0, !report.isLossless {
      throw OTPError.nothingToWrite(refusal)
    }
    guard report.isLossless || allowLossy else { throw OTPError.lossRefused(refusal) }
  }

  /// The formats otpbridge writes that keep every one of `accounts` as it is.
  static func formatsKeeping(_ accounts: [Account], registry: Registry) -> [String] {
    guard !accounts.isEmpty else { return [] }
    return registry.plugins.map(\.descriptor).filter { descriptor in
      guard descriptor.canWrite else { return false }
      let fitter = LossReport.Fitter(target: descriptor)
      return accounts.allSatisfy { fitter.outcome(for: $0).status == .kept }
    }.map(\.id)
  }

  func reportWritten(_ count: Int, to output: String, target: FormatDescriptor, encrypted: Bool, summary: Summary) {
    summary.document?.output = ConvertJSON.Output(path: output, encrypted: encrypted)
    // Plain text is a warning, said even with --quiet; --json says it as "encrypted": false.
    let notice = Self.plaintextNotice(output: output, target: target, encrypted: encrypted)
    if encrypted { note(notice) } else if !json { printError(notice) }
    note("Wrote \(count) account(s) to \(output) (\(target.id)).")
  }

  /// A note for a person, unless --json or --quiet keeps standard error for errors.
  func note(_ text: String) {
    if !json { Console.note(text) }
  }

  /// Whether the output protects its secrets, said every time: a user who deletes the old app
  /// must know what the new file is.
  static func plaintextNotice(output: String, target: FormatDescriptor, encrypted: Bool) -> String {
    switch (target.writtenEncryption, encrypted) {
    case (_, true):
      return "\(output) is encrypted with the new password."
    case (.none, _):
      return
        "NOT ENCRYPTED: \(output) holds the secrets in plain text (\(target.displayName) files cannot be encrypted by otpbridge). Keep it safe and delete it once imported."
    case (.optional, _), (.required, _):
      return
        "NOT ENCRYPTED: \(output) holds the secrets in plain text. To encrypt it, give --new-password-file FILE or --new-password-env VAR, or run on a terminal to be asked."
    }
  }
}
