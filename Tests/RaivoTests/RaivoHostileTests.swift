import OTPContainers
import OTPCore
import TestSupport
import Testing

@testable import Raivo

/// Zips with hostile member names, too many members or too much data (docs/limits.md).
@Suite struct RaivoHostileTests {
  static let json = try! RaivoEntries.write(
    RandomAccounts.make(count: 3, fitting: RaivoFormat().descriptor.capabilities, seed: 9))

  func reason(_ zip: [UInt8], limits: Limits = .standard) -> String {
    do {
      _ = try RaivoFormat().read(
        InputFile(name: "x.zip", bytes: zip), context: ReadContext(password: PasswordProvider { _ in "pw" }, limits: limits))
      return "read"
    } catch {
      return "\(error)"
    }
  }

  @Test func namesThatClimbOutAreRefused() throws {
    for name in ["../raivo-otp-export.json", "/raivo-otp-export.json", "a/../../raivo-otp-export.json"] {
      let zip = try ZipArchive.write(member: name, bytes: Self.json, password: "pw")
      #expect(reason(zip).contains("member name"), "\(name)")
    }
  }

  @Test func tooMuchDataIsRefused() throws {
    let zip = try ZipArchive.write(member: RaivoFormat.jsonMember, bytes: Self.json, password: "pw")
    #expect(reason(zip) == "read")
    var small = Limits.standard
    small.decompressedBytes = 16
    #expect(reason(zip, limits: small).contains("decompressed size"))
  }
}
