import OTPCore
import OnePUX
import Testing

/// Archives with hostile member names, too many members or too much data (docs/limits.md).
@Suite struct OnePUXHostileTests {
  func reason(_ bytes: [UInt8], limits: Limits = .standard) -> String {
    do {
      _ = try OnePUXFormat().read(InputFile(name: "x.1pux", bytes: bytes), context: ReadContext(limits: limits))
      return "read"
    } catch {
      return "\(error)"
    }
  }

  @Test func namesThatClimbOutAreRefused() {
    let data = OnePUXTests.exportData(totp: "JBSWY3DPEHPK3PXP")
    for name in ["../export.data", "/export.attributes", "files/../../x.png"] {
      let zip = OnePUXTests.archive([(name, "x"), ("export.attributes", OnePUXTests.attributes), ("export.data", data)])
      #expect(reason(zip).contains("member name"), "\(name)")
    }
  }

  @Test func tooManyMembersOrTooMuchDataAreRefused() {
    let data = OnePUXTests.exportData(totp: "JBSWY3DPEHPK3PXP")
    let zip = OnePUXTests.archive([("export.attributes", OnePUXTests.attributes), ("export.data", data)])
    #expect(reason(zip) == "read")
    var few = Limits.standard
    few.archiveMembers = 1
    #expect(reason(zip, limits: few).contains("number of archive members"))
    var small = Limits.standard
    small.decompressedBytes = 64
    #expect(reason(zip, limits: small).contains("decompressed size"))
  }
}
