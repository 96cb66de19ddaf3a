import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// Scripts rely on finding codes: docs/audit.md must list every code otpbridge can report, with
/// its meaning, and nothing it cannot.
@Suite struct FindingCatalogTests {
  static let auditPage = Vectors.packageRoot.appendingPathComponent("docs/audit.md")

  /// The codes in the first cell of every table row of docs/audit.md whose last cell says what
  /// they mean.
  static func documentedCodes() throws -> Set<String> {
    var codes: Set<String> = []
    for line in try String(contentsOf: auditPage, encoding: .utf8).split(separator: "\n") where line.hasPrefix("| `") {
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 4, let meaning = cells.dropLast().last, !meaning.isEmpty else { continue }
      for match in cells[1].matches(of: /`([A-Z][A-Z0-9_]+)`/) { codes.insert(String(match.1)) }
    }
    return codes
  }

  static var declared: Set<String> { Set(FindingCatalog.codes().values.joined()) }

  @Test func everyCodeIsDocumented() throws {
    let missing = Self.declared.subtracting(try Self.documentedCodes())
    #expect(missing.isEmpty, "docs/audit.md does not list: \(missing.sorted().joined(separator: ", "))")
  }

  @Test func everyDocumentedCodeExists() throws {
    let stale = try Self.documentedCodes().subtracting(Self.declared)
    #expect(stale.isEmpty, "docs/audit.md lists codes no module declares: \(stale.sorted().joined(separator: ", "))")
  }

  /// A module that declares codes but does not list them in the catalogue (a format that forgot
  /// `findingCodes:` in its descriptor) would escape the two tests above.
  @Test func everyDeclaredCodeSetIsInTheCatalogue() throws {
    var found: Set<String> = []
    for folder in ["Sources", "Plugins"] {
      let base = Vectors.packageRoot.appendingPathComponent(folder)
      let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!
      for case let url as URL in files where url.pathExtension == "swift" {
        let text = try String(contentsOf: url, encoding: .utf8)
        for declaration in text.matches(of: /enum \w+: String, FindingCode \{([^}]*)\}/) {
          for match in declaration.1.matches(of: /case \w+ = "([A-Z0-9_]+)"/) { found.insert(String(match.1)) }
        }
      }
    }
    #expect(found.count > 100)
    let unlisted = found.subtracting(Self.declared)
    #expect(unlisted.isEmpty, "declared but not in FindingCatalog: \(unlisted.sorted().joined(separator: ", "))")
  }

  static let modulesOfSeveralFormats: [Set<String>] = [
    ["bitwarden-json", "bitwarden-csv"], ["freeotp-plus", "freeotp-tokens", "freeotp"],
  ]

  @Test func codesAreUpperSnakeCaseAndNotShared() {
    var seen: [String: String] = [:]
    for (module, codes) in FindingCatalog.codes() {
      for code in codes {
        #expect(code.wholeMatch(of: /[A-Z][A-Z0-9]*(_[A-Z0-9]+)*/) != nil, "\(code)")
        // Formats of one module share its codes: Bitwarden's JSON and CSV, FreeOTP+'s export and
        // FreeOTP's tokens.xml and FreeOTP 2's backup.
        let sameModule = Self.modulesOfSeveralFormats.contains { $0.contains(module) && $0.contains(seen[code] ?? "") }
        if let other = seen[code], !sameModule {
          Issue.record("\(code) is declared by \(other) and \(module)")
        }
        seen[code] = module
      }
    }
  }
}
