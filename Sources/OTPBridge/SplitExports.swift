import OTPCore

/// Exports split across inputs (`SplitExport`): a Google transfer saved as one screenshot per QR
/// code, with a code taken twice, or beside a text copy of its links. Read alone, each input says
/// which parts it lacks; read together, a part given twice is read once (its copies dropped with
/// a note), and the parts no input holds are named once for the whole run.
struct SplitExports {
  struct PartKey: Hashable {
    var export: String
    var index: Int
    var content: Int
  }

  /// Where each part was read first.
  var firstRead: [PartKey: Origin] = [:]
  /// Each export's parts given so far, and the input that gave its first part, in first-seen order.
  var exports: [(export: SplitExport, present: Set<Int>, input: Int, file: String)] = []
  var exportPositions: [String: Int] = [:]

  /// Takes in input number `input`: drops the parts an earlier input (or an earlier place in it)
  /// already gave, with a note naming where, and the input's own "parts missing" findings, which
  /// `missingFindings` replaces.
  mutating func add(_ result: inout ReadResult, input: Int) {
    var copies: [ExportPart] = []
    var notes: [Finding] = []
    for part in result.parts {
      let key = PartKey(export: part.export.id, index: part.index, content: part.content)
      if let first = firstRead[key] {
        copies.append(part)
        notes.append(
          Finding(
            .info, rawCode: part.export.duplicateCode,
            "\(part.export.noun) \(part.index + 1) of \(part.export.count) of \(part.export.title) was already read from \(first); this copy was not read again",
            at: part.origin))
        continue
      }
      firstRead[key] = part.origin
      if let position = exportPositions[part.export.id] {
        exports[position].present.insert(part.index)
      } else {
        exportPositions[part.export.id] = exports.count
        exports.append((part.export, [part.index], input, part.origin.file))
      }
    }
    result.remove(parts: copies, alsoRemoving: { $0.missingPartsOf != nil })
    result.findings += notes
  }

  /// One finding for each export whose parts the inputs do not all hold, with the input it
  /// belongs to (the one that gave the export's first part).
  func missingFindings() -> [(input: Int, finding: Finding)] {
    exports.compactMap { entry in
      entry.export.missingFinding(present: entry.present, at: Origin(file: entry.file, place: .whole)).map { (entry.input, $0) }
    }
  }

  /// Puts the exports split across `files` back together, in place.
  static func assemble(_ files: inout [FileReading]) {
    var exports = SplitExports()
    for index in files.indices { exports.add(&files[index].result, input: index) }
    for (input, finding) in exports.missingFindings() { files[input].result.findings.append(finding) }
  }
}
