import Foundation
import OTPCore
import QRCodes

/// What the local page of `otpbridge serve` works on (docs/serve.md): the files dropped on it, the
/// passwords typed for them and the last conversion, all in memory and never on disk, cleared when
/// the page says it is done. The HTTP side (OTPServe) only moves these values in and out as JSON.
public final class ServeSession: @unchecked Sendable {
  /// One file the page was given.
  struct Upload {
    let id: Int
    let name: String
    let bytes: [UInt8]
    var password: String? {
      didSet { read = nil }
    }
    /// The file read with `password`, kept until the password changes: reading again would repeat
    /// its key derivation (a second or more for some apps) on every refresh of the page.
    var read: Read?
  }

  /// One file read on its own: its state before the files are put together, and what it held.
  struct Read {
    var state: FileState
    var reading: FileReading?
  }

  /// The last conversion, for its download and its QR codes.
  struct Converted {
    var name: String
    var bytes: [UInt8]
    var codes: [QRSheet.Entry]
  }

  private let lock = NSLock()
  private var uploads: [Upload] = []
  private var nextID = 1
  private var converted: Converted?
  /// Counts every change of the files or passwords: a conversion of older files is not kept.
  private var generation = 0
  let registry: Registry

  /// The most a file, and all files together, may take: a page's uploads stay in memory.
  public static let maxFileBytes = 32 << 20
  public static let maxTotalBytes = 128 << 20
  public static let maxFiles = 100

  public init(registry: Registry = .builtIn) {
    self.registry = registry
  }

  /// Keeps a file the page uploaded; its name is only what the browser said (never a path).
  public func add(name: String, bytes: [UInt8]) throws -> Int {
    try lock.withLock {
      guard uploads.count < Self.maxFiles else {
        throw OTPError.invalidArgument("at most \(Self.maxFiles) files at once: press Start over to begin again")
      }
      guard bytes.count <= Self.maxFileBytes else {
        throw OTPError.invalidArgument("\(Self.shownName(name)) is larger than \(Self.maxFileBytes >> 20) MiB")
      }
      guard uploads.reduce(bytes.count, { $0 + $1.bytes.count }) <= Self.maxTotalBytes else {
        throw OTPError.invalidArgument("the files together would be larger than \(Self.maxTotalBytes >> 20) MiB")
      }
      let id = nextID
      nextID += 1
      uploads.append(Upload(id: id, name: Self.shownName(name), bytes: bytes))
      changed()
      return id
    }
  }

  /// A browser's file name as the page shows it and findings name it: the last path component, at
  /// most 120 characters.
  static func shownName(_ name: String) -> String {
    let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
    guard last.count > 120 else { return last.isEmpty ? "file" : last }
    // Cut in the middle: the ending may be what tells the format.
    return String(last.prefix(100)) + "…" + String(last.suffix(19))
  }

  public func setPassword(file id: Int, password: String) throws {
    try lock.withLock {
      guard let index = uploads.firstIndex(where: { $0.id == id }) else {
        throw OTPError.invalidArgument("no file \(id) on the page")
      }
      uploads[index].password = password
      changed()
    }
  }

  public func remove(file id: Int) {
    lock.withLock {
      uploads.removeAll { $0.id == id }
      changed()
    }
  }

  /// Forgets everything: the page is done, or starts over.
  public func clear() {
    lock.withLock {
      uploads = []
      changed()
    }
  }

  /// Call with the lock held.
  private func changed() {
    converted = nil
    generation += 1
  }

  // MARK: Reading

  /// One file as the page shows it.
  public struct FileState: Encodable, Sendable {
    public enum Status: String, Encodable, Sendable {
      case read, needsPassword, wrongPassword, failed
    }
    public var id: Int
    public var name: String
    public var status: Status
    public var format: String?
    public var encrypted: Bool
    /// Why it did not read (never a secret).
    public var message: String?
    public var accounts: [AccountJSON]
    public var findings: [FindingJSON]
  }

