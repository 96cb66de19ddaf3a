import Foundation
import OTPBridge
import TestSupport
import Testing

/// The README's library example, run as written (with real paths).
@Suite struct LibraryUsageTests {
  @Test func theReadmeExampleWorks() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-lib-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let export = Vectors.path("aegis/importers/plain.txt")

    let reading = try Reading.read(paths: [export])
    var printed: [String] = []
    for account in reading.accounts { printed.append("\(account.displayName) \(account.kind) \(account.secret)") }
    #expect(printed.count == 7)
    #expect(!printed.joined().contains("4SJHB4GSD43FZBAI7C2HLRJGPQ"))

    let conversion = try Conversion.run(reading, to: try Registry.builtIn.plugin(id: "otpauth"))
    #expect(Rendering.lossReport(conversion.report).contains("7 kept"))
    if conversion.report.isLossless { try Files.write(conversion.output, to: folder + "/out.txt", force: false) }
    #expect(FileManager.default.fileExists(atPath: folder + "/out.txt"))

    let audit = try Audit.run(paths: [export], target: .googleAuthenticator)
    #expect(Rendering.audit(audit).contains("TARGET_WRONG_CODES"))
  }
}
