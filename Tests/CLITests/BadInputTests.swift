import Foundation
import TestSupport
import Testing

/// Every file in BadInputs/ (made by scripts/make-bad-inputs.py) through `otpbridge convert`: exit 3
/// (1 for line-based readers, which skip bad lines),
/// a message that names the file and the expected cause, no output file, no crash, no secret.
struct BadInputTests {
  struct Expectation: Decodable, CustomTestStringConvertible, Sendable {
    var file: String
    var error: String
    var cause: String?
    var from: String?
    var password: String?
    var note: String
    var exit: Int32

    var testDescription: String { file }
  }

  static let folder = Vectors.packageRoot.appendingPathComponent("Tests/CLITests/BadInputs")

  static let expectations: [Expectation] = {
    let data = (try? Data(contentsOf: folder.appendingPathComponent("expectations.json"))) ?? Data()
    return (try? JSONDecoder().decode([Expectation].self, from: data)) ?? []
  }()

  /// What each `OTPError` case says (Sources/OTPCore/OTPError.swift).
  static let messages: [String: String] = [
    "corrupted": "the file is damaged or not what it claims to be",
    "wrongPassword": "wrong password",
    "passwordRequired": "the file is encrypted and no password was given",
    "unrecognisedFormat": "not a format otpbridge recognises",
    "unsupportedVersion": "of this format is not supported",
    "cannotOpen": "cannot open",
    // Line-based readers (otpauth, google-migration) skip each bad line with a finding instead.
    "entryUnreadable": "entry not readable",
  ]

  /// Whether `text` has a run of 16 or more base32 characters, as long as a secret; the corpus
  /// names and the messages have none.
  static func hasSecretLikeRun(_ text: String) -> Bool {
    var run = 0
    for character in text.unicodeScalars {
      run = ("A"..."Z").contains(character) || ("2"..."7").contains(character) ? run + 1 : 0
      if run >= 16 { return true }
    }
    return false
  }

  @Test func theTableListsEveryFile() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0 != "expectations.json" }
    #expect(Set(files) == Set(Self.expectations.map(\.file)))
    #expect(Self.expectations.count > 100)
  }

  @Test(arguments: expectations)
  func endsWithTheExpectedError(_ expectation: Expectation) throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let input = Self.folder.appendingPathComponent(expectation.file).path
    var arguments = ["convert", input, "--to", "otpauth", "-o", "\(folder)/out.txt"]
    if let from = expectation.from { arguments += ["--from", from] }
    var environment: [String: String] = [:]
    if let password = expectation.password {
      arguments += ["--password-env", "BAD_INPUT_PASSWORD"]
      environment["BAD_INPUT_PASSWORD"] = password
    }
    let run = try CLI.run(arguments, environment: environment)
    // A signal shows as a status above 128 from Process, or as Swift's "Fatal error" text.
    #expect(run.status == expectation.exit, "\(expectation.file): exit \(run.status): \(run.all)")
    #expect(!run.all.contains("Fatal error") && !run.all.contains("Stack dump"))
    #expect(run.stderr.contains(expectation.file), "the message names the file: \(run.stderr)")
    let message = try #require(Self.messages[expectation.error], "unknown error class \(expectation.error)")
    #expect(run.stderr.contains(message), "\(expectation.file): expected \(expectation.error): \(run.stderr)")
    if let cause = expectation.cause {
      #expect(run.stderr.contains(cause), "\(expectation.file): the message names \(cause): \(run.stderr)")
    }
    #expect(!Self.hasSecretLikeRun(run.all), "a secret-like text in: \(run.all)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "nothing is written")
  }

  @Test func inputsAboveTheSizeLimitAreRefusedAndTheFlagRaisesIt() throws {
    let folder = try CLI.temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let line = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"
    let big = String(repeating: line, count: (1 << 20) / line.utf8.count + 1)
    let path = "\(folder)/big.txt"
    try big.write(toFile: path, atomically: true, encoding: .utf8)
    let refused = try CLI.run(["inspect", path, "--max-input-mib", "1"])
    #expect(refused.status == 3 && refused.stderr.contains("input limit of 1 MiB"), "\(refused.stderr)")
    let fromStandardInput = try CLI.run(["inspect", "-", "--max-input-mib", "1"], stdin: Data(big.utf8))
    #expect(fromStandardInput.status == 3 && fromStandardInput.stderr.contains("input limit"), "\(fromStandardInput.stderr)")
    let raised = try CLI.run(["inspect", path, "--max-input-mib", "2"])
    #expect(raised.status == 0, "\(raised.stderr)")
  }
}
