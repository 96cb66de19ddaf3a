import Foundation
import OTPBridge
import OTPCore
import Testing

/// The checks Reading makes before any reader: empty files, deep JSON, the input size.
@Suite struct ReadingLimitsTests {
  func reason(_ bytes: [UInt8], limits: Limits = .standard) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reading-\(UUID().uuidString).json").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      _ = try Reading.read(paths: [path], context: ReadContext(limits: limits))
      return "read"
    } catch {
      return "\(error)"
    }
  }

  @Test func emptyAndBlankFilesAreRefused() throws {
    #expect(try reason([]).contains("the file is empty"))
    #expect(try reason(Array(" \n\t\r\n".utf8)).contains("the file is empty"))
  }

  @Test func deepJSONIsRefused() throws {
    #expect(try reason(Array(repeating: UInt8(ascii: "["), count: 10_000)).contains("nesting depth"))
  }

  @Test func inputsAboveTheSizeLimitAreRefused() throws {
    var small = Limits.standard
    small.inputBytes = 10
    #expect(try reason(Array("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP".utf8), limits: small).contains("input limit"))
  }
}
