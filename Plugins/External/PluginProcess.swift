import Foundation
import OTPCore
import OTPJSON

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
/// The deadline holds for the pipes too: a process the plugin left behind with its output open
/// (`sleep 300 &`, or one that left the group with `setsid`) cannot keep otpbridge waiting.
struct PluginProcess: Sendable {
  let executable: String
  let name: String
  let timeout: TimeInterval
  /// The longest reply read, in bytes; one byte more and the plugin is stopped.
  let maximumReply: Int

  /// As long as the largest input otpbridge reads: a reply holds at most one file or its accounts.
  static let defaultMaximumReply = Limits.standard.inputBytes
  /// How long the pipes may stay open after the plugin exited, before otpbridge stops whatever
  /// holds them and stops reading.
  static let exitGrace: TimeInterval = 1
  /// The most of standard error kept (the rest is read and dropped, so the plugin never blocks on it).
  static let maximumErrorText = 64 * 1024
  static let inheritedVariables = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"]

  /// Runs `request` with `body` on standard input and decodes the reply, a JSON object, as `Reply`.
  func run<Reply: Decodable>(_ request: String, body: some Encodable, as type: Reply.Type) throws -> Reply {
    let input = try JSONStreamEncoder().encode(body)
    let child = try spawn(request)
    let exchange = self.exchange(with: child, input: input)
    if exchange.ending != .closed {
      // The group is still there (the plugin is not reaped yet), so its id names no one else.
      kill(-child.pid, SIGKILL)
      kill(child.pid, SIGKILL)
    }
    let status = reap(child.pid)
    switch exchange.ending {
    case .timedOut:
      throw failure("no reply to '\(request)' within \(Int(timeout)) s; it was stopped")
    case .replyTooLarge:
      throw failure(
        "its reply to '\(request)' is larger than otpbridge's limit of \(maximumReply >> 20) MiB for a plugin's reply; "
          + "it was stopped (OTPBRIDGE_PLUGIN_MAX_REPLY_MIB raises the limit; see docs/limits.md)")
    case .closed, .heldOpen:
      break
    }
    let stderrText = String(decoding: exchange.errors.prefix(600), as: UTF8.self).trimmingWhitespace()
    if let signal = status.signal {
      throw failure("crashed during '\(request)' (signal \(signal))\(detail(stderrText))")
    }
    guard status.exitCode == 0 else {
      throw failure("exited with status \(status.exitCode) during '\(request)'\(detail(stderrText))")
    }
    // A complete reply from a plugin that exited 0 stands, even if something it left behind held the pipes.
    do {
      return try JSONTapeDecoder().decode(Reply.self, from: exchange.output)
    } catch let error as DecodingError where error.pathNames.isEmpty {
      if exchange.ending == .heldOpen {
        throw failure(
          "its reply to '\(request)' was not complete when it exited, and a process it left behind kept its output open "
            + "past \(Int(Self.exitGrace)) s; otpbridge stopped waiting\(detail(stderrText))")
      }
      throw failure("its reply to '\(request)' is not a JSON object\(detail(stderrText))")
    } catch {
      throw failure(decoding: error, request: request)
    }
  }

  /// How the pipes of one request ended.
  enum Ending {
    /// Both output pipes reached their end and the plugin exited.
    case closed
    /// The plugin exited, but something kept its output open past `exitGrace`.
    case heldOpen
    /// The deadline passed first.
    case timedOut
    /// Standard output went past `maximumReply`.
    case replyTooLarge
  }

