import Foundation
import OTPCore
import OTPCrypto

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `--shard I/N`: user I of every N, by a stable hash of the user id, so N machines given the same
/// manifest take disjoint slices that together cover it. I counts from 0, as a Kubernetes Indexed
/// Job's JOB_COMPLETION_INDEX does.
public struct TenantShard: Sendable, Equatable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else {
      return nil
    }
    self.index = index
    self.count = count
  }

  public var description: String { "\(index)/\(count)" }

  /// The first 8 bytes of SHA-256 of the id's UTF-8, big-endian, modulo N: the same on every
  /// machine and in every version (Swift's own `hashValue` is seeded per process).
  public static func bucket(of id: String, count: Int) -> Int {
    let digest = Digest.sha256(Array(id.utf8))
    let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    return Int(value % UInt64(count))
  }

  public func contains(_ id: String) -> Bool { Self.bucket(of: id, count: count) == index }

  init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// The variables each scheduler sets in an array job's task, for `--shard auto`.
  public static let schedulerVariables = [
    "SLURM_ARRAY_TASK_ID (a Slurm job array)", "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)",
    "AWS_BATCH_JOB_ARRAY_INDEX (an AWS Batch array job)",
  ]

  /// `--shard I/N`, or `auto` / `auto/N`: the index (and, for Slurm, the count) from the
  /// environment a scheduler gives an array task. Kubernetes and AWS Batch do not tell a task the
  /// size of its array, so there N must be given (`auto/N`, the Job's `completions` or the array
  /// size). Returns the shard and the variable it came from (nil for I/N).
  public static func resolve(_ text: String, environment: [String: String]) throws -> (shard: TenantShard, source: String?) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.first == "auto" else {
      guard let shard = TenantShard(text) else { throw OTPError.invalidArgument(usage) }
      return (shard, nil)
    }
    var given: Int?
    if parts.count == 2 {
      guard let count = Int(parts[1]), count >= 1 else { throw OTPError.invalidArgument(usage) }
      given = count
    } else if parts.count != 1 {
      throw OTPError.invalidArgument(usage)
    }
    func number(_ name: String) throws -> Int? {
      guard let value = environment[name] else { return nil }
      guard let number = Int(value.trimmingCharacters(in: .whitespaces)), number >= 0 else {
        throw OTPError.invalidArgument(
          "--shard auto: \(name) is '\(String(value.prefix(20)).escapedForTerminal())', not a whole number")
      }
      return number
    }
    let slurm = try number("SLURM_ARRAY_TASK_ID")
    let kubernetes = try number("JOB_COMPLETION_INDEX")
    let batch = try number("AWS_BATCH_JOB_ARRAY_INDEX")
    let set = [
      slurm.map { _ in "SLURM_ARRAY_TASK_ID" }, kubernetes.map { _ in "JOB_COMPLETION_INDEX" },
      batch.map { _ in "AWS_BATCH_JOB_ARRAY_INDEX" },
    ]
    .compactMap { $0 }
    guard set.count <= 1 else {
      throw OTPError.invalidArgument("--shard auto: both \(set.joined(separator: " and ")) are set; give --shard I/N")
    }
    if let id = slurm {
      // An array `--array=1-8:2` numbers its tasks 1, 3, 5, 7: the shard is the task's place in it.
      let minimum = try number("SLURM_ARRAY_TASK_MIN") ?? 0
      let step = max(1, try number("SLURM_ARRAY_TASK_STEP") ?? 1)
      var count = try number("SLURM_ARRAY_TASK_COUNT")
      if count == nil, let maximum = try number("SLURM_ARRAY_TASK_MAX"), maximum >= minimum {
        count = (maximum - minimum) / step + 1
      }
      guard let count = count ?? given else {
        throw OTPError.invalidArgument(
          "--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX; give --shard auto/N"
        )
      }
      if let given, given != count {
        throw OTPError.invalidArgument("--shard auto/\(given): the Slurm array has \(count) tasks")
      }
      let offset = id - minimum
      guard offset >= 0, offset % step == 0, offset / step < count else {
        throw OTPError.invalidArgument(
          "--shard auto: Slurm task \(id) is not one of an array of \(count) numbered from \(minimum) by \(step); give the array as a range (--array=0-\(count - 1))"
        )
      }
      return (TenantShard(index: offset / step, count: count), "SLURM_ARRAY_TASK_ID")
    }
    guard let name = set.first, let index = kubernetes ?? batch else {
      throw OTPError.invalidArgument(
        "--shard auto: no scheduler's array index is set (\(schedulerVariables.joined(separator: ", "))); outside an array job give --shard I/N"
      )
    }
    guard let count = given else {
      throw OTPError.invalidArgument(
        "--shard auto: \(name) gives the index but not the count of shards; give it once: --shard auto/N")
    }
    guard index < count else {
      throw OTPError.invalidArgument("--shard auto/\(count): \(name) is \(index), not below \(count)")
    }
    return (TenantShard(index: index, count: count), name)
  }

  static let usage = "--shard takes I/N with 0 <= I < N (e.g. 0/4), or auto or auto/N to take I (and N) from a scheduler"
}

