import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What must be undone when Ctrl-C, `kill` or a closed terminal (SIGINT, SIGTERM, SIGHUP) stops a
/// run: a temporary file that holds secrets under a name, and a terminal whose echo a password
/// prompt turned off. The handler does only what is safe in a signal handler (unlink, tcsetattr),
/// then lets the signal end the process as it would have.
///
/// Most outputs never need it: on Linux they are written as unnamed files (O_TMPFILE) that vanish
/// with the process, even on kill -9 (Files.swift). It lives in OTPCore so that a plugin which
/// must put something on disk (the Microsoft Authenticator database copy) can guard it too.
/// Slots are claimed and freed under a lock, by any thread; the handler only reads them.
public enum Interruption {
  /// Room for this many temporary files at once; more are still written, just not guarded.
  static let capacity = 1024
  // Preallocated before any signal can come, so the handler never allocates or locks.
  nonisolated(unsafe) static let paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let paths = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    paths.initialize(repeating: nil, count: capacity)
    return paths
  }()
  nonisolated(unsafe) static let terminal: UnsafeMutablePointer<termios> = {
    let terminal = UnsafeMutablePointer<termios>.allocate(capacity: 1)
    terminal.initialize(to: termios())
    return terminal
  }()
  nonisolated(unsafe) static var terminalDescriptor: Int32 = -1

  /// SIGQUIT (Ctrl-\\) too: its core dump still comes, after the clean-up.
  static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
  /// Serialises claiming and freeing slots between threads (tenant jobs write at once).
  static let slotLock = Mutex<Void>(())

  /// Installs the handler; the CLI calls it once at start.
  public static func install() {
    // Touch the lazily made globals now: the handler must not be the first to use them.
    _ = (paths, terminal, terminalDescriptor, handle)
    for signal in signals { setAction(handle, for: signal) }
    // A parent may have started us with these signals blocked (Foundation's Process does): a
    // handler they never reach would guard nothing.
    var handled = sigset_t()
    sigemptyset(&handled)
    for signal in signals { sigaddset(&handled, signal) }
    sigprocmask(SIG_UNBLOCK, &handled, nil)
  }

  static let handle: @convention(c) (Int32) -> Void = { signal in
    // Files first, then folders: slots are reused, so a folder's slot may come after its files'.
    for slot in 0..<Interruption.capacity {
      if let path = Interruption.paths[slot] { unlink(path) }
    }
    for slot in 0..<Interruption.capacity {
      if let path = Interruption.paths[slot] { rmdir(path) }
    }
    if Interruption.terminalDescriptor >= 0 {
      tcsetattr(Interruption.terminalDescriptor, TCSANOW, Interruption.terminal)
    }
    // End the way the signal would have ended the process, so the shell sees it.
    Interruption.setAction(SIG_DFL, for: signal)
    raise(signal)
  }

  /// sigaction(2) with `handler` and no flags: only async-signal-safe calls, so the handler uses it too.
  static func setAction(_ handler: (@convention(c) (Int32) -> Void)?, for signal: Int32) {
    var action = sigaction()
    #if canImport(Glibc)
      action.__sigaction_handler.sa_handler = handler
    #else
      action.__sigaction_u.__sa_handler = handler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(signal, &action, nil)
  }

  /// Removes `path` (a file, or an empty folder) if a signal comes before `forget`; returns the
  /// slot to forget, or nil when every slot is taken.
  public static func removeOnSignal(_ path: String) -> Int? {
    slotLock.withLock { _ in
      for slot in 0..<capacity where paths[slot] == nil {
        paths[slot] = strdup(path)
        return slot
      }
      return nil
    }
  }

  public static func forget(_ slot: Int?) {
    guard let slot else { return }
    slotLock.withLock { _ in
      guard let path = paths[slot] else { return }
      paths[slot] = nil
      free(path)
    }
  }

  /// Restores `settings` on `descriptor` if a signal comes while a prompt has echo off.
  public static func restoreOnSignal(terminal descriptor: Int32, settings: termios) {
    terminal.pointee = settings
    terminalDescriptor = descriptor
  }

  public static func forgetTerminal() {
    terminalDescriptor = -1
  }
}
