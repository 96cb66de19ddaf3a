import CSQLite
import Foundation
import OTPCore

/// An app's SQLite database copied off a rooted phone (Microsoft Authenticator's PhoneFactor,
/// Google Authenticator's `databases`), read from a private copy: SQLite never touches, locks or
/// checkpoints the user's own file, and the `-wal` lying beside the input (where SQLite keeps the
/// latest changes) is read with it. A database encrypted with SQLCipher (Authenticator Plus's
/// backup) is read the same way through SQLCipher, loaded at run time beside the linked SQLite.
public final class PhoneDatabase {
  let file: String
  let folder: String
  let guards: [Int?]
  let api: otpbridge_sqlite_api
  var database: OpaquePointer?

  /// The SQLite file header: every database starts with it.
  public static let magic = Array("SQLite format 3\0".utf8)

  /// Opens a copy of `input` (and of its `-wal`), named `name` in a private temporary folder that
  /// `close` removes; a signal before then removes it too, since the copy holds every secret.
  /// With `sqlcipherKey`, the file is a SQLCipher database opened with that password, in
  /// SQLCipher 3's settings (`cipher_compatibility = 3` for a newer SQLCipher).
  public init(_ input: InputFile, name: String, maximumSize: Int, sqlcipherKey: String? = nil) throws {
    file = input.name
    if sqlcipherKey != nil {
      guard let loaded = Self.sqlcipher else {
        throw OTPError.cannotOpen(
          file: input.name,
          reason:
            "it is a SQLCipher database, and SQLCipher is not installed (Debian: apt install libsqlcipher0). Or export the accounts from the app while it still runs"
        )
      }
      api = loaded
    } else {
      api = otpbridge_sqlite_linked()
    }
    var template = Array((FileManager.default.temporaryDirectory.path + "/otpbridge-db-XXXXXX").utf8CString)
    guard let folderPointer = mkdtemp(&template) else {
      throw OTPError.cannotOpen(file: input.name, reason: "no private temporary folder for the database copy")
    }
    folder = String(cString: folderPointer)
    let copy = folder + "/" + name
    // Newest first, so the folder is empty when its turn comes.
    let paths: [String] = [folder, copy, copy + "-wal", copy + "-shm", copy + "-journal"]
    guards = paths.map { Interruption.removeOnSignal($0) }
    guard Self.writeNew(copy, input.bytes) else {
      close()
      throw OTPError.cannotOpen(file: input.name, reason: "cannot copy the database to a temporary folder")
    }
    if input.name != "-", let wal = SideFile.read(input.name + "-wal", maximumSize: maximumSize) {
      _ = Self.writeNew(copy + "-wal", wal)
    }
    guard api.open_v2(copy, &database, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
      close()
      throw OTPError.corrupted(file: input.name, place: nil, reason: "SQLite cannot open it")
    }
    if let sqlcipherKey {
      let keyed = Array(sqlcipherKey.utf8).withUnsafeBytes { api.key(database, $0.baseAddress, Int32($0.count)) }
      _ = api.exec(database, "PRAGMA cipher_compatibility = 3", nil, nil, nil)
      // The first page decrypts only with the right key: SQLite then says "not a database"
      // (SQLITE_NOTADB); anything else after the key is damage further in.
      var status = keyed
      if status == SQLITE_OK {
        status = api.exec(database, "SELECT count(*) FROM sqlite_master", nil, nil, nil)
      }
      if status != SQLITE_OK {
        let reason = message
        close()
        // A SQLCipher file is whole pages of 1,024 bytes: another size is damage, not a wrong key.
        guard status == SQLITE_NOTADB, !input.bytes.isEmpty, input.bytes.count % 1024 == 0 else {
          throw OTPError.corrupted(file: input.name, place: nil, reason: "SQLCipher: \(reason)")
        }
        throw OTPError.wrongPassword(file: input.name)
      }
    }
    // A hostile file may hold views, triggers and schema tricks: defensive mode, nothing from the
    // schema trusted, and sorting in memory, not in a temporary file that could fill the disk.
    _ = withUnsafePointer(to: api) { otpbridge_sqlite3_defensive($0, database) }
    _ = api.exec(database, "PRAGMA trusted_schema=OFF; PRAGMA temp_store=MEMORY", nil, nil, nil)
  }

