import Bitwarden
import OTPCore
import Testing

/// Other apps' JSON and KDF settings made to exhaust the machine (Tests/CLITests/BadInputs).
@Suite struct BitwardenHostileTests {
  func read(_ json: String) throws -> ReadResult {
    try BitwardenJSONFormat().read(
      InputFile(name: "export.json", bytes: Array(json.utf8)), context: ReadContext(password: PasswordProvider { _ in "x" }))
  }

  func reason(_ json: String) -> String {
    do {
      _ = try read(json)
      return "read"
    } catch {
      return "\(error)"
    }
  }

  @Test func jsonWithoutItemsIsNotAnExport() {
    #expect(reason(#"{"version": 1, "db": {"entries": []}}"#).contains("no \"items\" list"))
    #expect(throws: Never.self) { try read(#"{"encrypted": false, "items": []}"#) }
  }

  static let encrypted =
    #"{"encrypted": true, "passwordProtected": true, "salt": "c2FsdA==", "encKeyValidation_DO_NOT_EDIT": "2.AAAAAAAAAAAAAAAAAAAAAA==|AAAA|AAAA", "data": "2.AAAAAAAAAAAAAAAAAAAAAA==|AAAA|AAAA", "#

  @Test func hugeKDFSettingsAreRefusedByName() {
    #expect(
      reason(Self.encrypted + #""kdfType": 1, "kdfIterations": 3, "kdfMemory": 1000000, "kdfParallelism": 4}"#).contains(
        "kdfMemory"))
    #expect(
      reason(Self.encrypted + #""kdfType": 1, "kdfIterations": 2147483648, "kdfMemory": 64, "kdfParallelism": 4}"#).contains(
        "kdfIterations"))
    #expect(reason(Self.encrypted + #""kdfType": 0, "kdfIterations": 1000000000000}"#).contains("kdfIterations"))
    // 2^53 MiB would overflow when turned into KiB: refused, not trapped.
    #expect(
      reason(Self.encrypted + #""kdfType": 1, "kdfIterations": 3, "kdfMemory": 9007199254740992, "kdfParallelism": 4}"#).contains(
        "kdfMemory"))
  }
}
