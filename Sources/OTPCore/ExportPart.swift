/// An export that comes in parts: Google's transfer shows one QR code a batch of accounts, and
/// people save each as a screenshot of its own, or scan one code twice.
public struct SplitExport: Sendable, Hashable {
  /// Names the export among all inputs: its format and the export's own id.
  public var id: String
  /// The export as the user knows it, for messages: "Google Authenticator transfer -1866718117".
  public var title: String
  /// What one part is called where the user sees it: "QR code".
  public var noun: String
  public var count: Int
  /// The finding codes of "parts are missing" (with its remedy) and of "a part was given twice".
  public var missingCode: String
  public var remedy: String
  public var duplicateCode: String

  public init(
    id: String, title: String, noun: String, count: Int, missingCode: some FindingCode, remedy: String,
    duplicateCode: some FindingCode
  ) {
    self.id = id
    self.title = title
    self.noun = noun
    self.count = count
    self.missingCode = missingCode.rawValue
    self.remedy = remedy
    self.duplicateCode = duplicateCode.rawValue
  }

  /// The error that parts are missing when only `present` (numbered from 0) were given, or nil
  /// when none is: "QR code 2 of 3 is missing (you gave 1 and 3); the accounts it holds are
  /// unknown". The count comes from a file and may be huge: only the first ten missing parts
  /// are named, found in at most (parts present + 10) steps.
  public func missingFinding(present: Set<Int>, at origin: Origin) -> Finding? {
    let missingCount = count - present.count
    guard missingCount > 0 else { return nil }
    let missing = Array((0..<count).lazy.filter { !present.contains($0) }.prefix(10))
    let given = present.sorted()
    let one = missingCount == 1
    let message =
      "\(title): \(Self.list(missing, total: missingCount, noun: noun)) of \(count) \(one ? "is" : "are") missing"
      + (given.isEmpty ? "" : " (you gave \(Self.list(Array(given.prefix(10)), total: given.count, noun: nil)))")
      + "; the accounts \(one ? "it holds" : "they hold") are unknown and not here"
    return Finding(
      .error, rawCode: missingCode, message, at: origin, remedy: remedy, entrySkipped: true, missingPartsOf: id)
  }

  /// "QR code 2", "QR codes 2 and 3", "QR codes 1, 2, … 10 and 90 more"; numbers from 1.
  static func list(_ parts: [Int], total: Int, noun: String?) -> String {
    let numbers = parts.map { String($0 + 1) }
    let prefix = noun.map { total == 1 ? "\($0) " : "\($0)s " } ?? ""
    if total == 1 { return prefix + numbers[0] }
    if total > numbers.count { return prefix + "\(numbers.joined(separator: ", ")) and \(total - numbers.count) more" }
    return prefix + "\(numbers.dropLast().joined(separator: ", ")) and \(numbers.last!)"
  }
}

/// One part of a `SplitExport` that an input holds, and what reading it added to the input's
/// `ReadResult`. Readers list the parts they read, so that inputs read together are put back
/// together: a part given twice is read once, and the parts no input holds are named once.
public struct ExportPart: Sendable, Hashable {
  public var export: SplitExport
  /// Numbered from 0.
  public var index: Int
  /// Where the part was read: a line, a QR code of an image.
  public var origin: Origin
  /// The accounts and findings reading this part added to the result.
  public var accounts: Range<Int>
  public var findings: Range<Int>
  /// What the part holds, hashed: only a part with the same content is a copy (two exports may
  /// share an id by chance, or leave it 0).
  public var content: Int

  public init(export: SplitExport, index: Int, origin: Origin, accounts: Range<Int>, findings: Range<Int>, content: Int) {
    self.export = export
    self.index = index
    self.origin = origin
    self.accounts = accounts
    self.findings = findings
    self.content = content
  }
}

extension ReadResult {
  /// Adds what another reading holds (a nested input: the codes of an image), its parts moved to
  /// their place here.
  public mutating func append(_ other: ReadResult) {
    let (accountOffset, findingOffset) = (accounts.count, findings.count)
    accounts += other.accounts
    findings += other.findings
    parts += other.parts.map { part in
      var part = part
      part.accounts = (part.accounts.lowerBound + accountOffset)..<(part.accounts.upperBound + accountOffset)
      part.findings = (part.findings.lowerBound + findingOffset)..<(part.findings.upperBound + findingOffset)
      return part
    }
  }

  /// Removes the accounts and findings of `dropped` (parts of this result), and the other
  /// findings `alsoRemoving` picks, moving the kept parts' ranges to match. Linear in the
  /// result's size.
  public mutating func remove(parts dropped: [ExportPart], alsoRemoving removesFinding: (Finding) -> Bool = { _ in false }) {
    // Most readings hold no part and no such finding: nothing to copy then.
    guard !dropped.isEmpty || findings.contains(where: removesFinding) else { return }
    let droppedSet = Set(dropped)
    var keepAccount = [Bool](repeating: true, count: accounts.count)
    var keepFinding = findings.map { !removesFinding($0) }
    for part in dropped {
      for index in part.accounts { keepAccount[index] = false }
      for index in part.findings { keepFinding[index] = false }
    }
    /// For each index, how many items before it are removed.
    func removedBefore(_ keep: [Bool]) -> [Int] {
      var counts = [Int](repeating: 0, count: keep.count + 1)
      for index in keep.indices { counts[index + 1] = counts[index] + (keep[index] ? 0 : 1) }
      return counts
    }
    let accountShift = removedBefore(keepAccount), findingShift = removedBefore(keepFinding)
    func moved(_ range: Range<Int>, _ shift: [Int]) -> Range<Int> {
      let lower = range.lowerBound - shift[range.lowerBound], upper = range.upperBound - shift[range.upperBound]
      return lower..<upper
    }
    parts = parts.filter { !droppedSet.contains($0) }.map { part in
      var kept = part
      kept.accounts = moved(part.accounts, accountShift)
      kept.findings = moved(part.findings, findingShift)
      return kept
    }
    accounts = accounts.indices.compactMap { keepAccount[$0] ? accounts[$0] : nil }
    findings = findings.indices.compactMap { keepFinding[$0] ? findings[$0] : nil }
  }
}
