import OTPCore

/// Exports split across inputs: a Google transfer saved as one screenshot per QR code. Read
/// alone, each input says which parts it lacks; read together, they may hold every part once.
enum SplitExports {
  /// The exports whose parts the inputs' findings hold, all of them and none twice.
  static func completed(_ findings: [Finding]) -> Set<String> {
    var held: [String: (count: Int, present: Set<Int>, repeated: Bool)] = [:]
    for parts in findings.compactMap(\.exportParts) {
      var entry = held[parts.export] ?? (parts.count, [], false)
      if !entry.present.isDisjoint(with: parts.present) { entry.repeated = true }
      entry.present.formUnion(parts.present)
      held[parts.export] = entry
    }
    // Parts are numbered from 0, so count distinct parts in range equal to the count means all.
    return Set(
      held.filter { entry in
        !entry.value.repeated && entry.value.present.count == entry.value.count
          && entry.value.present.allSatisfy { (0..<entry.value.count).contains($0) }
      }.keys)
  }

  /// Removes each file's "parts missing" finding that the other files answer.
  static func answer(_ files: inout [FileReading]) {
    let completed = completed(files.flatMap(\.result.findings))
    for index in files.indices {
      files[index].result.findings.removeAll { isAnswered($0, by: completed) }
    }
  }

  /// Whether `finding` says parts are missing of an export the other inputs complete.
  static func isAnswered(_ finding: Finding, by completed: Set<String>) -> Bool {
    finding.exportParts.map { completed.contains($0.export) } ?? false
  }
}