  /// A format the page can convert to.
  public struct Target: Encodable, Sendable {
    public var id: String
    public var name: String
    /// Whether it can be (or must be) encrypted with a new password.
    public var encryption: EncryptionSupport
    /// Whether its output can be shown as QR codes to scan.
    public var scannable: Bool
  }

  public struct State: Encodable, Sendable {
    public var files: [FileState]
    public var accounts: Int
    public var targets: [Target]
  }

  /// Every file read again with the passwords given so far (a file is small; reading is the
  /// check that a password is right), with its audit, Microsoft findings first.
  public func state() -> State {
    let (files, _) = readAll()
    let targets = registry.listed.map(\.descriptor).filter(Self.pageWrites).map {
      Target(
        id: $0.id, name: $0.displayName, encryption: $0.writtenEncryption,
        scannable: Self.scannableTargets.contains($0.id))
    }
    return State(files: files, accounts: files.reduce(0) { $0 + $1.accounts.count }, targets: targets)
  }

  /// The formats the page converts to: one file, and no setting the page has no field for (Entra's
  /// upload needs --upn; the batch size of Google's transfer codes has its default).
  static func pageWrites(_ descriptor: FormatDescriptor) -> Bool {
    descriptor.canWrite && !descriptor.writesFolder && descriptor.writerSettings.allSatisfy { $0 == .batchSize }
  }

  /// The formats whose output is a list of URIs, shown as QR codes to scan.
  static let scannableTargets: Set<String> = ["otpauth", "google-migration"]

  /// Reads every upload: its state for the page, and the readings of those that read.
  func readAll() -> (files: [FileState], readings: [FileReading]) {
    let uploads = lock.withLock { self.uploads }
    var reads: [Read] = []
    for upload in uploads {
      if let read = upload.read {
        reads.append(read)
        continue
      }
      let read = self.read(upload)
      reads.append(read)
      // Kept unless the file went or its password changed meanwhile.
      lock.withLock {
        guard let index = self.uploads.firstIndex(where: { $0.id == upload.id }),
          self.uploads[index].password == upload.password
        else { return }
        self.uploads[index].read = read
      }
    }
    var states = reads.map(\.state)
    var readings = reads.compactMap(\.reading)
    let readStates = reads.indices.filter { reads[$0].reading != nil }
    // The screenshots of one Google transfer are one export when all its codes are there.
    SplitExports.assemble(&readings)
    for (reading, index) in zip(readings, readStates) {
      states[index].accounts = reading.result.accounts.map { AccountJSON($0, showSecret: false) }
      states[index].findings = Audit.file(reading, encrypted: states[index].encrypted, target: nil).findings
    }
    return (states, readings)
  }

  /// Reads one upload with the password given for it, if any.
  func read(_ upload: Upload) -> Read {
    let probe = PasswordProbe()
    let given = upload.password
    let password = probe.wrap(PasswordProvider { _ in given })
    var state = FileState(
      id: upload.id, name: upload.name, status: .read, format: nil, encrypted: false, message: nil, accounts: [],
      findings: [])
    do {
      let reading = try Reading.read(
        inputs: [InputFile(name: upload.name, bytes: upload.bytes)], context: ReadContext(password: password),
        registry: registry)
      state.format = reading.files[0].format
      state.encrypted = probe.wasAsked
      return Read(state: state, reading: reading.files[0])
    } catch let error as OTPError {
      state.encrypted = probe.wasAsked
      switch error {
      case .passwordRequired:
        state.status = .needsPassword
        state.encrypted = true
        state.message = "This file is encrypted: type its password."
      case .wrongPassword:
        state.status = .wrongPassword
        state.encrypted = true
        state.message = "That password does not open this file. Check it (capital letters, spaces) and try again."
      default:
        state.status = .failed
        state.message = error.description
      }
    } catch {
      // Not otpbridge's own error, whose words never hold a secret: no details.
      state.status = .failed
      state.message = "This file could not be read."
    }
    return Read(state: state, reading: nil)
  }

