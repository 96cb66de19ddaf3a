import Foundation
import OTPCore
import TestSupport
import Testing

@testable import OTPBridge

@Suite struct AuditTests {
  static func folder(_ files: [String: String]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-audit-\(UUID().uuidString)").path
    for (name, text) in files {
      let file = (path as NSString).appendingPathComponent(name)
      try FileManager.default.createDirectory(
        atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: file, atomically: true, encoding: .utf8)
    }
    return path
  }

  static let strong = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

  @Test func microsoftActivationComesFirstWithBothRemedies() throws {
    let folder = try Self.folder([
      "a/list.txt":
        "otpauth://totp/GitHub:octo?secret=\(Self.strong)&issuer=GitHub\nphonefactor://activate_account?code=694660881&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivatev2%2F1%2F2\n"
    ])
    let report = try Audit.run(paths: [folder], target: nil, password: .none)
    let findings = try #require(report.files.first).findings
    #expect(findings.first?.code == "MS_PUSH_ACTIVATION")
    #expect(findings.first?.line == 2)
    #expect(findings.first?.microsoft == true)
    #expect(findings.first?.remedy?.contains("I want to use a different authenticator app") == true)
    #expect(findings.first?.remedy?.contains("Third-party software OATH tokens") == true)
    #expect(findings.map(\.code).contains("PLAINTEXT_EXPORT"))
  }

  @Test func weakSecretsDuplicatesAndHOTP() throws {
    let folder = try Self.folder([
      "one.txt": "otpauth://totp/A:a?secret=JBSWY3DPEHPK&issuer=A\notpauth://hotp/H:h?secret=\(Self.strong)&issuer=H&counter=3\n",
      "two.txt":
        "otpauth://totp/B:b?secret=JBSWY3DPEHPK&issuer=B\notpauth://totp/H:h?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=H\n",
    ])
    let report = try Audit.run(paths: [folder], target: nil, password: .none)
    let codes = report.allFindings.map(\.code)
    // 56-bit secrets are errors; the same secret twice and the same label with another secret are warnings.
    #expect(report.allFindings.filter { $0.code == "WEAK_SECRET" }.map(\.severity.label) == ["error", "error"])
    #expect(codes.filter { $0 == "DUPLICATE_SECRET" }.count == 1)
    #expect(codes.filter { $0 == "DUPLICATE_LABEL" }.count == 1)
    #expect(codes.contains("HOTP_COUNTER"))
    let duplicate = try #require(report.allFindings.first { $0.code == "DUPLICATE_SECRET" })
    #expect(duplicate.message.contains("one.txt"))
    #expect(!report.allFindings.map(\.message).joined().contains("JBSWY3DP"))
  }

  /// Labels are the same without regard to case, ASCII or not; the first account of a secret is
  /// named in the duplicate's message.
  @Test func labelsMatchWithoutRegardToCase() throws {
    let folder = try Self.folder([
      "one.txt":
        "otpauth://totp/GitHub:Alice?secret=\(Self.strong)&issuer=GitHub\notpauth://totp/Zo%C3%AB:%C3%89LA?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Zo%C3%AB\n",
      "two.txt":
        "otpauth://totp/github:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR&issuer=github\notpauth://totp/ZO%C3%8B:%C3%A9la?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJS&issuer=ZO%C3%8B\notpauth://totp/Other:x?secret=\(Self.strong)&issuer=Other\n",
      // The same letters stored otherwise: e and a combining diaeresis for ë, a Kelvin sign for k.
      "three.txt":
        "otpauth://totp/Zoe%CC%88:e%CC%81la?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJT&issuer=Zoe%CC%88\notpauth://totp/%E2%84%AAey:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJU&issuer=%E2%84%AAey\notpauth://totp/key:X?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJV&issuer=key\n",
    ])
    let report = try Audit.run(paths: [folder], target: nil, password: .none)
    let labels = report.allFindings.filter { $0.code == "DUPLICATE_LABEL" }
    // In path order: one.txt, three.txt, two.txt.
    #expect(labels.map(\.account) == ["Zoe\u{308} (e\u{301}la)", "key (X)", "github (alice)", "ZOË (éla)"])
    let secret = try #require(report.allFindings.first { $0.code == "DUPLICATE_SECRET" })
    #expect(secret.message.contains("the same secret as GitHub (Alice) in"))
  }