public struct TenantOptions: Sendable {
  public var outputFolder: String
  /// The target format for users whose row names none.
  public var defaultTarget: String?
  public var jobs: Int
  public var shard: TenantShard?
  public var resume: Bool

  public init(outputFolder: String, defaultTarget: String? = nil, jobs: Int, shard: TenantShard? = nil, resume: Bool = false) {
    self.outputFolder = outputFolder
    self.defaultTarget = defaultTarget
    self.jobs = jobs
    self.shard = shard
    self.resume = resume
  }
}

/// One step of a run, for progress display: `finished` of `total` users are through (including
/// those a resume skipped), and `latest` is the one that just finished.
public struct TenantProgress: Sendable {
  public var finished: Int
  public var total: Int
  /// Users that were already done before this run (a resume): not counted in the rate.
  public var skipped: Int
  public var latest: TenantUserResult?
}

/// `otpbridge tenant migrate`: every user of a manifest converted in parallel, each into its own
/// folder, with a journal that makes the run resumable after a crash (docs/tenant.md).
public enum TenantMigration {
  public static let reportName = "report.json"
  public static let htmlName = "report.html"
  /// The audit of a user's inputs, beside the converted file.
  public static let findingsName = "findings.json"
  /// The notes of a user a resume ran again because its outputs were not as the journal recorded.
  public static let outputChangedNote = "output changed since the last run; converted again"
  public static let outputChangedFailedNote = "output changed since the last run; converting it again failed"

  public static func run(
    manifest: TenantManifest, options: TenantOptions, registry: Registry = .builtIn,
    progress: @escaping @Sendable (TenantProgress) -> Void = { _ in }
  ) throws -> TenantRunSummary {
    let folder = options.outputFolder
    if let target = options.defaultTarget { _ = try writer(target, registry: registry) }
    // The folder's parents as the user's umask makes them; the folder itself, if new, private.
    let parent = PathText.folder(of: folder)
    if !parent.isEmpty {
      do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
        throw OTPError.writeFailed(path: parent, reason: "the folder cannot be made (a file may stand in its path)")
      }
    }
    try TenantFolders.make(folder)
    // Nothing in the folder changes before the lock is held, so a refused second run changes nothing.
    let lock = try TenantFolderLock(folder: folder)
    defer { lock.release() }
    let journal = try TenantJournal(folder: folder, resume: options.resume)
    try journal.checkSettings(["shard": options.shard?.description ?? "", "target": options.defaultTarget ?? ""])
    try TenantFolders.makePrivate("\(folder)/users")
    try TenantFolders.restrictUserFolders(in: "\(folder)/users")
    removeTemporaryFiles(in: folder)

    // This shard's users, and those the journal records as done (a resume): a done user whose
    // outputs were removed or changed since (by hand, by a disk) runs again. The users themselves
    // are taken from the manifest a batch at a time as the workers ask; only the ids of the
    // changed ones are held.
    var total = 0, skipped = 0
    var changed: Set<String> = []
    try manifest.forEachID { id, repeated in
      guard options.shard?.contains(id) ?? true else { return }
      total += 1
      guard !repeated, let files = try journal.doneOutputs(of: id) else { return }
      if files.allSatisfy({ $0.isIntact(in: folder) }) { skipped += 1 } else { changed.insert(id) }
    }
    let outputsChanged = changed
    let state = RunState(manifest: manifest, shard: options.shard, total: total, skipped: skipped)
    progress(TenantProgress(finished: skipped, total: total, skipped: skipped, latest: nil))

