import Foundation
import OTPBridge
import OTPCore
import Testing

@Suite struct AssignmentTests {
  func file(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-assign-\(UUID().uuidString).csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func namesTokensAfterTheirUsersAndLeavesOutTheRest() throws {
    let assignment = try Assignment.read(
      path: file(" Serial , UPN \nA1,dana@contoso.com\nB2,erik@contoso.com\nZ9,zed@contoso.com\n"))
    let seeds = try file("serial,secret\nA1,JBSWY3DPEHPK3PXP\nC3,JBSWY3DPEHPK3PXP\nB2,JBSWY3DPEHPK3PXP\n")
    let assigned = assignment.apply(to: try Reading.read(paths: [seeds]))
    #expect(assigned.accounts.map(\.name) == ["dana@contoso.com", "erik@contoso.com"])
    #expect(assigned.skippedEntries.map(\.code) == ["ASSIGN_UNASSIGNED"])
    #expect(assigned.skippedEntries.map { $0.origin?.place } == [.line(3)])
    #expect(assigned.findings.filter { !$0.entrySkipped }.map(\.code) == ["ASSIGN_SERIAL_NOT_FOUND"])
  }

  @Test func aSerialForTwoUsersOrARowWithoutAUPNStopsTheRun() throws {
    #expect(throws: OTPError.self) { try Assignment.read(path: file("serial,upn\nA1,dana@contoso.com\nA1,erik@contoso.com\n")) }
    #expect(throws: OTPError.self) { try Assignment.read(path: file("serial,upn\nA1,\n")) }
    #expect(throws: OTPError.self) { try Assignment.read(path: file("serial,user\nA1,dana@contoso.com\n")) }
  }
}
