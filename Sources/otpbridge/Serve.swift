import ArgumentParser
import Dispatch
import Foundation
import OTPBridge
import OTPServe
import Synchronization

struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Open a page in your browser that does what the commands do, for people who never open a terminal.",
    discussion: """
      Serves the page on 127.0.0.1 only (never another address), at a random port, behind a random \
      one-time ticket in its address (its first use sets the session's cookie), and opens it with \
      the desktop's opener (xdg-open) when there is one. \
      The address is printed on standard output. Files given to the page stay in memory and are \
      forgotten when the page says Done; the server then stops, or after --idle-minutes without a \
      request, or on Ctrl-C. See docs/serve.md.
      """)

  @Option(help: ArgumentHelp("Stop after this many minutes without a request.", valueName: "n"))
  var idleMinutes: Int = 30

  @Flag(help: "Print the address but do not open a browser.")
  var noOpen = false

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  func validate() throws {
    guard (1...10_080).contains(idleMinutes) else { throw ValidationError("--idle-minutes must be from 1 to 10080 (a week).") }
  }

  func run() throws {
    let server = ServeServer(registry: plugins.registry(), idle: .seconds(idleMinutes * 60))
    let open = !noOpen
    try runBlocking {
      try await server.run { address in
        try? StandardStreams.output("\(address)\n".utf8)
        Console.note(
          "otpbridge serve: the page is at the address above, for this computer only. Press Done on the page, or Ctrl-C here, to stop."
        )
        if open { Self.openBrowser(address) }
      }
    }
    Console.note("otpbridge serve: stopped; everything given to the page was forgotten.")
  }

  /// The desktop's opener, when there is a desktop: xdg-open (Linux) or open (macOS), detached.
  static func openBrowser(_ address: String) {
    let environment = ProcessInfo.processInfo.environment
    #if os(Linux)
      guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil,
        let opener = ["/usr/bin/xdg-open", "/usr/local/bin/xdg-open"].first(where: FileManager.default.isExecutableFile)
      else { return }
    #else
      let opener = "/usr/bin/open"
    #endif
    let process = Process()
    process.executableURL = URL(fileURLWithPath: opener)
    process.arguments = [address]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try? process.run()
  }
}

/// Runs `body` to its end from synchronous code (the command line's `run`).
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
  let outcome = Mutex<(any Error)?>(nil)
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    do { try await body() } catch { outcome.withLock { $0 = error } }
    done.signal()
  }
  done.wait()
  if let error = outcome.withLock({ $0 }) { throw error }
}
