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
    /// For a batch whose index is outside its export, read as an export of its own: its line,
    /// which tells it from any other export with the same id.
    var badIndexLine: Int? = nil
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
      exports.append(Export(id: payload.batchID, size: 1, batches: [0: Batch(payload: payload, line: line)], badIndexLine: line))
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

  /// Adds the accounts of every batch to `result`, each batch listed as a part of its export,
  /// with a finding for each entry that cannot be read and for each export with missing batches.
  func read(into result: inout ReadResult) {
    for export in exports {
      let splitExport = SplitExport(
        id: "google-migration \(export.id) of \(export.size)" + (export.badIndexLine.map { " (\(file):\($0))" } ?? ""),
        title: "Google Authenticator transfer \(export.id)",
        noun: "QR code", count: export.size, missingCode: GoogleMigrationCode.missingBatches,
        remedy: "scan every QR code the export shows, into one file or one image, or give every image at once",
        duplicateCode: GoogleMigrationCode.duplicateBatch)
      for index in export.batches.keys.sorted() {
        let batch = export.batches[index]!
        let first = entryNumbers[batch.line] ?? 0
        let (accountsBefore, findingsBefore) = (result.accounts.count, result.findings.count)
        for (offset, entry) in batch.payload.otpParameters.enumerated() {
          let origin = Origin(file: file, place: .entry(first + offset + 1))
          result.readEntry(at: origin) { _ throws(EntryProblem) in
            try MigrationAccount.account(from: entry, origin: origin)
          }
        }
        result.parts.append(
          ExportPart(
            export: splitExport, index: index, origin: Origin(file: file, place: .line(batch.line)),
            accounts: accountsBefore..<result.accounts.count, findings: findingsBefore..<result.findings.count,
            content: batch.payload.otpParameters.hashValue))
      }
      if let missing = splitExport.missingFinding(present: Set(export.batches.keys), at: Origin(file: file, place: .whole)) {
        result.findings.append(missing)
      }
    }
  }
}