  /// SQLCipher, loaded once: Debian 12's libsqlcipher0 (SQLCipher 3) or a later one. Its
  /// function pointers never change once loaded.
  nonisolated(unsafe) static let sqlcipher: otpbridge_sqlite_api? = {
    var api = otpbridge_sqlite_linked()
    let names = ["libsqlcipher.so.0", "libsqlcipher.so.1", "libsqlcipher.so"]
    var pointers: [UnsafePointer<CChar>?] = names.map { UnsafePointer(strdup($0)) } + [nil]
    defer { pointers.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
    return otpbridge_sqlite_load_sqlcipher(&pointers, &api) == 1 ? api : nil
  }()

  /// Whether SQLCipher can be loaded here.
  public static var sqlcipherIsInstalled: Bool { sqlcipher != nil }

  /// The columns of the `accounts` table every app here keeps its accounts in, which must be a
  /// real table with the `required` columns; a table still only in the `-wal` beside the file is
  /// said to be so.
  public func accountsColumns(requiring required: [String], of input: InputFile, app: String) throws -> Set<String> {
    let columns = try isTable("accounts") ? try columns(of: "accounts") : []
    if columns.isEmpty, Self.isInWALMode(input) {
      let wal = PathText.name(of: input.name) + "-wal"
      throw OTPError.corrupted(
        file: input.name, place: nil,
        reason:
          "the accounts table is not in this file yet: SQLite keeps recent changes in \(wal). Copy that file from the phone too and put it beside this one"
      )
    }
    guard required.allSatisfy(columns.contains) else {
      throw OTPError.corrupted(
        file: input.name, place: "table accounts",
        reason: "not a \(app) database: it needs the columns \(required.joined(separator: ", "))")
    }
    return columns
  }

  /// The note for an empty accounts table: the rows may be waiting in the `-wal` not copied.
  public static func emptyTable(_ input: InputFile, code: some FindingCode) -> Finding {
    Finding(
      .info, code: code,
      "the accounts table is empty; if the phone shows accounts, copy \(PathText.name(of: input.name))-wal beside the database too",
      at: Origin(file: input.name, place: .whole))
  }

  /// Whether `name` is a real table of the file: not a view that computes its rows, nor a virtual
  /// table whose module would run code of its own (SQLCipher 3 has no defensive mode to stop it).
  public func isTable(_ name: String) throws -> Bool {
    var found = false
    try query("SELECT type, sql FROM sqlite_master WHERE name = '\(name.replacingOccurrences(of: "'", with: "''"))'") { row in
      let isVirtual = row.text(1).uppercased().hasPrefix("CREATE VIRTUAL")
      found = found || (row.text(0) == "table" && !isVirtual)
    }
    return found
  }

  /// Writes `bytes` to a file that must not exist yet, made 0600 from the start and written in
  /// place (no temporary name beside it that a signal could leave behind).
  static func writeNew(_ path: String, _ bytes: [UInt8]) -> Bool {
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return false }
    defer { _ = Glibc.close(descriptor) }
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return false }
      written += count
    }
    return true
  }

  /// Opens `input`, hands it to `body` and removes the copy, whatever happens.
  public static func reading<T>(
    _ input: InputFile, name: String, maximumSize: Int, sqlcipherKey: String? = nil, _ body: (PhoneDatabase) throws -> T
  ) throws -> T {
    let database = try PhoneDatabase(input, name: name, maximumSize: maximumSize, sqlcipherKey: sqlcipherKey)
    defer { database.close() }
    return try body(database)
  }

  public func close() {
    _ = api.close(database)
    database = nil
    try? FileManager.default.removeItem(atPath: folder)
    guards.forEach(Interruption.forget)
  }

  /// The column names of `table`; empty when there is no such table.
  public func columns(of table: String) throws -> Set<String> {
    var columns: Set<String> = []
    try query("PRAGMA table_info(\(table))") { row in columns.insert(row.text(1)) }
    return columns
  }

  /// True when the input is in WAL mode (header bytes 18 and 19 are 2, sqlite.org/fileformat2.html
  /// §1.3): then a table missing from it may be waiting in the `-wal` file.
  public static func isInWALMode(_ input: InputFile) -> Bool {
    input.bytes.count > 19 && input.bytes[18] == 2
  }

  /// One row of a query, read by column index.
  public struct Row {
    let statement: OpaquePointer?
    let api: otpbridge_sqlite_api

    /// The value as text, every byte of it (a NUL inside stays, for the reader to refuse).
    public func text(_ column: Int32) -> String {
      guard let text = api.column_text(statement, column) else { return "" }
      let count = Int(api.column_bytes(statement, column))
      return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Whether the value is stored as a whole number (not text, a fraction or a blob that SQLite
    /// would turn into one).
    public func isInteger(_ column: Int32) -> Bool { api.column_type(statement, column) == SQLITE_INTEGER }

    public func integer(_ column: Int32) -> Int64 { api.column_int64(statement, column) }

    public func isNull(_ column: Int32) -> Bool { api.column_type(statement, column) == SQLITE_NULL }
  }

  /// No real app database of accounts holds more rows than this.
  public static let maximumRows = 1_000_000

  /// Runs `sql`, handing each row to `body`; SQLite's errors are `corrupted` errors naming the file.
  public func query(_ sql: String, _ body: (Row) throws -> Void) throws {
    var statement: OpaquePointer?
    var rows = 0
    defer { _ = api.finalize(statement) }
    guard api.prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK else {
      throw OTPError.corrupted(file: file, place: nil, reason: "SQLite: \(message)")
    }
    while true {
      switch api.step(statement) {
      case SQLITE_ROW:
        rows += 1
        guard rows <= Self.maximumRows else {
          throw OTPError.corrupted(
            file: file, place: nil, reason: "more than \(Self.maximumRows) rows: not an app's account table")
        }
        try body(Row(statement: statement, api: api))
      case SQLITE_DONE: return
      default:
        throw OTPError.corrupted(file: file, place: nil, reason: "SQLite: \(message)")
      }
    }
  }

  var message: String { api.errmsg(database).map { String(cString: $0) } ?? "unknown error" }
}
