import OTPCore
import OTPJSON
import Testing

/// The shared caps on hostile files (docs/limits.md).
@Suite struct LimitsTests {
  @Test func nestingIsCountedOutsideStrings() {
    #expect(JSONNesting.exceeds(3, in: Array("[[[[1]]]]".utf8)))
    #expect(!JSONNesting.exceeds(4, in: Array("[[[[1]]]]".utf8)))
    #expect(!JSONNesting.exceeds(1, in: Array(#"{"a": "[[[[\"[[["}"#.utf8)))
  }

  @Test func kdfParametersAboveTheLimitsAreRefusedByName() throws {
    let limits = Limits.standard
    try limits.checkScrypt(n: 32768, r: 8, p: 1, file: "f", place: nil)
    #expect(throws: OTPError.self) { try limits.checkScrypt(n: 1 << 40, r: 8, p: 1, file: "f", place: nil) }
    // 128·N·r·p overflows Int: still refused, not trapped.
    #expect(throws: OTPError.self) { try limits.checkScrypt(n: 1 << 62, r: 1 << 30, p: 1, file: "f", place: nil) }
    #expect(throws: OTPError.self) { try limits.checkPBKDF2(iterations: Int(UInt32.max), file: "f", place: "iterations") }
    do {
      try limits.checkArgon2(memoryKiB: 1 << 30, passes: 3, file: "f", memoryName: "kdfMemory", passesName: "kdfIterations")
      Issue.record("not refused")
    } catch let error as OTPError {
      #expect(error.description.contains("kdfMemory") && error.description.contains("docs/limits.md"))
    }
    try limits.allowingCostlyKDF().checkArgon2(
      memoryKiB: 2 << 20, passes: 3, file: "f", memoryName: "kdfMemory", passesName: "kdfIterations")
  }
}
