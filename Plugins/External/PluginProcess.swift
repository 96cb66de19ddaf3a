import Foundation
import OTPCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs one request of the external-plugin protocol (docs/plugins.md): the request word is the
/// only argument, the JSON body goes to standard input, the JSON reply comes from standard output.
/// Secrets and passwords travel only through the pipes, never through argv or the environment.
///
/// The plugin runs in a process group of its own, so a timeout stops it and everything it started.
struct PluginProcess: Sendable {
  let executable: String
  let name: String
  let timeout: TimeInterval

  static let maximumReply = 256 * 1024 * 1024
  static let inheritedVariables = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"]

  func run(_ request: String, body: [String: Any]) throws -> [String: Any] {
    let input = try JSONSerialization.data(withJSONObject: body)
    let child = try spawn(request)
    // Feed and drain the pipes on their own threads so that no pipe buffer can deadlock us.
    let group = DispatchGroup()
    let output = Collector(), errors = Collector()
    for (descriptor, collector, limit) in [(child.stdout, output, Self.maximumReply + 1), (child.stderr, errors, 64 * 1024)] {
      group.enter()
      DispatchQueue.global().async {
        collector.data = Self.readAll(descriptor, limit: limit)
        close(descriptor)
        group.leave()
      }
    }
    DispatchQueue.global().async {
      input.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
          let written = write(child.stdin, buffer.baseAddress! + offset, buffer.count - offset)
          if written <= 0 { break }  // the plugin stopped reading: its reply will say why
          offset += written
        }
      }
      close(child.stdin)
    }
    guard let status = wait(child.pid, timeout: timeout) else {
      kill(-child.pid, SIGKILL)
      _ = wait(child.pid, timeout: .infinity)
      group.wait()
      throw failure("no reply to '\(request)' within \(Int(timeout)) s; it was stopped")
    }
    group.wait()
    let stderrText = String(decoding: errors.data.prefix(600), as: UTF8.self).trimmingWhitespace()
    if let signal = status.signal {
      throw failure("crashed during '\(request)' (signal \(signal))\(detail(stderrText))")
    }
    guard status.exitCode == 0 else {
      throw failure("exited with status \(status.exitCode) during '\(request)'\(detail(stderrText))")
    }
    guard output.data.count <= Self.maximumReply,
      let reply = (try? JSONSerialization.jsonObject(with: output.data)) as? [String: Any]
    else {
      throw failure("its reply to '\(request)' is not a JSON object\(detail(stderrText))")
    }
    return reply
  }

  func failure(_ reason: String) -> OTPError {
    OTPError.pluginFailed(plugin: name, reason: reason)
  }

  private func detail(_ stderr: String) -> String {
    stderr.isEmpty ? "" : " (it said: \(stderr))"
  }

  final class Collector: @unchecked Sendable {
    var data = Data()
  }

  struct Child {
    var pid: pid_t
    var stdin: Int32
    var stdout: Int32
    var stderr: Int32
  }

  /// posix_spawn with the three pipes and a new process group.
  private func spawn(_ request: String) throws -> Child {
    var pipes: [[Int32]] = []
    for _ in 0..<3 {
      var ends: [Int32] = [0, 0]
      guard pipe(&ends) == 0 else { throw failure("cannot create a pipe: \(String(cString: strerror(errno)))") }
      // Only the dup2'd copies may reach the plugin (or any other child).
      ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
      pipes.append(ends)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
    posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)

    let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup(request), nil]
    // A small, fixed environment: a password given with --password-env must not leak into plugins.
    let environment: [UnsafeMutablePointer<CChar>?] =
      Self.inheritedVariables.compactMap { key in ProcessInfo.processInfo.environment[key].map { strdup("\(key)=\($0)") } } + [nil]
    defer { (arguments + environment).forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, &attributes, arguments, environment)
    close(pipes[0][0])
    close(pipes[1][1])
    close(pipes[2][1])
    guard result == 0 else {
      [pipes[0][1], pipes[1][0], pipes[2][0]].forEach { close($0) }
      throw failure("cannot start \(executable): \(String(cString: strerror(result)))")
    }
    return Child(pid: pid, stdin: pipes[0][1], stdout: pipes[1][0], stderr: pipes[2][0])
  }

  struct Status {
    var exitCode: Int32
    var signal: Int32?
  }

  /// Waits for the child; nil when the timeout passes first.
  private func wait(_ pid: pid_t, timeout: TimeInterval) -> Status? {
    let deadline = Date().addingTimeInterval(timeout)
    var delay: useconds_t = 200
    while true {
      var raw: Int32 = 0
      let result = waitpid(pid, &raw, timeout == .infinity ? 0 : WNOHANG)
      if result == pid {
        // WIFEXITED / WIFSIGNALED, spelled out: the macros do not reach Swift.
        let signal = raw & 0x7f
        return signal == 0 ? Status(exitCode: (raw >> 8) & 0xff, signal: nil) : Status(exitCode: -1, signal: signal)
      }
      if result < 0 && errno != EINTR { return Status(exitCode: -1, signal: nil) }
      if Date() >= deadline { return nil }
      usleep(delay)
      delay = min(delay * 2, 20_000)
    }
  }

  private static func readAll(_ descriptor: Int32, limit: Int) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while data.count < limit {
      let count = read(descriptor, &buffer, buffer.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      data.append(contentsOf: buffer[0..<count])
    }
    return data
  }
}