  // MARK: Converting

  public struct Conversion: Encodable, Sendable {
    public var target: String
    public var fileName: String
    public var written: Int
    public var kept: Int
    public var changed: Int
    public var dropped: Int
    public var unreadable: Int
    /// The loss report as the command line prints it, a line per account not kept as it was.
    public var report: String
    public var encrypted: Bool
    /// The QR codes to scan, with the accounts each holds (none for other formats).
    public var codes: [Code]

    public struct Code: Encodable, Sendable {
      public var label: String
      public var accounts: [String]
    }
  }

  /// Converts every account read to `targetID`, encrypted with `newPassword` when given; lossy
  /// conversions are written (the page shows the report before the download, as `--allow-lossy`).
  public func convert(to targetID: String, newPassword: String?) throws -> Conversion {
    let target = try registry.plugin(id: targetID)
    guard Self.pageWrites(target.descriptor) else { throw OTPError.cannotWrite(format: targetID) }
    if target.descriptor.writtenEncryption == .required, newPassword?.isEmpty ?? true {
      throw OTPError.invalidArgument("\(target.descriptor.displayName) files are always encrypted: type a new password")
    }
    try target.descriptor.refuseUnusedNewPassword(given: !(newPassword?.isEmpty ?? true))
    let startedAt = lock.withLock { generation }
    let (_, readings) = readAll()
    guard !readings.isEmpty else { throw OTPError.invalidArgument("no file has been read yet") }
    let reading = Reading(files: readings)
    guard !reading.accounts.isEmpty else { throw OTPError.nothingRead(reason: "no account was read from the files") }
    // A plugin's extension goes into a header: letters and digits only.
    let ending = (target.descriptor.fileExtensions.first ?? "txt").filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
    let name =
      "otpbridge-\(target.descriptor.id.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }).\(ending.isEmpty ? "txt" : ending)"
    let password = newPassword.flatMap { $0.isEmpty ? nil : $0 }
    let conversion = try OTPBridge.Conversion.run(
      reading, to: target, context: WriteContext(newPassword: PasswordProvider { _ in password }, outputName: name),
      readBackPassword: PasswordProvider { _ in password })
    guard !conversion.report.convertedAccounts.isEmpty else {
      throw OTPError.nothingRead(reason: "\(target.descriptor.displayName) can hold none of these accounts")
    }
    let codes =
      Self.scannableTargets.contains(target.descriptor.id)
      ? try QROutput.sheet(for: conversion.output, format: target.descriptor.id, registry: registry).entries : []
    try lock.withLock {
      guard generation == startedAt else {
        throw OTPError.invalidArgument("the files changed while they were converted: press Convert again")
      }
      converted = Converted(name: name, bytes: conversion.output, codes: codes)
    }
    let outcomes = conversion.report.outcomes
    return Conversion(
      target: target.descriptor.id, fileName: name, written: conversion.report.convertedAccounts.count,
      kept: outcomes.filter { $0.status == .kept }.count, changed: outcomes.filter { $0.status == .changed }.count,
      dropped: outcomes.filter { $0.status == .dropped }.count, unreadable: conversion.report.skippedEntries.count,
      report: Rendering.lossReport(conversion.report), encrypted: password != nil,
      codes: codes.map { Conversion.Code(label: $0.label, accounts: $0.accounts) })
  }

  /// The last conversion's file.
  public func download() -> (name: String, bytes: [UInt8])? {
    lock.withLock { converted.map { ($0.name, $0.bytes) } }
  }

  /// The `index`th QR code of the last conversion, as SVG.
  public func code(_ index: Int) -> [UInt8]? {
    lock.withLock {
      guard let codes = converted?.codes, codes.indices.contains(index) else { return nil }
      return Array(codes[index].code.svg().utf8)
    }
  }
}
