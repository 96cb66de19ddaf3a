/// A format whose output is a head, one entry per account with a separator between two, and a
/// tail, where an entry depends on its own account alone (and on what the writer worked out from
/// all of them first, such as Aegis's group list). Such output can be made a part at a time, on
/// every core, and each part read back as a file of its own: `convert` does so
/// (`StreamedConversion`) instead of holding every account three times.
///
/// A format's `write` gives exactly `head`, the entries and `tail`, so the two ways of writing
/// cannot drift apart (StreamedConversionTests checks both against the whole document).
public protocol EntryWriting: FormatPlugin {
  /// Whether this output can be made in parts; an encrypted vault, sealed whole, cannot.
  func writesInParts(context: WriteContext) throws -> Bool

  /// The writer for `accounts` (those the output gets, in order; read once, before any entry is
  /// written), when `writesInParts`. Only for one account or more: `write` makes a file of none,
  /// which JSON formats write otherwise (an empty array is two line breaks between its brackets).
  func entryWriter(for accounts: some Sequence<Account>, context: WriteContext) throws -> any EntryWriter
}

extension EntryWriting {
  public func writesInParts(context: WriteContext) throws -> Bool { true }
}

/// Writes the entries of one output (`EntryWriting`).
public protocol EntryWriter: Sendable {
  var head: [UInt8] { get }
  /// What stands between two entries.
  var separator: [UInt8] { get }
  var tail: [UInt8] { get }
  /// Appends the entries of `accounts` to `bytes`, with `separator` between them (not before the
  /// first), and adds what it noticed to `findings`.
  func writeEntries(_ accounts: ArraySlice<Account>, to bytes: inout [UInt8], findings: inout [Finding]) throws
}

extension EntryWriter {
  /// The whole output for `accounts`: head, entries, tail.
  public func document(_ accounts: ArraySlice<Account>) throws -> WriteResult {
    var bytes = head
    var findings: [Finding] = []
    try writeEntries(accounts, to: &bytes, findings: &findings)
    bytes += tail
    return WriteResult(bytes: bytes, findings: findings)
  }
}
