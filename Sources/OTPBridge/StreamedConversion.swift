import Foundation
import OTPCore
import Synchronization

/// A conversion made a part at a time, for a target that writes entries (`EntryWriting`): what
/// `Conversion.run` does to all the accounts at once (fit them, write them, read the output back
/// and check it), done to chunks of `chunkSize` accounts on every core, each chunk's bytes handed
/// to `output` in order once checked. It never holds the accounts a second time: the loss report
/// lists only the accounts not kept as they are, and a chunk's read-back is dropped once checked.
///
/// A chunk is read back as a file of its own (the writer's head, the chunk's entries, its tail):
/// the output is those entries joined by the separator, the one `write` makes (EntryWritingTests),
/// and StreamedConversionTests checks that the bytes and the report are `Conversion.run`'s.
public struct StreamedConversion: Sendable {
  public var report: LossReport
  /// What the writer noticed, in account order.
  public var findings: [Finding]
  /// How many accounts were written.
  public var writtenCount: Int

  /// Converts the accounts of `reading` into `output`, or returns nil, before anything is written,
  /// when `target` cannot write this output in parts (an encrypted vault) or there is no account
  /// to write: `Conversion.run` does those. A chunk that does not read back throws, as
  /// `Conversion.run` does, after earlier chunks went to `output`: write into a file that a throw
  /// discards (`Files.write(to:force:_:)`).
  public static func run(
    _ reading: Reading, to target: any EntryWriting, context: WriteContext = WriteContext(),
    readBackPassword: PasswordProvider = .none, chunkSize: Int = 4096,
    workers: Int = ProcessInfo.processInfo.activeProcessorCount, output: ([UInt8]) throws -> Void
  ) throws -> StreamedConversion? {
    precondition(chunkSize > 0)
    guard target.descriptor.canWrite else { throw OTPError.cannotWrite(format: target.descriptor.id) }
    let sources = reading.accounts
    let chunks = stride(from: 0, to: sources.count, by: chunkSize).map { $0..<min($0 + chunkSize, sources.count) }
    let workers = max(1, workers)

    // Fitting, on every core: only the outcomes that are not "kept as it is" are kept.
    let fitted = try Parallel.map(chunks, workers: workers) { range in
      range.compactMap { index -> Remark? in
        let outcome = LossReport.adapt(sources[index], to: target.descriptor)
        return outcome.isUnremarkable ? nil : Remark(index: index, outcome: outcome)
      }
    }
    let remarked = fitted.reduce(0) { $0 + $1.count { $0.outcome.converted == nil } }
    guard sources.count - remarked > 0 else { return nil }
    let given = GivenAccounts(sources: sources, chunks: chunks, remarks: fitted)
    guard let writer = try target.entryWriter(for: given.all, context: context) else { return nil }

    // Writing and reading back, on every core, a wave of chunks at a time; each wave's bytes go
    // out in order before the next starts, so memory holds a few chunks, not the whole output.
    var outcomes: [AccountOutcome] = []
    var findings: [Finding] = []
    var wroteEntry = false
    try output(writer.head)
    for wave in stride(from: 0, to: chunks.count, by: workers).map({ $0..<min($0 + workers, chunks.count) }) {
      let parts = try Parallel.map(Array(wave), workers: workers) { chunk in
        try checkedPart(
          given.accounts(ofChunk: chunk), writer: writer, target: target, context: context, readBackPassword: readBackPassword)
      }
      for (chunk, part) in zip(wave, parts) {
        if !part.entries.isEmpty {
          if wroteEntry { try output(writer.separator) }
          try output(part.entries)
          wroteEntry = true
        }
        findings += part.findings
        outcomes += merging(fitted[chunk], readBack: part.readBackChanges, sources: sources)
      }
    }
    try output(writer.tail)
    let report = LossReport(
      target: target.descriptor, outcomes: outcomes, keptUnlisted: sources.count - outcomes.count,
      skippedEntries: reading.skippedEntries)
    return StreamedConversion(report: report, findings: findings, writtenCount: sources.count - remarked)
  }

  /// An account whose outcome the report lists, at its index among the sources.
  struct Remark: Sendable {
    var index: Int
    var outcome: AccountOutcome
  }

  /// The accounts the writer gets: the sources, with the fitted ones in place of those the loss
  /// report changed and without the dropped ones.
  struct GivenAccounts: Sendable {
    let sources: [Account]
    let chunks: [Range<Int>]
    let remarks: [[Remark]]

