import Aegis
import Foundation
import OTPCore
import TestSupport
import Testing

/// A slot that asks scrypt for more memory than the machine has (docs/limits.md).
@Suite struct AegisHostileTests {
  @Test func hugeScryptParametersAreRefusedBeforeDeriving() throws {
    let input = try Vectors.input("aegis/importers/aegis_encrypted.json")
    var vault = try #require(try JSONSerialization.jsonObject(with: Data(input.bytes)) as? [String: Any])
    var header = try #require(vault["header"] as? [String: Any])
    var slots = try #require(header["slots"] as? [[String: Any]])
    slots[0]["n"] = 1 << 40
    header["slots"] = slots
    vault["header"] = header
    let hostile = InputFile(name: "vault.json", bytes: Array(try JSONSerialization.data(withJSONObject: vault)))
    do {
      _ = try AegisFormat().read(hostile, context: ReadContext(password: PasswordProvider { _ in "test" }))
      Issue.record("read")
    } catch let error as OTPError {
      #expect(error.description.contains("scrypt N=1099511627776") && error.description.contains("limit"))
    }
  }
}
