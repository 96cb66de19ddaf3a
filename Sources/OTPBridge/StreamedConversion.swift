import OTPCore

/// A conversion made a part at a time, for a target that writes entries (`EntryWriting`): what
/// `Conversion.run` does to all the accounts at once (fit them, write them, read the output back
/// and check it), done to chunks of `chunkSize` accounts on every core, each chunk's bytes handed
/// to `output` in order once checked. It never holds the accounts a second time: the loss report
/// lists only the accounts not kept as they are, and a chunk's read-back is dropped once checked.
///
/// A chunk is read back as a file of its own (the writer's head, the chunk's entries, its tail):
/// the output is those entries joined by the separator, as the format's `write` makes it, and
/// StreamedConversionTests checks that the bytes and the report are `Conversion.run`'s.
public struct StreamedConversion: Sendable {
  public var report: LossReport
  /// What the writer noticed, in account order.
  public var findings: [Finding]
  /// How many accounts were written.
  public var writtenCount: Int

  /// The accounts fitted to the target, ready to be written (`write(to:)`).
  public struct Plan {
    let reading: Reading
    let sources: [Account]
    let target: any EntryWriting
    let context: WriteContext
    let readBackPassword: PasswordProvider
    let workers: Int
    let given: GivenAccounts
    let writer: any EntryWriter

    /// Whether the fitting alone already drops or changes something, or an entry was not
    /// readable: such a conversion is refused (without --allow-lossy) before anything is written.
    /// Reading the output back may still find text that comes back otherwise.
    public var isLossy: Bool {
      !reading.skippedEntries.isEmpty || given.remarks.contains { !$0.isEmpty }
    }

    /// Writes, reads back and checks a wave of chunks at a time, on every core; each wave's bytes
    /// go to `output` in order before the next starts, so memory holds a few chunks, not the
    /// whole output. A chunk that does not read back throws, as `Conversion.run` does, after
    /// earlier chunks went to `output`: write into a file that a throw discards
    /// (`Files.write(to:force:_:)`).
    public func write(to output: ([UInt8]) throws -> Void) throws -> StreamedConversion {
      var outcomes: [AccountOutcome] = []
      var findings: [Finding] = []
      var wroteEntry = false
      try output(writer.head)
      for wave in Parallel.chunks(of: given.chunks.count, size: workers * 4) {
        let parts = try Parallel.map(Array(wave), workers: workers) { [given, writer, target, context, readBackPassword] chunk in
          try StreamedConversion.checkedPart(
            given.accounts(ofChunk: chunk), writer: writer, target: target, context: context,
            readBackPassword: readBackPassword)
        }
        for (chunk, part) in zip(wave, parts) {
          if !part.entries.isEmpty {
            if wroteEntry { try output(writer.separator) }
            try output(part.entries)
            wroteEntry = true
          }
          findings += part.findings
          outcomes += StreamedConversion.merging(given.remarks[chunk], readBack: part.readBackChanges, sources: sources)
        }
      }
      try output(writer.tail)
      let report = LossReport(
        target: target.descriptor, outcomes: outcomes, keptUnlisted: sources.count - outcomes.count,
        skippedEntries: reading.skippedEntries)
      return StreamedConversion(report: report, findings: findings, writtenCount: given.writtenCount)
    }
  }

  /// Fits the accounts of `reading` to `target`, on every core, or returns nil when `target`
  /// cannot write this output in parts (an encrypted vault is sealed whole), cannot read it back,
  /// or gets no account: `Conversion.run` does those.
  public static func plan(
    _ reading: Reading, to target: any EntryWriting, context: WriteContext = WriteContext(),
    readBackPassword: PasswordProvider = .none, chunkSize: Int = 4096, workers: Int = Parallel.cores
  ) throws -> Plan? {
    precondition(chunkSize > 0)
    let descriptor = target.descriptor
    guard descriptor.canWrite else { throw OTPError.cannotWrite(format: descriptor.id) }
    guard descriptor.canRead, try target.writesInParts(context: context) else { return nil }
    let sources = reading.accounts
    let fitter = LossReport.Fitter(target: descriptor)
    let chunks = Parallel.chunks(of: sources.count, size: chunkSize)
    // Only the outcomes that are not "kept as it is" are kept.
    let remarks = Parallel.map(chunks, workers: workers) { range in
      range.compactMap { index -> Remark? in
        guard let outcome = fitter.remark(for: sources[index]), !outcome.isUnremarkable else { return nil }
        return Remark(index: index, outcome: outcome)
      }
    }
    let given = GivenAccounts(sources: sources, chunks: chunks, remarks: remarks)
    guard given.writtenCount > 0 else { return nil }
    return Plan(
      reading: reading, sources: sources, target: target, context: context, readBackPassword: readBackPassword,
      workers: max(1, workers), given: given, writer: try target.entryWriter(for: given.all, context: context))
  }

