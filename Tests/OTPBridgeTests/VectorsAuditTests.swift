import Foundation
import OTPBridge
import TestSupport
import Testing

/// Audits the whole of ../shared/vectors and checks, per file, the format that read it, its number
/// of accounts, whether it was encrypted, and how many findings of each code it gave, against
/// Expectations/vectors-audit.json. The account counts there agree with the vectors' EXPECTED.md
/// files (Stratum's andOTP file gives 9: its mOTP entry is kept without a PIN, with a warning).
/// After a deliberate change, regenerate the file from `otpbridge audit ../shared/vectors --json`
/// and review the difference.
@Suite struct VectorsAuditTests {
  struct Expected: Codable, Equatable {
    var format: String?
    var accounts: Int
    var encrypted: Bool?
    var findings: [String: Int]
  }

  @Test func everyVectorFileGivesTheRecordedAudit() throws {
    let report = try Audit.run(paths: [Vectors.root.path])
    var actual: [String: Expected] = [:]
    for file in report.files {
      let relative = String(file.path.dropFirst(Vectors.root.path.count).drop { $0 == "/" })
      actual[relative] = Expected(
        format: file.format, accounts: file.accounts, encrypted: file.encrypted,
        findings: Dictionary(file.findings.map { ($0.code, 1) }, uniquingKeysWith: +))
    }
    let expectationPath = Vectors.packageRoot.appendingPathComponent("Tests/OTPBridgeTests/Expectations/vectors-audit.json")
    let expected = try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: expectationPath))
    #expect(Set(actual.keys) == Set(expected.keys))
    for (path, want) in expected.sorted(by: { $0.key < $1.key }) {
      #expect(actual[path] == want, "\(path)")
    }
    // No secret of the canonical vectors leaks into any message.
    let messages = report.allFindings.map { $0.message + ($0.remedy ?? "") }.joined()
    #expect(!messages.contains("4SJHB4GSD43FZBAI7C2HLRJGPQ") && !messages.contains("JGRMXBLPPYQIFMRBFQDHNP3MPPYQYNUN"))
  }
}
