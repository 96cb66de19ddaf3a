import OTPContainers
import Testing

@Suite struct ZipArchiveTests {
  @Test func memberNamesThatClimbOutAreUnsafe() {
    for name in ["../x", "a/../../x", "/etc/passwd", "\\x", "C:x", "a\\..\\x", ""] {
      #expect(!ZipArchive.isSafe(name), "\(name)")
    }
    for name in ["export.data", "files/a.png", "a..b/c", "raivo-otp-export.json"] {
      #expect(ZipArchive.isSafe(name), "\(name)")
    }
  }
}
