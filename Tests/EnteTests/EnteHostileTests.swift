import Foundation
import OTPCore
import TestSupport
import Testing

@testable import Ente

/// Key derivation limits made to exhaust the machine (docs/limits.md).
@Suite struct EnteHostileTests {
  func reason(memLimit: String, opsLimit: String) -> String {
    let json =
      #"{"version":1,"kdfParams":{"memLimit":\#(memLimit),"opsLimit":\#(opsLimit),"salt":"oSNHLO3BMxAocxngndY9bw=="},"encryptedData":"HYqBrMv/ufUq1HhthURcUplFEKH45f4jn2PpE3Tld+Dbnk1JM7GEblUMo1+Z","encryptionNonce":"dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0"}"#
    do {
      _ = try EnteFormat().read(
        InputFile(name: "ente.json", bytes: Array(json.utf8)), context: ReadContext(password: PasswordProvider { _ in "test" }))
      return "read"
    } catch {
      return "\(error)"
    }
  }

  @Test func hugeArgon2LimitsAreRefusedByName() {
    #expect(reason(memLimit: "1000000000000000000", opsLimit: "4").contains("memLimit"))
    #expect(reason(memLimit: "1073741824", opsLimit: "2147483648").contains("opsLimit"))
  }
}
