import Foundation

/// What a finished process gave back.
public struct ProcessRun: Sendable {
  public var status: Int32
  public var stdout: Data
  public var stderr: Data
}

/// Runs other programs from tests: the otpbridge binary, bash, and the tools that check its output
/// independently (zbarimg, rsvg-convert).
public enum Subprocess {
  /// Runs `executable` to its end with `arguments`, the test's environment plus `environment`,
  /// `stdin` as its standard input (closed at once when nil), in `folder` if given. Both outputs
  /// are read at once and before waiting, so a large output on either cannot block the child.
  public static func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil,
    in folder: String? = nil
  ) throws -> ProcessRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
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
    let errors = ErrorCollector()
    let reader = Thread {
      errors.data = err.fileHandleForReading.readDataToEndOfFile()
      errors.done.signal()
    }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    errors.done.wait()
    process.waitUntilExit()
    return ProcessRun(status: process.terminationStatus, stdout: outData, stderr: errors.data)
  }

  /// The executable `name` on PATH, or nil.
  public static func onPath(_ name: String) -> String? {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/\(name)" }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Standard error as a second thread reads it.
  final class ErrorCollector: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
  }
}
