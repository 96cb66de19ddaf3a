import Foundation
import OTPCore

extension Rendering {
  /// The audit for a person: grouped by file, Microsoft first, each finding with what to do. Every
  /// line is escaped for the terminal on its own, so a name cannot break it in two.
  public static func audit(_ report: AuditReport) -> String {
    var lines: [String] = []
    for file in report.files {
      var heading = file.path
      var facts: [String] = []
      if let format = file.format { facts.append(format) }
      if file.format != nil { facts.append("\(file.accounts) account(s)") }
      if let encrypted = file.encrypted { facts.append(encrypted ? "encrypted" : "not encrypted") }
      if !facts.isEmpty { heading += " (\(facts.joined(separator: ", ")))" }
      lines.append(heading.escapedForTerminal())
      if file.findings.isEmpty { lines.append("  no problems found") }
      for finding in file.findings {
        var place = ""
        if let line = finding.line { place = "line \(line): " } else if let entry = finding.entry { place = "entry \(entry): " }
        let subject = finding.account.map { "\($0): " } ?? ""
        lines.append(
          "  \(finding.severity.label.uppercased()) [\(finding.code)] \(place)\(subject)\(finding.message)".escapedForTerminal())
        if let remedy = finding.remedy { lines.append("      What to do: \(remedy)".escapedForTerminal()) }
      }
      lines.append("")
    }
    let accounts = report.files.reduce(0) { $0 + $1.accounts }
    var summary =
      "Audit: \(report.files.count) file(s), \(accounts) account(s): \(report.count(.error)) error(s), \(report.count(.warning)) warning(s), \(report.count(.info)) note(s)"
    if let target = report.target { summary += ", checked against \(target)" }
    lines.append(summary + ".")
    return lines.joined(separator: "\n")
  }

  /// SARIF 2.1.0, so CI code-scanning views can show the audit.
  public static func auditSARIF(_ report: AuditReport) throws -> Data {
    let findings = report.allFindings
    var ruleIDs: [String] = []
    for finding in findings where !ruleIDs.contains(finding.code) { ruleIDs.append(finding.code) }
    let rules: [[String: Any]] = ruleIDs.map { id in
      let example = findings.first { $0.code == id }!
      var rule: [String: Any] = ["id": id, "shortDescription": ["text": id.replacingOccurrences(of: "_", with: " ").capitalized]]
      if let remedy = example.remedy { rule["help"] = ["text": remedy] }
      return rule
    }
    let results: [[String: Any]] = findings.map { finding in
      var region: [String: Any] = [:]
      if let line = finding.line { region["startLine"] = line }
      var location: [String: Any] = ["artifactLocation": ["uri": finding.file ?? ""]]
      if !region.isEmpty { location["region"] = region }
      var text = (finding.account.map { "\($0): " } ?? "") + finding.message
      if let entry = finding.entry { text = "entry \(entry): " + text }
      if let remedy = finding.remedy { text += " What to do: \(remedy)" }
      let level = finding.severity == .info ? "note" : finding.severity.label
      return ["ruleId": finding.code, "level": level, "message": ["text": text], "locations": [["physicalLocation": location]]]
    }
    let sarif: [String: Any] = [
      "version": "2.1.0",
      "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
      "runs": [
        [
          "tool": ["driver": ["name": "otpbridge", "informationUri": "https://github.com/otpbridge/otpbridge", "rules": rules]],
          "results": results,
        ]
      ],
    ]
    return try JSONSerialization.data(withJSONObject: sarif, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
  }
}
