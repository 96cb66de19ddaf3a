import Foundation
import OTPCore

/// The plain-text forms of reports, shared by the CLI and library users. No secret reaches them,
/// and nothing read from a file reaches them unescaped: each line or cell is escaped for the
/// terminal on its own (`escapedForTerminal`), so a crafted name can neither act on the terminal
/// nor add a line.
public enum Rendering {
  /// The loss report: one block per account that is not kept exactly, with what to do where
  /// there is something, then the totals.
  public static func lossReport(_ report: LossReport) -> String {
    var lines: [String] = []
    for finding in report.skippedEntries {
      let place = finding.origin.map { "\($0)" } ?? "?"
      lines.append(
        finding.missingPartsOf == nil
          ? "DROPPED  \(place): entry not readable: \(finding.message)" : "MISSING  \(place): \(finding.message)")
      if let remedy = finding.remedy { lines.append("         What to do: \(remedy)") }
    }
    var counts: [AccountOutcome.Status: Int] = [:]
    for outcome in report.outcomes {
      let status = outcome.status
      counts[status, default: 0] += 1
      switch status {
      case .kept:
        continue
      case .dropped:
        lines.append("DROPPED  \(outcome.source.origin): \(outcome.source.displayName): \(outcome.dropReason ?? "")")
      case .changed:
        lines.append("CHANGED  \(outcome.source.origin): \(outcome.source.displayName)")
        for change in outcome.changes { lines.append("         - \(change)") }
      }
    }
    var summary = "\(report.keptCount) kept, \(counts[.changed] ?? 0) changed, \(counts[.dropped] ?? 0) dropped"
    if report.unreadableCount > 0 { summary += ", \(report.unreadableCount) unreadable" }
    if report.incompleteExportCount > 0 {
      summary += ", and the unknown accounts of \(report.incompleteExportCount) incomplete export(s)"
    }
    lines.append("Loss report for \(report.targetFormat): \(summary).")
    return lines.map { $0.escapedForTerminal() }.joined(separator: "\n")
  }

  public static func findings(_ findings: [Finding]) -> String {
    findings.map { $0.description.escapedForTerminal() }.joined(separator: "\n")
  }

  public static func verification(_ verification: Verification) -> String {
    var lines = verification.problems.map { "FAIL  \($0)".escapedForTerminal() }
    let total =
      verification.matched
      + verification.problems.filter {
        if case .missing = $0 { return true } else { return false }
      }.count
    if verification.passed {
      let instants = "\(verification.instantsChecked.count) instants, HOTP at 3 counters"
      let same = verification.matched - verification.codesComputed
      switch (same, verification.codesComputed) {
      case (0, _):
        lines.append("verify: all \(verification.matched) accounts match; codes compared at \(instants).")
      case (_, 0):
        lines.append(
          "verify: all \(verification.matched) accounts match: each has the same secret and code settings (kind, algorithm, digits, period or counter, PIN) in both files, so the same codes."
        )
      default:
        lines.append(
          "verify: all \(verification.matched) accounts match: \(same) with the same secret and code settings in both files, \(verification.codesComputed) by their codes at \(instants)."
        )
      }
    } else {
      lines.append("verify: \(verification.problems.count) problem(s) among \(total) source accounts.")
    }
    return lines.joined(separator: "\n")
  }

  /// A table with a header row and columns padded to their widest cell; every cell escaped.
  public static func table(header: [String], rows: [[String]]) -> String {
    var output: [UInt8] = []
    writeTable(header: header, rowCount: rows.count, cells: { rows[$0] }) { output += $0 }
    return String(decoding: output.dropLast(), as: UTF8.self)
  }

  /// `table(header:rows:)` for many rows, without holding them: `cells(i)` makes row i's cells,
  /// once to measure the columns and once to write them (for a long table, a chunk of rows at a
  /// time on every core), and `write` gets the text in order in pieces of 1 MiB or a little more
  /// (up to a chunk of 8,192 rows), each ending at a line break (the last ends with one too). Every cell is escaped for a terminal;
  /// what joins them is plain ASCII.
  public static func writeTable<Failure: Error>(
    header: [String], rowCount: Int, cells: @Sendable (Int) -> [String], write: @escaping ([UInt8]) throws(Failure) -> Void
  ) throws(Failure) {
    let header = header.map { $0.escapedForTerminal() }
    @Sendable func row(_ index: Int) -> [String] { cells(index).map { $0.escapedForTerminal() } }
    let chunks = Parallel.chunks(of: rowCount, size: 8192)
    let workers = rowCount < 16_384 ? 1 : Parallel.cores
    var widths = header.map(width)
    let chunkWidths = Parallel.map(chunks, workers: workers) { [columns = header.count] chunk in
      var widths = [Int](repeating: 0, count: columns)
      for index in chunk {
        for (column, cell) in row(index).enumerated() { widths[column] = max(widths[column], width(cell)) }
      }
      return widths
    }
    for found in chunkWidths {
      for column in widths.indices { widths[column] = max(widths[column], found[column]) }
    }
    let columnWidths = widths
    @Sendable func append(_ cells: [String], to output: inout [UInt8]) {
      for (column, cell) in cells.enumerated() {
        if column > 0 { output += [0x20, 0x20] }
        if cell.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil { output += cell.utf8 }
        if column < cells.count - 1 { output += repeatElement(0x20, count: max(0, columnWidths[column] - width(cell))) }
      }
      output.append(UInt8(ascii: "\n"))
    }
    var output = OutputPieces(write: write)
    append(header, to: &output.bytes)
    try Parallel.inOrder(chunks, workers: workers) { chunk in
      var part: [UInt8] = []
      for index in chunk { append(row(index), to: &part) }
      return part
    } use: { (part: [UInt8]) throws(Failure) in
      try output.append(part)
    }
    try output.finish()
  }

  /// How wide a cell shows: its bytes when it is ASCII (nearly always), else its characters.
  static func width(_ cell: String) -> Int {
    let ascii = cell.utf8.withContiguousStorageIfAvailable { !$0.contains { $0 >= 0x80 } } ?? cell.utf8.allSatisfy { $0 < 0x80 }
    return ascii ? cell.utf8.count : cell.count
  }
}
