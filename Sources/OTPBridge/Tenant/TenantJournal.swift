import Foundation
import OTPCore

/// The crash-safe record of a tenant run: one row per finished user, holding that user's result
/// (docs/tenant.md). A user is recorded only after its outputs are synced to disk, and SQLite
/// commits each row durably (WAL, synchronous=FULL), so after a crash a user is either recorded
/// with its outputs in place or not recorded and run again. A done user's row also holds the size
/// and SHA-256 of its converted file and findings.json, so that a resume can tell an output that
/// changed since. No secret or password is stored.
final class TenantJournal: @unchecked Sendable {
  static let fileName = "journal.sqlite"

  private let database: TenantDatabase
  private let path: String

  /// Opens the journal in `folder`. Without `resume` an existing journal is refused (a second
  /// run must not silently mix with the first); with it, a missing one is created, so a job
  /// runner can pass --resume on every attempt.
  init(folder: String, resume: Bool) throws {
    path = "\(folder)/\(Self.fileName)"
    if !resume && FileManager.default.fileExists(atPath: path) {
      throw OTPError.invalidArgument(
        "\(folder) already holds a tenant run (\(Self.fileName)): add --resume to continue it, or choose an empty folder")
    }
    // SQLite would make a new file 0644 (and its -wal and -shm files after it); the journal names
    // every user and file, so it is 0600 like every other output.
    let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
    if descriptor >= 0 {
      fchmod(descriptor, 0o600)
      close(descriptor)
    }
    database = try TenantDatabase(file: path, named: path)
    try execute("PRAGMA journal_mode=WAL")
    try execute("PRAGMA synchronous=FULL")
    try execute("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, status TEXT NOT NULL, result TEXT NOT NULL)")
    try execute("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    // Journals of otpbridge before the output checks lack these columns; their done rows keep
    // NULL in them and are checked by the outputs' existence only.
    let columns = Set(try query("SELECT name FROM pragma_table_info('users')").map { $0[0] })
    for (column, type) in Self.outputColumns where !columns.contains(column) {
      try execute("ALTER TABLE users ADD COLUMN \(column) \(type)")
    }
  }

  /// The size and SHA-256 (hex) of a done user's converted file and findings.json.
  static let outputColumns = [
    ("output_size", "INTEGER"), ("output_sha256", "TEXT"), ("findings_size", "INTEGER"), ("findings_sha256", "TEXT"),
  ]

  /// Stores the run's settings on the first run; on a resume, refuses settings that differ
  /// (another shard, another default target), since the done users were made with the first ones.
  func checkSettings(_ settings: [String: String]) throws {
    for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
      if let stored = try query("SELECT value FROM settings WHERE key = ?", [key]).first?[0] {
        guard stored == value else {
          throw OTPError.invalidArgument(
            "--resume: this run was started with \(key) \(stored.isEmpty ? "unset" : stored), not \(value.isEmpty ? "unset" : value)"
          )
        }
      } else {
        try execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, value])
      }
    }
  }

  /// The output files a done user's row vouches for; nil when the user is not recorded as done.
  func doneOutputs(of id: String) throws -> [TenantOutputFile]? {
    let sql = """
      SELECT json_extract(result, '$.output'), output_size, output_sha256, findings_size, findings_sha256
      FROM users WHERE id = ? AND status = 'done'
      """
    guard let row = try query(sql, [id]).first else { return nil }
    guard !row[0].isEmpty else { return [] }
    let findings = PathText.folder(of: row[0]) + "/" + TenantMigration.findingsName
    // NULL reads as "": a row an older otpbridge wrote.
    return [
      TenantOutputFile(path: row[0], size: Int(row[1]), sha256: row[2].isEmpty ? nil : row[2]),
      TenantOutputFile(path: findings, size: Int(row[3]), sha256: row[4].isEmpty ? nil : row[4]),
    ]
  }

  /// Whether the user is recorded as done (its outputs not checked).
  func isDone(_ id: String) throws -> Bool {
    try !query("SELECT 1 FROM users WHERE id = ? AND status = 'done'", [id]).isEmpty
  }

  /// The recorded result of a user, or nil.
  func result(of id: String) throws -> TenantUserResult? {
    guard let text = try query("SELECT result FROM users WHERE id = ?", [id]).first?[0] else { return nil }
    return try JSONDecoder().decode(TenantUserResult.self, from: Data(text.utf8))
  }

  /// Records a user's result, with its converted file and findings (nil for a failed user);
  /// call only once those are durably in place.
  func record(_ result: TenantUserResult, outputs: TenantMigration.UserOutputs? = nil) throws {
    let text = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
    let values: [String?] = [
      outputs?.converted.size.map(String.init), outputs?.converted.sha256,
      outputs?.findings.size.map(String.init), outputs?.findings.sha256,
    ]
    try execute(
      """
      INSERT INTO users (id, status, result, output_size, output_sha256, findings_size, findings_sha256)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET status = excluded.status, result = excluded.result,
        output_size = excluded.output_size, output_sha256 = excluded.output_sha256,
        findings_size = excluded.findings_size, findings_sha256 = excluded.findings_sha256
      """,
      [result.user, result.status.rawValue, text] + values)
  }

  private func execute(_ sql: String, _ parameters: [String?] = []) throws { try database.execute(sql, parameters) }

  private func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String]] { try database.query(sql, parameters) }

  private func query(_ sql: String, _ parameters: [String?] = [], row: ([String]) throws -> Void) throws {
    try database.query(sql, parameters, row: row)
  }
}
