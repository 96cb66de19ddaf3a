import Foundation
import TestSupport

/// Runs the built otpbridge binary (`.build/debug/otpbridge`, or $OTPBRIDGE_BIN) like a user would.
struct CLI {
  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var all: String { stdout + stderr }
  }

  static let binary: String = {
    if let override = ProcessInfo.processInfo.environment["OTPBRIDGE_BIN"] { return override }
    return Vectors.packageRoot.appendingPathComponent(".build/debug/otpbridge").path
  }()

  static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil, in folder: String? = nil) throws
    -> Run
  {
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      throw BinaryMissing(path: binary)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read both pipes at once and before waiting, so a large output on either cannot block the child.
    let errors = ErrorCollector()
    let reader = Thread {
      errors.data = err.fileHandleForReading.readDataToEndOfFile(); errors.done.signal()
    }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errors.done.wait()
    let errData = errors.data
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  static func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

/// Standard error as a second thread reads it.
final class ErrorCollector: @unchecked Sendable {
  var data = Data()
  let done = DispatchSemaphore(value: 0)
}

struct BinaryMissing: Error, CustomStringConvertible {
  var path: String
  var description: String { "\(path) does not exist: build it first (`make test` does)" }
}