    let group = DispatchGroup()
    for _ in 0..<max(1, min(options.jobs, total - skipped)) {
      group.enter()
      let thread = Thread {
        defer { group.leave() }
        do {
          while let user = try state.next() {
            // A repeated row fails without running, and without a journal row (its id has one).
            if user.earlierRow != nil {
              state.finished(repeatedRow(user, options: options), progress: progress)
              continue
            }
            let again = outputsChanged.contains(user.id)
            if !again, try journal.isDone(user.id) { continue }
            var (result, outputs) = migrate(user, manifest: manifest, options: options, registry: registry)
            if again { result.note = result.status == .done ? Self.outputChangedNote : Self.outputChangedFailedNote }
            try journal.record(result, outputs: outputs)
            state.finished(result, progress: progress)
          }
        } catch {
          state.fail(error)
        }
      }
      // Scrypt and the read-back check are stack-light, but plugins recurse into nested files.
      thread.stackSize = 8 << 20
      thread.start()
    }
    group.wait()
    if let error = state.fatalError { throw error }

    // The reports walk the journal a user at a time, so a run's memory does not grow with the
    // tenant (`make bench`). Users of an earlier run no longer in the manifest are left out.
    // The reports walk the manifest's rows of this shard in order, a batch at a time, each with
    // its journal row, so a run's memory does not grow with the tenant (`make bench`).
    let results = TenantUserResults { body in
      try manifest.forEachUser { user in
        guard options.shard?.contains(user.id) ?? true else { return }
        if user.earlierRow != nil { return try body(repeatedRow(user, options: options)) }
        guard var result = try journal.result(of: user.id) else { return }
        // Rows may have moved in the manifest since the user was recorded.
        result.index = user.index
        try body(result)
      }
    }
    var summary = TenantSummary()
    var failed: [TenantUserResult] = []
    try results.forEach { result in
      summary.add(result)
      // The terminal lists the first failed users; the reports list them all.
      if result.status == .failed, failed.count < TenantRunSummary.failedUsersShown { failed.append(result) }
    }
    let shards = options.shard.map { [$0.description] } ?? []
    try Files.write(to: "\(folder)/\(reportName)", force: true) { append in
      try TenantReport.writeJSON(shards: shards, summary: summary, users: results, append: append)
    }
    try Files.write(to: "\(folder)/\(htmlName)", force: true) { append in
      try TenantHTML.render(shards: shards, summary: summary, users: results) { try append(Array($0.utf8)) }
    }
    return TenantRunSummary(summary: summary, failedUsers: failed)
  }

  /// The work queue and counters the worker threads share: the manifest's users of this shard,
  /// fetched a batch at a time.
  final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private let manifest: TenantManifest
    private let shard: TenantShard?
    private var batch: [TenantUser] = []
    private var position = 0
    private var exhausted = false
    private var finishedCount: Int
    let skipped: Int
    let total: Int
    private var error: Error?

    init(manifest: TenantManifest, shard: TenantShard?, total: Int, skipped: Int) {
      self.manifest = manifest
      self.shard = shard
      self.total = total
      self.skipped = skipped
      finishedCount = skipped
    }

    /// The next user of the shard, or nil when there is none or the run has failed.
    func next() throws -> TenantUser? {
      try lock.withLock {
        while error == nil {
          if let user = batch.popLast() { return user }
          guard !exhausted else { return nil }
          let fetched = try manifest.users(after: position, limit: TenantManifest.batchSize)
          guard let last = fetched.last else {
            exhausted = true
            return nil
          }
          position = last.index
          batch = fetched.filter { shard?.contains($0.id) ?? true }.reversed()
        }
        return nil
      }
    }

    func finished(_ result: TenantUserResult, progress: (TenantProgress) -> Void) {
      lock.withLock {
        finishedCount += 1
        progress(TenantProgress(finished: finishedCount, total: total, skipped: skipped, latest: result))
      }
    }

    func fail(_ error: Error) {
      lock.withLock { if self.error == nil { self.error = error } }
    }

    var fatalError: Error? { lock.withLock { error } }
  }

  /// The result of a row whose id or output folder an earlier row has.
  static func repeatedRow(_ user: TenantUser, options: TenantOptions) -> TenantUserResult {
    .failed(user, reason: user.problem ?? "", target: user.target ?? options.defaultTarget)
  }

  static func writer(_ id: String, registry: Registry) throws -> any FormatPlugin {
    let plugin = try registry.plugin(id: id)
    guard plugin.descriptor.canWrite else { throw OTPError.cannotWrite(format: plugin.descriptor.id) }
    return plugin
  }

  /// The files a done user's journal row vouches for: the converted file and findings.json.
  typealias UserOutputs = (converted: TenantOutputFile, findings: TenantOutputFile)

  /// One user: read every input (a failure fails the user), audit, convert, write the converted
  /// file and the findings, each synced, before the caller records the user as done. A done user
  /// comes with what was written, for the journal.
  static func migrate(
    _ user: TenantUser, manifest: TenantManifest, options: TenantOptions, registry: Registry
  ) -> (TenantUserResult, UserOutputs?) {
    let targetID = user.target ?? options.defaultTarget
    if let problem = user.problem { return (.failed(user, reason: problem, target: targetID), nil) }
    guard let targetID else {
      return (.failed(user, reason: "no target format: give --to, or a target for this user in the manifest", target: nil), nil)
    }
    var inputs: [String] = []
    do {
      let target = try writer(targetID, registry: registry)
      try target.descriptor.refuseUnusedNewPassword(given: !user.outputPassword.isEmpty)
      inputs = try manifest.inputFiles(of: user)
      let password = manifest.resolved(user.password).provider(role: .opening("input"))
      var readings: [FileReading] = []
      var encrypted: [Bool] = []
      for path in inputs {
        let probe = PasswordProbe()
        readings.append(
          try Reading.read(paths: [path], context: ReadContext(password: probe.wrap(password)), registry: registry).files[0])
        encrypted.append(probe.wasAsked)
      }
      SplitExports.assemble(&readings)
      let audited = zip(readings, encrypted).map { Audit.file($0, encrypted: $1, target: nil) }
      let reading = Reading(files: readings)
      let name = TenantPaths.folderName(for: user.id)
      let relativeFolder = "users/\(name)"
      let folder = "\(options.outputFolder)/\(relativeFolder)"
      let outputName = "\(name).\(target.descriptor.fileExtensions.first ?? "out")"
      let outputPasswordSupply = manifest.resolved(user.outputPassword).supply(role: .creating("output"))
      let outputPassword = outputPasswordSupply.provider
      let conversion = try Conversion.run(
        reading, to: target, context: WriteContext(newPassword: outputPassword, outputName: outputName),
        readBackPassword: outputPassword)

      try TenantFolders.makePrivate(folder)
      removeTemporaryFiles(in: folder)
      try Files.write(conversion.output, to: "\(folder)/\(outputName)", force: true)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let findings = AuditReport(target: nil, files: audited)
      let findingsBytes = Array(try encoder.encode(findings)) + [UInt8(ascii: "\n")]
      try Files.write(findingsBytes, to: "\(folder)/\(findingsName)", force: true)
      let outputs = (
        converted: TenantOutputFile(path: "\(relativeFolder)/\(outputName)", bytes: conversion.output),
        findings: TenantOutputFile(path: "\(relativeFolder)/\(findingsName)", bytes: findingsBytes)
      )

      let outcomes = conversion.report.outcomes
      let all = findings.allFindings
      let result = TenantUserResult(
        user: user.id, index: user.index, status: .done, reason: nil, target: target.descriptor.id,
        output: "\(relativeFolder)/\(outputName)", inputs: inputs, accounts: reading.accounts.count,
        moved: conversion.report.convertedAccounts.count,
        changed: outcomes.filter { $0.status == .changed }.count,
        dropped: outcomes.filter { $0.status == .dropped }.count,
        unreadable: conversion.report.skippedEntries.count,
        microsoft: all.filter { $0.microsoft && $0.severity >= .warning },
        findings: Dictionary(grouping: all, by: \.severity.label).mapValues(\.count),
        encrypted: outputPasswordSupply.gavePassword == true,
        reenrol: conversion.report.skippedEntries.count { Audit.convert($0, file: "").microsoft })
      return (result, outputs)
    } catch {
      return (.failed(user, reason: "\(error)", target: targetID, inputs: inputs), nil)
    }
  }

  /// Temporary files that `Files.write` left behind when a run was killed mid-write.
  static func removeTemporaryFiles(in folder: String) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
      unlink("\(folder)/\(name)")
    }
  }
}