  /// Feeds `input` to the plugin and reads its two output pipes, all in one poll(2) loop that
  /// never waits past the deadline, nor past `exitGrace` after the plugin exited. Reads at most
  /// one byte over `maximumReply`. The plugin is left unreaped, so that its group can be killed.
  private func exchange(with child: Child, input: [UInt8]) -> (ending: Ending, output: [UInt8], errors: [UInt8]) {
    for descriptor in [child.stdin, child.stdout, child.stderr] {
      _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }
    var stdin: Int32? = child.stdin, stdout: Int32? = child.stdout, stderr: Int32? = child.stderr
    defer { [stdin, stdout, stderr].compactMap { $0 }.forEach { close($0) } }
    var output: [UInt8] = [], errors: [UInt8] = []
    var written = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    let deadline = Date().addingTimeInterval(timeout)
    var exited: Date?
    // Milliseconds to sleep in poll while nothing happens: short at first, since a plugin's
    // exit is seen only by asking.
    var idle: Int32 = 1

    func finish(_ descriptor: inout Int32?) {
      if let open = descriptor { close(open) }
      descriptor = nil
    }
    if input.isEmpty { finish(&stdin) }
    while true {
      if exited == nil && hasExited(child.pid) { exited = Date() }
      if stdout == nil && stderr == nil && exited != nil { return (.closed, output, errors) }
      let now = Date()
      // Past the deadline after the plugin exited, a reply it completed still stands.
      if now >= deadline { return (exited == nil ? .timedOut : .heldOpen, output, errors) }
      if let exited, now >= exited.addingTimeInterval(Self.exitGrace) { return (.heldOpen, output, errors) }

      var watched: [pollfd] = []
      if let stdin { watched.append(pollfd(fd: stdin, events: Int16(POLLOUT), revents: 0)) }
      if let stdout { watched.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
      if let stderr { watched.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
      let limit = min(deadline, exited?.addingTimeInterval(Self.exitGrace) ?? deadline).timeIntervalSince(now)
      let wait = min(idle, Int32(min(limit * 1000, 1000).rounded(.up)))
      let ready = poll(&watched, nfds_t(watched.count), wait)
      guard ready > 0 else {
        idle = min(idle * 2, 20)
        continue
      }
      idle = 1
      for entry in watched where entry.revents != 0 {
        if entry.fd == stdin {
          let count = input.withUnsafeBytes { write(entry.fd, $0.baseAddress! + written, $0.count - written) }
          if count > 0 { written += count }
          // Done, or the plugin stopped reading (its reply will say why).
          if written == input.count || (count < 0 && errno != EAGAIN && errno != EINTR) { finish(&stdin) }
        } else if entry.fd == stdout {
          let room = min(buffer.count, maximumReply + 1 - output.count)
          let count = read(entry.fd, &buffer, room)
          if count > 0 { output += buffer[0..<count] }
          if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { finish(&stdout) }
          if output.count > maximumReply { return (.replyTooLarge, output, errors) }
        } else if entry.fd == stderr {
          let count = read(entry.fd, &buffer, buffer.count)
          if count > 0 { errors += buffer[0..<min(count, Self.maximumErrorText - errors.count)] }
          if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { finish(&stderr) }
        }
      }
    }
  }

  /// Whether the plugin has exited, without reaping it: until it is reaped its pid, and so its
  /// process group's id, cannot be given to another process.
  private func hasExited(_ pid: pid_t) -> Bool {
    var info = siginfo_t()
    return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_signo != 0
  }

  func failure(_ reason: String) -> OTPError {
    OTPError.pluginFailed(plugin: name, reason: reason)
  }

  private func detail(_ stderr: String) -> String {
    stderr.isEmpty ? "" : " (it said: \(stderr))"
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
    // Nothing else otpbridge holds reaches the plugin: not what otpbridge inherited without
    // close-on-exec (a job runner's log pipe, which a process the plugin leaves behind would keep
    // open after otpbridge is done), nor another request's pipes made on another thread.
    #if canImport(Glibc)
      Self.closeTheRest(&actions)
    #endif
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    #if canImport(Darwin)
      posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_CLOEXEC_DEFAULT))
    #else
      posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    #endif
    posix_spawnattr_setpgroup(&attributes, 0)

    let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup(request), nil]
    // A small, fixed environment: a password given with --password-env must not leak into plugins.
    let environment: [UnsafeMutablePointer<CChar>?] =
      Self.inheritedVariables.compactMap { key in ProcessInfo.processInfo.environment[key].map { strdup("\(key)=\($0)") } } + [
        nil
      ]
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

  #if canImport(Glibc)
    /// Adds to `actions` the closing of every descriptor from 3 up: with glibc's
    /// posix_spawn_file_actions_addclosefrom_np (2.34 and later, which Swift's Glibc module does
    /// not declare), else one close for each descriptor open now.
    private static func closeTheRest(_ actions: inout posix_spawn_file_actions_t) {
      typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
      if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        return
      }
      for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
        if let descriptor = Int32(name), descriptor >= 3 { posix_spawn_file_actions_addclose(&actions, descriptor) }
      }
    }
  #endif

  struct Status {
    var exitCode: Int32
    var signal: Int32?
  }

  /// Reaps the child, which has exited or been sent SIGKILL.
  private func reap(_ pid: pid_t) -> Status {
    var raw: Int32 = 0
    while true {
      let result = waitpid(pid, &raw, 0)
      if result == pid {
        // WIFEXITED / WIFSIGNALED, spelled out: the macros do not reach Swift.
        let signal = raw & 0x7f
        return signal == 0 ? Status(exitCode: (raw >> 8) & 0xff, signal: nil) : Status(exitCode: -1, signal: signal)
      }
      if result < 0 && errno != EINTR { return Status(exitCode: -1, signal: nil) }
    }
  }
}
