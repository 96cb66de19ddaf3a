import AndOTP
import OTPCore
import Testing

/// Files that are not andOTP backups (Tests/CLITests/BadInputs/wrong-format.aegis-as-andotp.json).
@Suite struct AndOTPHostileTests {
  @Test func aJSONObjectIsAnotherAppsFileNotAnEncryptedOne() {
    let input = InputFile(name: "vault.json", bytes: Array(#"{"version": 1, "header": {}, "db": {"entries": []}}"#.utf8))
    #expect(throws: OTPError.corrupted(file: "vault.json", place: nil, reason: "a JSON object, not andOTP's list of entries")) {
      try AndOTPFormat().read(input, context: ReadContext(password: PasswordProvider { _ in "x" }))
    }
  }
}
