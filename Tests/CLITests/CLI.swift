import Foundation
import TestSupport

/// Runs the built otpbridge binary (`.build/debug/otpbridge`, or $OTPBRIDGE_BIN) like a user would.
struct CLI {
  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var all: String { stdout + stderr }

    init(_ run: ProcessRun) {
      status = run.status
      stdout = String(decoding: run.stdout, as: UTF8.self)
      stderr = String(decoding: run.stderr, as: UTF8.self)
    }
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
    return Run(try Subprocess.run(binary, arguments, environment: environment, stdin: stdin, in: folder))
  }

  static func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

struct BinaryMissing: Error, CustomStringConvertible {
  var path: String
  var description: String { "\(path) does not exist: build it first (`make test` does)" }
}
