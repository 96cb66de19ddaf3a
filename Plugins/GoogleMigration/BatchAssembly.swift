import OTPCore

/// Puts the batches (QR codes) of Google exports back together by batch id, in batch-index order,
/// and names the batches that did not arrive (formats.md §2.4). A batch id of 0 is an ordinary id.
struct BatchAssembly {
  struct Batch {
    var payload: MigrationPayload
    var line: Int
  }

  /// The batches of one export, by index.
  struct Export {
    var id: Int32
    var size: Int
    var batches: [Int: Batch] = [:]
  }

  let file: String
  var exports: [Export] = []
  /// Where each (batch id, size) is in `exports`, so a file of many exports is read in linear time.
  var exportPositions: [ExportKey: Int] = [:]

  struct ExportKey: Hashable {
    var id: Int32
    var size: Int
  }
  /// Counts entries across the file, in the order of its lines, for each account's origin.
  var entryNumbers: [Int: Int] = [:]
  var entriesSeen = 0

  init(file: String) {
    self.file = file
  }

  /// Files one payload, adding what was odd about it to `warnings`.
  mutating func add(_ payload: MigrationPayload, line: Int, warnings: inout [EntryProblem]) {
    entryNumbers[line] = entriesSeen
    entriesSeen += payload.otpParameters.count
    let size = max(Int(payload.batchSize), 1)
    let index = Int(payload.batchIndex)
    if index < 0 || index >= size {
      warnings.append(
        EntryProblem(
          GoogleMigrationCode.badIndex, "batch index \(index) is outside a \(size)-code export; it is read as a code of its own"))
      exports.append(Export(id: payload.batchID, size: 1, batches: [0: Batch(payload: payload, line: line)]))
      return
    }
    let key = ExportKey(id: payload.batchID, size: size)
    let position =
      exportPositions[key]
      ?? {
        exports.append(Export(id: payload.batchID, size: size))
        exportPositions[key] = exports.count - 1
        return exports.count - 1
      }()
    if let earlier = exports[position].batches[index] {
      warnings.append(
        EntryProblem(
          GoogleMigrationCode.duplicateBatch,
          "batch \(index + 1) of \(size) appears again (first on line \(earlier.line)); this copy was not read again"))
      return
    }
    exports[position].batches[index] = Batch(payload: payload, line: line)
  }

  /// Adds the accounts of every batch to `result`, with a finding for each entry that cannot be
  /// read and for each export with missing batches.
  func read(into result: inout ReadResult) {
    for export in exports {
      for index in export.batches.keys.sorted() {
        let batch = export.batches[index]!
        let first = entryNumbers[batch.line] ?? 0
        for (offset, entry) in batch.payload.otpParameters.enumerated() {
          let origin = Origin(file: file, place: .entry(first + offset + 1))
          result.readEntry(at: origin) { _ throws(EntryProblem) in
            try MigrationAccount.account(from: entry, origin: origin)
          }
        }
      }
      // The size comes from the file and may be huge: name the first few missing batches only,
      // found in at most (batches present + 10) steps.
      let missingCount = export.size - export.batches.count
      if missingCount > 0 {
        let missing = Array((0..<export.size).lazy.filter { export.batches[$0] == nil }.prefix(10))
        result.findings.append(
          Finding(
            .error, code: GoogleMigrationCode.missingBatches,
            "\(Self.describe(missing, count: missingCount, of: export.size)) (batch id \(export.id)); their accounts are not here",
            at: Origin(file: file, place: .whole),
            remedy: "scan every QR code the export shows, into one file or one image, or give every image at once",
            entrySkipped: true,
            exportParts: ExportParts(
              export: "google-migration \(export.id) of \(export.size)", count: export.size, present: Set(export.batches.keys))))
      }
    }
  }

  /// "batch 2 of 3 is missing", "batches 2 and 3 of 3 are missing", "batches 1, 2 and 4 of 5 are missing".
  /// With more than `missing` lists: "batches 1, 2, … 10 and 90 more of 100 are missing".
  static func describe(_ missing: [Int], count: Int, of size: Int) -> String {
    let numbers = missing.map { String($0 + 1) }
    if count == 1 { return "batch \(numbers[0]) of \(size) is missing" }
    if count > numbers.count {
      return "batches \(numbers.joined(separator: ", ")) and \(count - numbers.count) more of \(size) are missing"
    }
    return "batches \(numbers.dropLast().joined(separator: ", ")) and \(numbers.last!) of \(size) are missing"
  }
}