  /// Label keys that are equal hash alike: a small table would find a key with a wrong hash by
  /// chance, so the hashes are compared directly.
  @Test func equalLabelKeysHashAlike() {
    let pairs: [(String, String)] = [
      ("GitHub", "github"), ("Zoe\u{308}", "ZOË"), ("\u{212A}ey", "KEY"), ("x\u{37E}", "x;"), ("e\u{301}LA", "Éla"),
    ]
    for (a, b) in pairs {
      let first = Audit.LabelKey(issuer: a, name: a), second = Audit.LabelKey(issuer: b, name: b)
      #expect(first == second, "\(a.debugDescription) and \(b.debugDescription)")
      #expect(first.hashValue == second.hashValue, "\(a.debugDescription) and \(b.debugDescription)")
    }
    #expect(Audit.LabelKey(issuer: "a", name: "bc") != Audit.LabelKey(issuer: "ab", name: "c"))
  }

  @Test func targetAppsThatWouldShowWrongCodes() throws {
    let plain = Vectors.path("aegis/importers/plain.txt")
    let google = try Audit.run(paths: [plain], target: .googleAuthenticator, password: .none)
    let wrong = google.allFindings.filter { $0.code == "TARGET_WRONG_CODES" }
    // SPDX (7 digits, 20 s), Airbnb (50 s), Air Canada (7 digits), Boeing (Steam); WWE's SHA512
    // and SHA256 elsewhere work in current versions (docs/formats/google-migration.md).
    #expect(wrong.map(\.account) == ["SPDX (James)", "Airbnb (Elijah)", "Air Canada (Benjamin)", "Boeing (Sophia)"])
    #expect(wrong[0].message.contains("period 20 s"))
    #expect(!wrong.contains { $0.message.contains("algorithm") })
    let aegis = try Audit.run(paths: [plain], target: .aegis, password: .none)
    #expect(!aegis.allFindings.contains { $0.code == "TARGET_WRONG_CODES" })
    let microsoft = try Audit.run(paths: [plain], target: .microsoftAuthenticator, password: .none)
    #expect(microsoft.allFindings.filter { $0.code == "TARGET_WRONG_CODES" }.count == 6)
  }

  @Test func unrecognisedFilesInAFolderAreNotedNamedOnesAreErrors() throws {
    let folder = try Self.folder(["notes.md": "# hello\n", "list.txt": "otpauth://totp/A?secret=\(Self.strong)\n"])
    let report = try Audit.run(paths: [folder], target: nil, password: .none)
    let notes = try #require(report.files.first { $0.path.hasSuffix("notes.md") })
    #expect(notes.findings.map(\.code) == ["NOT_RECOGNISED"])
    #expect(notes.findings[0].severity == .info)
    let named = try Audit.run(paths: [folder + "/notes.md"], target: nil, password: .none)
    #expect(named.allFindings.map(\.severity.label) == ["error"])
    #expect(throws: OTPError.self) { try Audit.run(paths: [folder + "/missing"], target: nil, password: .none) }
  }

  @Test func sarifIsValidJSONWithRulesAndLocations() throws {
    let report = try Audit.run(paths: [Vectors.path("aegis/importers/plain.txt")], target: .googleAuthenticator, password: .none)
    let sarif = try JSONSerialization.jsonObject(with: try Rendering.auditSARIF(report)) as! [String: Any]
    #expect(sarif["version"] as? String == "2.1.0")
    let run = (sarif["runs"] as! [[String: Any]])[0]
    let results = run["results"] as! [[String: Any]]
    #expect(results.count == report.allFindings.count)
    let rules = ((run["tool"] as! [String: Any])["driver"] as! [String: Any])["rules"] as! [[String: Any]]
    #expect(Set(rules.map { $0["id"] as! String }) == Set(report.allFindings.map(\.code)))
    let located = results.first { $0["ruleId"] as? String == "TARGET_WRONG_CODES" }!
    let region = ((located["locations"] as! [[String: Any]])[0]["physicalLocation"] as! [String: Any])["region"] as! [String: Any]
    #expect(region["startLine"] as? Int == 2)
  }
}
