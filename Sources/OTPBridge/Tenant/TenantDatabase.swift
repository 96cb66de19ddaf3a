import CSQLite
import Foundation
import OTPCore

/// One SQLite connection of a tenant run (the journal, the manifest's users), with every statement
/// run under one lock so that worker threads can share it. Values are bound and read as text
/// (NULL as nil when bound, "" when read).
final class TenantDatabase: @unchecked Sendable {
  private let database: OpaquePointer
  /// The file named in errors.
  let path: String
  private let lock = NSLock()

  /// Opens (or creates) the database at `file`; "" is a private temporary database on disk, which
  /// SQLite removes when it is closed (its file is unlinked as soon as it is made, so not even a
  /// kill -9 leaves it behind). `named` is the file errors name.
  init(file: String, named: String) throws {
    path = named
    var handle: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
    guard sqlite3_open_v2(file, &handle, flags, nil) == SQLITE_OK, let handle else {
      let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      sqlite3_close(handle)
      throw OTPError.writeFailed(path: named, reason: reason)
    }
    database = handle
    sqlite3_busy_timeout(database, 10_000)
  }

  deinit {
    sqlite3_close(database)
  }

  func execute(_ sql: String, _ parameters: [String?] = []) throws {
    try query(sql, parameters) { _ in }
  }

  func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String]] {
    var rows: [[String]] = []
    try query(sql, parameters) { rows.append($0) }
    return rows
  }

  /// Runs `sql`, handing each row's columns as text to `row` (NULL as ""); a nil parameter binds NULL.
  func query(_ sql: String, _ parameters: [String?] = [], row: ([String]) throws -> Void) throws {
    try lock.withLock {
      var statement: OpaquePointer?
      defer { sqlite3_finalize(statement) }
      guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure() }
      try step(statement, parameters, row: row)
    }
  }

  /// Runs `sql` once for each list of parameters, prepared once (a manifest's million inserts),
  /// handing the rows it gives to `row` in order.
  func repeating(_ sql: String, _ rows: [[String?]], row: ([String]) throws -> Void = { _ in }) throws {
    try lock.withLock {
      var statement: OpaquePointer?
      defer { sqlite3_finalize(statement) }
      guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure() }
      for parameters in rows {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        try step(statement, parameters, row: row)
      }
    }
  }

  private func step(_ statement: OpaquePointer, _ parameters: [String?], row: ([String]) throws -> Void) throws {
    // SQLITE_TRANSIENT: SQLite copies the text before the Swift string goes away.
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    for (offset, parameter) in parameters.enumerated() {
      if let parameter {
        // By its length: a NUL inside a text (valid UTF-8) must not cut it short.
        sqlite3_bind_text(statement, Int32(offset + 1), parameter, Int32(parameter.utf8.count), transient)
      } else {
        sqlite3_bind_null(statement, Int32(offset + 1))
      }
    }
    while true {
      switch sqlite3_step(statement) {
      case SQLITE_ROW:
        try row(
          (0..<sqlite3_column_count(statement)).map { column in
            guard let text = sqlite3_column_text(statement, column) else { return "" }
            return String(
              decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
          })
      case SQLITE_DONE:
        return
      default:
        throw failure()
      }
    }
  }

  /// Runs `body` in one transaction: many inserts, one commit. For a connection one thread uses at
  /// the time (the manifest's while it loads): another thread's statements would join it.
  func transaction(_ body: () throws -> Void) throws {
    try execute("BEGIN")
    do {
      try body()
      try execute("COMMIT")
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  private func failure() -> OTPError {
    OTPError.writeFailed(path: path, reason: "SQLite: \(String(cString: sqlite3_errmsg(database)))")
  }
}
