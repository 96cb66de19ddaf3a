import OTPCore

/// RFC 4180 CSV, as the password-manager exports write it (formats.md §3.1, §4.1, §10.5): cells
/// separated by commas; a quoted cell may hold commas, line breaks and doubled quotes; CRLF, LF or
/// CR line ends; a UTF-8 byte-order mark is ignored. Several formats share it. (SwiftCSV 0.10
/// stops the process on a stray quote and writes quotes and line breaks unescaped; CSV.swift 2.5.2
/// reads correctly but writes only to a Foundation OutputStream.)
public enum CSV {
  /// One record and the 1-based line it starts on.
  public struct Row: Sendable, Equatable {
    public var line: Int
    public var cells: [String]

    public init(line: Int, cells: [String]) {
      self.line = line
      self.cells = cells
    }
  }

  /// Why a text is not CSV; the message names the line but never quotes a cell.
  public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public var description: String { "line \(line): \(message)" }
  }

  /// The records of `text`. Empty lines are skipped. A quote inside an unquoted cell is kept as
  /// text (exports by hand do that); text after a closing quote, or a quote never closed, is damage.
  public static func parse(_ text: String) throws(Problem) -> [Row] {
    var parser = Parser()
    var rows: [Row] = []
    try parser.feed(Substring(text)) { rows.append($0) }
    try parser.finish { rows.append($0) }
    return rows
  }

  /// `parse` fed a text in pieces, for a file too large to hold at once (a tenant's manifest).
  /// Each piece but the last must end with a line feed (inside a quoted cell or not), so that no
  /// quote or CR LF pair is cut in two; a row is handed over once its line end is read.
  public struct Parser: Sendable {
    var cells: [String] = []
    var cell = String.UnicodeScalarView()
    var line = 1
    var rowLine = 1
    var quoted = false  // inside a quoted cell
    var closed = false  // a quoted cell's closing quote was seen
    var started = false

    public init() {}

    public mutating func feed(_ text: Substring, row: (Row) -> Void) throws(Problem) {
      let quote: Unicode.Scalar = "\"", comma: Unicode.Scalar = ",", cr: Unicode.Scalar = "\r", lf: Unicode.Scalar = "\n"
      var scalars = text.unicodeScalars[...]
      if !started, scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
      started = true
      var index = scalars.startIndex
      while index < scalars.endIndex {
        let scalar = scalars[index]
        index = scalars.index(after: index)
        if quoted {
          if scalar == quote {
            if index < scalars.endIndex, scalars[index] == quote {
              cell.append(quote)
              index = scalars.index(after: index)
            } else {
              quoted = false
              closed = true
            }
          } else {
            if scalar == lf || (scalar == cr && (index == scalars.endIndex || scalars[index] != lf)) { line += 1 }
            cell.append(scalar)
          }
          continue
        }
        switch scalar {
        case comma:
          endCell()
        case cr, lf:
          if scalar == cr, index < scalars.endIndex, scalars[index] == lf { index = scalars.index(after: index) }
          endRow(row)
          line += 1
          rowLine = line
        case quote where cell.isEmpty && !closed:
          quoted = true
        default:
          guard !closed else { throw Problem(line: line, message: "text after the closing quote of a cell") }
          cell.append(scalar)
        }
      }
    }

    /// The last row, if the text does not end with a line end; a quote never closed is damage.
    public mutating func finish(row: (Row) -> Void) throws(Problem) {
      guard !quoted else { throw Problem(line: rowLine, message: "a quoted cell is never closed") }
      if !cells.isEmpty || !cell.isEmpty || closed { endRow(row) }
    }

    /// The line the parser has reached (for a problem found outside it, such as bad UTF-8).
    public var currentLine: Int { line }

    mutating func endCell() {
      cells.append(String(cell))
      cell = String.UnicodeScalarView()
      closed = false
    }

    mutating func endRow(_ row: (Row) -> Void) {
      endCell()
      if cells != [""] { row(Row(line: rowLine, cells: cells)) }
      cells = []
    }
  }

  /// One record as text, without a line end. Cells are quoted when they hold a comma, a quote, a
  /// line break or leading or trailing space, or always with `quoteAll`.
  public static func record(_ cells: [String], quoteAll: Bool = false) -> String {
    cells.map { cell in
      let needsQuotes =
        quoteAll
        || cell.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        || cell.first?.isWhitespace == true || cell.last?.isWhitespace == true
      guard needsQuotes else { return cell }
      return "\"" + cell.replacing("\"", with: "\"\"") + "\""
    }.joined(separator: ",")
  }

  /// The cells of a row by header name: the columns of real exports move, and their header
  /// spelling varies in case (`Url`, `URL`, `url`).
  public struct Table: Sendable {
    public var header: [String]
    public var rows: [Row]
    let columns: [String: Int]

    /// The first row is the header.
    public init(_ rows: [Row]) {
      header = rows.first?.cells ?? []
      self.rows = Array(rows.dropFirst())
      var columns: [String: Int] = [:]
      for (index, name) in header.enumerated() {
        let key = name.trimmingWhitespace().lowercased()
        if columns[key] == nil { columns[key] = index }
      }
      self.columns = columns
    }

    public func hasColumn(_ name: String) -> Bool { columns[name.lowercased()] != nil }

    /// The cell under `name` (case-insensitive), or "" when the column is missing or the row short.
    public func value(_ name: String, in row: Row) -> String {
      guard let index = columns[name.lowercased()], index < row.cells.count else { return "" }
      return row.cells[index]
    }
  }

  /// The table of a CSV export: its rows, the first as the header.
  public static func table(of input: InputFile) throws -> Table {
    Table(try rows(of: input))
  }

  /// The rows of a CSV file (with or without a header). A file that is not UTF-8 or not CSV is
  /// damaged, with the line named.
  public static func rows(of input: InputFile) throws -> [Row] {
    guard let text = input.text else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is not UTF-8 text")
    }
    do {
      return try parse(text)
    } catch {
      throw OTPError.corrupted(file: input.name, place: "line \(error.line)", reason: error.message)
    }
  }
}