    func accounts(ofChunk chunk: Int) -> [(source: Int, account: Account)] {
      var given: [(source: Int, account: Account)] = []
      given.reserveCapacity(chunks[chunk].count)
      var next = remarks[chunk].makeIterator().peekable()
      for index in chunks[chunk] {
        if let remark = next.peek(), remark.index == index {
          _ = next.next()
          if let converted = remark.outcome.converted { given.append((index, converted)) }
        } else {
          given.append((index, sources[index]))
        }
      }
      return given
    }

    var all: some Sequence<Account> { chunks.indices.lazy.flatMap { accounts(ofChunk: $0).lazy.map(\.account) } }
  }

  /// One chunk written and read back.
  struct Part: Sendable {
    var entries: [UInt8]
    var findings: [Finding]
    /// What came back otherwise than it was given, by source index.
    var readBackChanges: [(index: Int, changes: [AccountChange])]
  }

  static func checkedPart(
    _ given: [(source: Int, account: Account)], writer: any EntryWriter, target: any EntryWriting, context: WriteContext,
    readBackPassword: PasswordProvider
  ) throws -> Part {
    let accounts = given.map(\.account)
    var document = writer.head
    var findings: [Finding] = []
    try writer.writeEntries(accounts[...], to: &document, findings: &findings)
    let entries = Array(document[writer.head.count...])
    document += writer.tail
    let back = try target.read(
      InputFile(name: context.outputName, bytes: document), context: ReadContext(password: readBackPassword))
    let pairing = Verification.Pairing(source: accounts, converted: back.accounts)
    let check = Verification.compare(
      source: accounts, converted: back.accounts, instants: Verification.instants(now: 0), pairing: pairing,
      trustingEqualValues: true)
    guard check.passed, back.findings.allSatisfy({ $0.severity < .error }) else {
      throw Conversion.readBackFailure(
        target: target.descriptor, output: context.outputName,
        details: check.problems.map(\.description) + back.findings.map(\.description))
    }
    var changes: [(index: Int, changes: [AccountChange])] = []
    for (position, backIndex) in pairing.pairs.enumerated() {
      guard let backIndex else { continue }
      let found = LossReport.readBackChanges(accounts[position], back.accounts[backIndex], target: target.descriptor)
      if !found.isEmpty { changes.append((given[position].source, found)) }
    }
    return Part(entries: entries, findings: findings, readBackChanges: changes)
  }

  /// A chunk's outcomes for the report, in source order: those the fitting listed, with what the
  /// read-back found added, and an account kept as it is that came back otherwise.
  static func merging(_ remarks: [Remark], readBack: [(index: Int, changes: [AccountChange])], sources: [Account])
    -> [AccountOutcome]
  {
    var merged: [AccountOutcome] = []
    var remarks = remarks.makeIterator().peekable()
    var found = readBack.makeIterator().peekable()
    while remarks.peek() != nil || found.peek() != nil {
      let remarkIndex = remarks.peek()?.index ?? .max, foundIndex = found.peek()?.index ?? .max
      if remarkIndex <= foundIndex {
        var outcome = remarks.next()!.outcome
        if foundIndex == remarkIndex { outcome.changes += found.next()!.changes }
        merged.append(outcome)
      } else {
        let (index, changes) = found.next()!
        merged.append(AccountOutcome(source: sources[index], converted: sources[index], changes: changes, dropReason: nil))
      }
    }
    return merged
  }
}

/// An iterator that can look at its next element without taking it.
struct PeekableIterator<Base: IteratorProtocol>: IteratorProtocol {
  var base: Base
  var peeked: Base.Element??

  mutating func peek() -> Base.Element? {
    if peeked == nil { peeked = .some(base.next()) }
    return peeked!
  }

  mutating func next() -> Base.Element? {
    defer { peeked = nil }
    return peek()
  }
}

extension IteratorProtocol {
  func peekable() -> PeekableIterator<Self> { PeekableIterator(base: self) }
}

/// Work spread over threads, the results kept in order.
enum Parallel {
  /// `transform` of each of `items`, on up to `workers` threads at once; the first error thrown
  /// is rethrown once all have stopped.
  static func map<Item: Sendable, Result: Sendable>(
    _ items: [Item], workers: Int, _ transform: @Sendable (Item) throws -> Result
  ) throws -> [Result] {
    guard workers > 1, items.count > 1 else { return try items.map(transform) }
    let results = Mutex<[Swift.Result<Result, any Error>?]>(Array(repeating: nil, count: items.count))
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
      while true {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < items.count else { return }
        let result = Swift.Result { try transform(items[index]) }
        results.withLock { $0[index] = result }
      }
    }
    return try results.withLock { $0 }.map { try $0!.get() }
  }
}
