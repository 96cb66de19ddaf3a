import OTPContainers
import OTPCore
import Testing

/// RFC 4180 reading and writing, with what real exports add: a BOM, CRLF, ragged rows.
@Suite struct CSVTests {
  func cells(_ text: String) throws -> [[String]] {
    try CSV.parse(text).map(\.cells)
  }

  @Test func plainRows() throws {
    #expect(try cells("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
    #expect(try cells("a,b\n1,2") == [["a", "b"], ["1", "2"]])
    #expect(try cells("a,,\n") == [["a", "", ""]])
  }

  @Test func quotedCellsHoldCommasQuotesAndLineBreaks() throws {
    let text = "\"x, y\",\"say \"\"hi\"\"\",\"line 1\nline 2\r\nline 3\"\n"
    #expect(try cells(text) == [["x, y", "say \"hi\"", "line 1\nline 2\r\nline 3"]])
    #expect(try cells("\"\",\"\"\n") == [["", ""]])
  }

  @Test func byteOrderMarkAndLineEnds() throws {
    #expect(try cells("\u{FEFF}a,b\r\n1,2\r\n") == [["a", "b"], ["1", "2"]])
    #expect(try cells("a\r1\r") == [["a"], ["1"]])
    #expect(try cells("a\n\n\r\nb\n") == [["a"], ["b"]])
  }

  @Test func rowsKnowTheLineTheyStartOn() throws {
    let rows = try CSV.parse("h\n\"a\nb\"\n\nc\r\nd")
    #expect(rows.map(\.line) == [1, 2, 5, 6])
  }

  @Test func aQuoteInsideAnUnquotedCellIsText() throws {
    #expect(try cells("5\" disk,x\n") == [["5\" disk", "x"]])
  }

  @Test func damageIsReportedWithItsLine() {
    for (text, line, message) in [
      ("a\n\"open,b\n", 2, "a quoted cell is never closed"), ("\"a\"b,c\n", 1, "text after the closing quote of a cell"),
    ] {
      do {
        _ = try CSV.parse(text)
        Issue.record("\(text) parsed")
      } catch {
        #expect(error.line == line && error.message == message)
      }
    }
  }

  @Test func writerQuotesOnlyWhatNeedsIt() {
    #expect(CSV.record(["a", "b c", "x,y", "q\"", "l\nm", " pad"]) == "a,b c,\"x,y\",\"q\"\"\",\"l\nm\",\" pad\"")
    #expect(CSV.record(["a", ""], quoteAll: true) == "\"a\",\"\"")
  }

  @Test func writtenRecordsReadBack() throws {
    let rows = [
      ["plain", "", "a,b", "\"quoted\"", "multi\r\nline\nend", "日本 Zoë", "trailing "], ["x", "y", "z", "", "", "", ""],
    ]
    for quoteAll in [false, true] {
      let text = rows.map { CSV.record($0, quoteAll: quoteAll) }.joined(separator: "\r\n")
      #expect(try cells("\u{FEFF}" + text) == rows)
    }
  }

  @Test func tableLooksUpColumnsInAnyCase() throws {
    let table = CSV.Table(try CSV.parse("Title,URL\nA,https://a\nB\n"))
    #expect(table.hasColumn("url"))
    #expect(table.value("Url", in: table.rows[0]) == "https://a")
    #expect(table.value("url", in: table.rows[1]) == "")
    #expect(table.value("missing", in: table.rows[0]) == "")
  }

  /// The parser fed a text in pieces that end at line ends (a tenant's manifest read a MiB at a
  /// time) gives the rows of the text parsed whole, whatever quoted line breaks the cuts fall in.
  @Test func piecesEndingAtLinesGiveTheRowsOfTheWhole() throws {
    let text = "\u{FEFF}user,inputs\r\n\"a\nb\",\"x\r\n\"\"y\"\"\"\n\nc,d\re,\"f\n\n\"\ng,h"
    let whole = try CSV.parse(text)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    // Every way of cutting it after some of its line feeds.
    for mask in 0..<(1 << (lines.count - 1)) {
      var parser = CSV.Parser()
      var rows: [CSV.Row] = []
      var piece = ""
      for (index, line) in lines.enumerated() {
        piece += line
        guard index < lines.count - 1 else { break }
        piece += "\n"
        if mask & (1 << index) != 0 {
          try parser.feed(Substring(piece)) { rows.append($0) }
          piece = ""
        }
      }
      try parser.feed(Substring(piece)) { rows.append($0) }
      try parser.finish { rows.append($0) }
      #expect(rows == whole, "cut at \(mask)")
    }
  }
}
