import Foundation
import OTPCore

/// The plain-text forms of reports, shared by the CLI and library users. No secret reaches them,
/// and nothing read from a file reaches them unescaped: each line or cell is escaped for the
/// terminal on its own (`escapedForTerminal`), so a crafted name can neither act on the terminal
/// nor add a line.
public enum Rendering {
  /// The loss report: one block per account that is not kept exactly, then the totals.
  public static func lossReport(_ report: LossReport) -> String {
    var lines: [String] = []
    for finding in report.skippedEntries {
      lines.append("DROPPED  \(finding.origin.map { "\($0)" } ?? "?"): entry not readable: \(finding.message)")
    }
    for outcome in report.outcomes {
      let account = outcome.source
      switch outcome.status {
      case .kept:
        continue
      case .dropped:
        lines.append("DROPPED  \(account.origin): \(account.displayName): \(outcome.dropReason ?? "")")
      case .changed:
        lines.append("CHANGED  \(account.origin): \(account.displayName)")
        for change in outcome.changes { lines.append("         - \(change)") }
      }
    }
    let counts = Dictionary(grouping: report.outcomes, by: \.status).mapValues(\.count)
    var summary = "\(counts[.kept] ?? 0) kept, \(counts[.changed] ?? 0) changed, \(counts[.dropped] ?? 0) dropped"
    if !report.skippedEntries.isEmpty { summary += ", \(report.skippedEntries.count) unreadable" }
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
      lines.append(
        "verify: all \(verification.matched) accounts match; codes compared at \(verification.instantsChecked.count) instants, HOTP at 3 counters."
      )
    } else {
      lines.append("verify: \(verification.problems.count) problem(s) among \(total) source accounts.")
    }
    return lines.joined(separator: "\n")
  }

  /// A table with a header row and columns padded to their widest cell; every cell escaped.
  public static func table(header: [String], rows: [[String]]) -> String {
    let rows = [header] + rows.map { $0.map { $0.escapedForTerminal() } }
    // How wide a cell shows: its bytes when it is ASCII (nearly always), else its characters.
    func width(_ cell: String) -> Int {
      let ascii = cell.utf8.withContiguousStorageIfAvailable { !$0.contains { $0 >= 0x80 } } ?? cell.utf8.allSatisfy { $0 < 0x80 }
      return ascii ? cell.utf8.count : cell.count
    }
    let cellWidths = rows.map { $0.map(width) }
    var widths = [Int](repeating: 0, count: header.count)
    var total = 0
    for (row, rowWidths) in zip(rows, cellWidths) {
      for (column, cellWidth) in rowWidths.enumerated() { widths[column] = max(widths[column], cellWidth) }
      total += row.reduce(0) { $0 + $1.utf8.count } + 1
    }
    var output: [UInt8] = []
    output.reserveCapacity(total + rows.count * widths.reduce(0, +))
    for (index, row) in rows.enumerated() {
      if index > 0 { output.append(UInt8(ascii: "\n")) }
      for (column, cell) in row.enumerated() {
        if column > 0 { output += [0x20, 0x20] }
        if cell.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil { output += cell.utf8 }
        if column < row.count - 1 {
          output += repeatElement(0x20, count: max(0, widths[column] - cellWidths[index][column]))
        }
      }
    }
    return String(decoding: output, as: UTF8.self)
  }
}
