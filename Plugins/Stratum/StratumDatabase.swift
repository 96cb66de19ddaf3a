import OTPContainers
import OTPCore

/// Stratum's own database (`authenticator.db3` in the app's files, from a rooted Android phone):
/// SQLite with the backup's fields as columns, `authenticator(type, issuer, username, secret,
/// pin, algorithm, digits, period, counter, ranking)` and the categories beside it. Read as a
/// backup, from a private copy with its `-wal` (PhoneDatabase).
enum StratumDatabase {
  /// The table as SQLite keeps the statement Stratum (sqlite-net) made it with, in the file's
  /// schema page, and a column only Stratum's has.
  static let markers = [#"CREATE TABLE "authenticator" ("#, #""ranking" integer"#].map { Array($0.utf8) }

  static func isDatabase(_ bytes: [UInt8]) -> Bool {
    let head = bytes.prefix(64 * 1024)
    return bytes.starts(with: PhoneDatabase.magic) && markers.allSatisfy { head.firstRange(of: $0) != nil }
  }

  static func backup(_ input: InputFile, context: ReadContext) throws -> StratumFormat.Backup {
    try PhoneDatabase.reading(input, name: "authenticator.db3", maximumSize: context.limits.inputBytes) { database in
      guard try database.isTable("authenticator") else {
        throw OTPError.corrupted(file: input.name, place: nil, reason: "not Stratum's database: it has no authenticator table")
      }
      var authenticators: [StratumFormat.Backup.Authenticator] = []
      // A value stored as anything but a whole number ('2abc', 6.9) is -1, which the backup's
      // checks refuse by name, rather than the number SQLite would make of it.
      func number(_ row: PhoneDatabase.Row, _ column: Int32) -> Int? {
        row.isNull(column) ? nil : row.isInteger(column) ? Int(row.integer(column)) : -1
      }
      try database.query(
        "SELECT type, issuer, username, secret, pin, algorithm, digits, period, counter FROM authenticator ORDER BY ranking, rowid"
      ) { row in
        authenticators.append(
          StratumFormat.Backup.Authenticator(
            Type: number(row, 0), Issuer: row.text(1), Username: row.text(2), Secret: row.text(3), Pin: row.text(4),
            Algorithm: number(row, 5), Digits: number(row, 6), Period: number(row, 7),
            Counter: number(row, 8).map(Int64.init)))
      }
      var categories: [StratumFormat.Backup.Category] = []
      var bindings: [StratumFormat.Backup.Binding] = []
      if try database.isTable("category"), try database.isTable("authenticatorcategory") {
        try database.query("SELECT id, name FROM category") { row in
          categories.append(StratumFormat.Backup.Category(Id: row.text(0), Name: row.text(1)))
        }
        try database.query("SELECT categoryId, authenticatorSecret FROM authenticatorcategory ORDER BY ranking, rowid") { row in
          bindings.append(StratumFormat.Backup.Binding(CategoryId: row.text(0), AuthenticatorSecret: row.text(1)))
        }
      }
      return StratumFormat.Backup(Authenticators: authenticators, Categories: categories, AuthenticatorCategories: bindings)
    }
  }
}