  /// `plan` and `write(to:)` in one: nil where `plan` is nil, before anything is written.
  public static func run(
    _ reading: Reading, to target: any EntryWriting, context: WriteContext = WriteContext(),
    readBackPassword: PasswordProvider = .none, chunkSize: Int = 4096,
    workers: Int = Parallel.cores, output: ([UInt8]) throws -> Void
  ) throws -> StreamedConversion? {
    try plan(
      reading, to: target, context: context, readBackPassword: readBackPassword, chunkSize: chunkSize, workers: workers
    )?.write(to: output)
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

    /// How many accounts the writer gets: those not dropped.
    var writtenCount: Int { sources.count - remarks.reduce(0) { $0 + $1.count { $0.outcome.converted == nil } } }

    /// The accounts of a chunk the writer gets, and the index of each among the sources.
    func accounts(ofChunk chunk: Int) -> (accounts: [Account], sourceIndices: [Int]) {
      var accounts: [Account] = [], sourceIndices: [Int] = []
      accounts.reserveCapacity(chunks[chunk].count)
      sourceIndices.reserveCapacity(chunks[chunk].count)
      var next = remarks[chunk].makeIterator().peekable()
      for index in chunks[chunk] {
        if let remark = next.peek(), remark.index == index {
          _ = next.next()
          guard let converted = remark.outcome.converted else { continue }
          accounts.append(converted)
        } else {
          accounts.append(sources[index])
        }
        sourceIndices.append(index)
      }
      return (accounts, sourceIndices)
    }

    /// Every account the writer gets, in order, taken one at a time.
    var all: some Sequence<Account> {
      sequence(state: (index: 0, chunk: 0, remark: 0)) { state -> Account? in
        while state.index < sources.count {
          let index = state.index
          state.index += 1
          if index == chunks[state.chunk].upperBound { (state.chunk, state.remark) = (state.chunk + 1, 0) }
          let chunkRemarks = remarks[state.chunk]
          guard state.remark < chunkRemarks.count, chunkRemarks[state.remark].index == index else { return sources[index] }
          state.remark += 1
          if let converted = chunkRemarks[state.remark - 1].outcome.converted { return converted }
        }
        return nil
      }
    }
  }

  /// One chunk written and read back.
  struct Part: Sendable {
    var entries: [UInt8]
    var findings: [Finding]
    /// What came back otherwise than it was given, by source index.
    var readBackChanges: [(index: Int, changes: [AccountChange])]
  }

  static func checkedPart(
    _ given: (accounts: [Account], sourceIndices: [Int]), writer: any EntryWriter, target: any EntryWriting,
    context: WriteContext, readBackPassword: PasswordProvider
  ) throws -> Part {
    let accounts = given.accounts
    var document = writer.head
    var findings: [Finding] = []
    try writer.writeEntries(accounts[...], to: &document, findings: &findings)
    let entries = Array(document[writer.head.count...])
    document += writer.tail
    let (back, pairing) = try Conversion.readBack(
      WriteResult(bytes: document), given: accounts, target: target, context: context, password: readBackPassword)
    var changes: [(index: Int, changes: [AccountChange])] = []
    let descriptor = target.descriptor
    for (position, backIndex) in pairing.pairs.enumerated() {
      guard let backIndex else { continue }
      let found = LossReport.readBackChanges(accounts[position], back[backIndex], target: descriptor)
      if !found.isEmpty { changes.append((given.sourceIndices[position], found)) }
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
