import Foundation
import OTPContainers
import OTPCore
import OTPJSON
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One user of the tenant: the user id (UPN), the exports to convert, and where their passwords
/// come from. `problem` is set when the row itself is unusable; that user fails, the rest run.
public struct TenantUser: Sendable, Equatable {
  public var id: String
  /// 1-based position in the manifest: the order of every report.
  public var index: Int
  /// Input paths and globs as written, relative to the manifest's folder.
  public var inputs: [String]
  public var password: PasswordReference
  public var target: String?
  public var outputPassword: PasswordReference
  public var problem: String?
  /// The id of an earlier row with this id or output folder: this row fails, and is reported but
  /// never run or recorded in the journal (which holds one row an id).
  public var earlierRow: String?
}

/// The manifest of `otpbridge tenant migrate`, in CSV or JSON (docs/tenant.md). It is read a piece
/// at a time into a private temporary SQLite database (on disk, removed when the manifest is
/// released, even by a kill), so that a run of a million users holds one batch of users in memory,
/// not the manifest: `users(after:limit:)` gives them back in manifest order. A manifest that cannot
/// be read at all throws before any user runs; a bad row becomes a user with a `problem`.
public final class TenantManifest: @unchecked Sendable {
  public let path: String
  /// The users in the manifest (every row, usable or not).
  public private(set) var count = 0
  private let store: TenantDatabase

  /// The CSV header; `user` and `inputs` are required, the rest may be left out or empty.
  public static let csvColumns = [
    "user", "inputs", "password_file", "password_env", "target", "output_password_file", "output_password_env",
  ]

  /// The columns of the temporary database's users table, after `position` and `id`.
  static let storedColumns = [
    "inputs", "password_file", "password_env", "target", "output_password_file", "output_password_env", "problem",
    "earlier_row",
  ]

  /// Rows read before they are stored at once.
  static let batchSize = 2_000

  /// The largest JSON entry: a user's row is a few hundred bytes.
  static let maxEntryBytes = 1 << 20

  private init(path: String) throws {
    self.path = path
    store = try TenantDatabase(file: "", named: "the temporary copy of \(path)")
    // Nothing here needs to survive a crash: a resume reads the manifest again.
    try store.execute("PRAGMA journal_mode=OFF")
    try store.execute("PRAGMA synchronous=OFF")
    try store.execute(
      "CREATE TABLE users (position INTEGER PRIMARY KEY, id TEXT NOT NULL, \(Self.storedColumns.map { "\($0) TEXT" }.joined(separator: ", ")))"
    )
    // The first user of each output folder (the id's folder name, without case).
    try store.execute("CREATE TABLE folders (key TEXT PRIMARY KEY, position INTEGER NOT NULL, id TEXT NOT NULL)")
  }

  /// Reads the manifest; JSON when it starts with `{` or `[`, CSV otherwise.
  public static func load(_ path: String) throws -> TenantManifest {
    let manifest = try TenantManifest(path: path)
    var pending: [TenantUser] = []
    func add(_ user: TenantUser) throws {
      pending.append(user)
      if pending.count >= batchSize { try manifest.store(&pending) }
    }
    let pieces = try ManifestPieces(path: path)
    if pieces.isJSON {
      try json(pieces, path: path, add: add)
    } else {
      try csv(pieces, path: path, add: add)
    }
    try manifest.store(&pending)
    try manifest.store.execute("CREATE INDEX users_id ON users(id)")
    return manifest
  }

  /// Stores `users` (and empties it), marking a user whose id, or whose output folder, an earlier
  /// row has: that later row fails.
  private func store(_ users: inout [TenantUser]) throws {
    guard !users.isEmpty else { return }
    try store.transaction {
      try store.repeating(
        "INSERT OR IGNORE INTO folders (key, position, id) VALUES (?, ?, ?)",
        users.map { [TenantPaths.folderName(for: $0.id).lowercased(), String($0.index), $0.id] })
      var firsts: [(position: Int, id: String)] = []
      try store.repeating(
        "SELECT position, id FROM folders WHERE key = ?", users.map { [TenantPaths.folderName(for: $0.id).lowercased()] }
      ) { row in firsts.append((Int(row[0]) ?? 0, row[1])) }
      for (offset, first) in firsts.enumerated() where first.position != users[offset].index {
        let user = users[offset]
        users[offset].earlierRow = first.id
        users[offset].problem =
          user.problem
          ?? (first.id == user.id
            ? "the user \(user.id) appears twice in the manifest" : "\(user.id) and \(first.id) would share one output folder")
      }
      try store.repeating(
        "INSERT INTO users (position, id, \(Self.storedColumns.joined(separator: ", "))) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        users.map { user in
          var inputs: [UInt8] = []
          inputs.append(UInt8(ascii: "["))
          for (offset, input) in user.inputs.enumerated() {
            if offset > 0 { inputs.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(input, to: &inputs)
          }
          inputs.append(UInt8(ascii: "]"))
          return [
            String(user.index), user.id, String(decoding: inputs, as: UTF8.self), user.password.file, user.password.environment,
            user.target, user.outputPassword.file, user.outputPassword.environment, user.problem, user.earlierRow,
          ]
        })
    }
    count += users.count
    users.removeAll(keepingCapacity: true)
  }

  /// Up to `limit` users after the `position`-th (0: from the first), in manifest order.
  public func users(after position: Int, limit: Int) throws -> [TenantUser] {
    var users: [TenantUser] = []
    let sql =
      "SELECT position, id, \(Self.storedColumns.joined(separator: ", ")) FROM users WHERE position > ? ORDER BY position LIMIT ?"
    try store.query(sql, [String(position), String(limit)]) { row in
      func value(_ column: Int) -> String? { row[column].isEmpty ? nil : row[column] }
      guard let inputs = try? JSONTapeDecoder().decode([String].self, from: Array(row[2].utf8)) else {
        throw OTPError.corrupted(
          file: path, place: "row \(row[0])", reason: "its inputs did not come back from the temporary copy")
      }
      users.append(
        TenantUser(
          id: row[1], index: Int(row[0]) ?? 0, inputs: inputs,
          password: PasswordReference(file: value(3), environment: value(4)), target: value(5),
          outputPassword: PasswordReference(file: value(6), environment: value(7)), problem: value(8),
          earlierRow: value(9)))
    }
    return users
  }

  /// Every user, in manifest order, a batch at a time.
  public func forEachUser(_ body: (TenantUser) throws -> Void) throws {
    var position = 0
    while true {
      let batch = try users(after: position, limit: Self.batchSize)
      guard let last = batch.last else { return }
      try batch.forEach(body)
      position = last.index
    }
  }

  /// Every user at once: for a small manifest (tests, examples).
  public var users: [TenantUser] {
    get throws {
      var all: [TenantUser] = []
      try forEachUser { all.append($0) }
      return all
    }
  }

  /// Every user's id, in manifest order, and whether the row repeats an earlier one (`earlierRow`).
  public func forEachID(_ body: (_ id: String, _ repeated: Bool) throws -> Void) throws {
    try store.query("SELECT id, earlier_row IS NOT NULL FROM users ORDER BY position") { try body($0[0], $0[1] == "1") }
  }

  /// Whether a user of the manifest has this id.
  public func contains(id: String) throws -> Bool {
    try !store.query("SELECT 1 FROM users WHERE id = ? LIMIT 1", [id]).isEmpty
  }

  static func csv(_ pieces: ManifestPieces, path: String, add: (TenantUser) throws -> Void) throws {
    var parser = CSV.Parser()
    var names: [String]?
    var index = 0
    func take(_ rows: [CSV.Row]) throws {
      for row in rows {
        guard let names else {
          names = try header(row, path: path)
          continue
        }
        index += 1
        try add(user(row, names: names, index: index))
      }
    }
    try pieces.forEachPiece(endingAtLines: true) { piece in
      guard let text = String(validating: piece, as: UTF8.self) else {
        throw OTPError.corrupted(
          file: path, place: "line \(parser.currentLine)", reason: "the manifest is not UTF-8 text (from here on)")
      }
      var rows: [CSV.Row] = []
      do throws(CSV.Problem) { try parser.feed(Substring(text)) { rows.append($0) } } catch {
        throw OTPError.corrupted(file: path, place: "line \(error.line)", reason: error.message)
      }
      try take(rows)
    }
    var rows: [CSV.Row] = []
    do throws(CSV.Problem) { try parser.finish { rows.append($0) } } catch {
      throw OTPError.corrupted(file: path, place: "line \(error.line)", reason: error.message)
    }
    try take(rows)
  }

  /// The header's column names; `user` and `inputs` must be there, and no name otpbridge does not know.
  static func header(_ row: CSV.Row, path: String) throws -> [String] {
    let names = row.cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    if let unknown = names.first(where: { !csvColumns.contains($0) }) {
      throw unknownName("column", unknown, known: csvColumns, at: "\(path) line \(row.line)")
    }
    guard names.contains("user"), names.contains("inputs") else {
      throw OTPError.invalidArgument(
        "\(path) line \(row.line): the manifest's header must name the columns user and inputs (docs/tenant.md)")
    }
    return names
  }

  static func user(_ row: CSV.Row, names: [String], index: Int) -> TenantUser {
    func cell(_ name: String) -> String? {
      guard let column = names.firstIndex(of: name), column < row.cells.count else { return nil }
      let value = row.cells[column].trimmingCharacters(in: .whitespaces)
      return value.isEmpty ? nil : value
    }
    // Several inputs share one cell, separated by semicolons.
    let inputs = (cell("inputs") ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
      !$0.isEmpty
    }
    var user = TenantUser(
      id: cell("user") ?? "line \(row.line)", index: index, inputs: inputs,
      password: PasswordReference(file: cell("password_file"), environment: cell("password_env")),
      target: cell("target"),
      outputPassword: PasswordReference(file: cell("output_password_file"), environment: cell("output_password_env")))
    user.problem = problem(
      of: user, hasID: cell("user") != nil, place: "line \(row.line)", cells: row.cells.count, expected: names.count)
    return user
  }

  struct JSONUser: Decodable {
    var user: String?
    var inputs: [String]?
    var password: PasswordReference?
    var target: String?
    var outputPassword: PasswordReference?
  }

  /// `{"users": [...]}` or the list alone, an entry at a time.
  static func json(_ pieces: ManifestPieces, path: String, add: (TenantUser) throws -> Void) throws {
    var splitter = JSONListSplitter(member: "users", maxElementBytes: maxEntryBytes)
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    var index = 0
    func take(_ event: JSONListSplitter.Event) throws {
      switch event {
      case .otherMember(let name, let line):
        throw unknownName("member", name, known: ["users"], at: "\(path) line \(line)")
      case .element(let bytes, let line):
        index += 1
        try add(try entry(bytes, index: index, line: line, path: path, decoder: decoder))
      }
    }
    try pieces.forEachPiece(endingAtLines: false) { piece in
      var events: [JSONListSplitter.Event] = []
      do throws(JSONListSplitter.Problem) { try splitter.feed(piece) { events.append($0) } } catch {
        throw OTPError.corrupted(file: path, place: "line \(error.line)", reason: "not a tenant manifest: \(error.message)")
      }
      try events.forEach(take)
    }
    do throws(JSONListSplitter.Problem) { try splitter.finish() } catch {
      throw OTPError.corrupted(file: path, place: "line \(error.line)", reason: "not a tenant manifest: \(error.message)")
    }
  }

  /// One entry of a JSON manifest.
  static func entry(_ bytes: [UInt8], index: Int, line: Int, path: String, decoder: JSONDecoder) throws -> TenantUser {
    let data = Data(bytes)
    let entry: JSONUser
    do {
      entry = try decoder.decode(JSONUser.self, from: data)
    } catch let error as DecodingError {
      throw OTPError.corrupted(
        file: path, place: "entry \(index) (line \(line))", reason: "not a tenant manifest entry: \(error.summary())")
    }
    // Decoding ignores names it does not know: a misspelt one would leave its value out unseen.
    if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
      for key in object.keys.sorted() where !jsonKeys.contains(key) {
        throw unknownName("member", key, known: jsonKeys, at: "\(path) entry \(index)")
      }
      for reference in ["password", "output_password", "outputPassword"] {
        guard let inner = object[reference] as? [String: Any] else { continue }
        for key in inner.keys.sorted() where !["file", "environment"].contains(key) {
          throw unknownName("member", key, known: ["file", "environment"], at: "\(path) entry \(index) \(reference)")
        }
      }
    }
    var user = TenantUser(
      id: entry.user ?? "entry \(index)", index: index, inputs: entry.inputs ?? [],
      password: entry.password ?? PasswordReference(), target: entry.target,
      outputPassword: entry.outputPassword ?? PasswordReference())
    user.problem = problem(of: user, hasID: entry.user != nil, place: "entry \(index)", cells: 0, expected: 0)
    return user
  }

  /// The members a JSON manifest's user may have, in either spelling the decoder takes.
  static let jsonKeys = ["user", "inputs", "password", "target", "output_password", "outputPassword"]

  /// A column or member the manifest does not define, with the closest one if it looks like a typo.
  static func unknownName(_ noun: String, _ name: String, known: [String], at place: String) -> OTPError {
    let shown = String(name.prefix(40)).escapedForTerminal()
    let suggestion = Spelling.closest(to: name, among: known).map { " Did you mean '\($0)'?" } ?? ""
    return OTPError.invalidArgument(
      "\(place): the manifest has an unknown \(noun) '\(shown)'.\(suggestion) The \(noun)s are \(known.joined(separator: ", ")) (docs/tenant.md)."
    )
  }

  static func problem(of user: TenantUser, hasID: Bool, place: String, cells: Int, expected: Int) -> String? {
    if !hasID { return "manifest \(place): no user id" }
    if cells > expected { return "manifest \(place): \(cells) cells, but the header names \(expected) columns" }
    if user.inputs.isEmpty { return "manifest \(place): no input files" }
    if user.password.file != nil && user.password.environment != nil {
      return "manifest \(place): give the password as a file or an environment variable, not both"
    }
    if user.outputPassword.file != nil && user.outputPassword.environment != nil {
      return "manifest \(place): give the output password as a file or an environment variable, not both"
    }
    return nil
  }

  /// The input files of `user`: each path relative to the manifest's folder, globs expanded
  /// (sorted). A pattern that matches nothing is an error for that user.
  public func inputFiles(of user: TenantUser) throws -> [String] {
    let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
    return try user.inputs.flatMap { pattern -> [String] in
      let absolute = pattern.hasPrefix("/") ? pattern : "\(base)/\(pattern)"
      let matches = Self.glob(absolute)
      guard !matches.isEmpty else {
        throw OTPError.cannotOpen(file: pattern, reason: "no such file (nothing matches)")
      }
      return matches
    }
  }

  /// A password reference with its file made absolute against the manifest's folder.
  func resolved(_ reference: PasswordReference) -> PasswordReference {
    guard let file = reference.file, !file.hasPrefix("/") else { return reference }
    let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
    return PasswordReference(file: "\(base)/\(file)", environment: nil)
  }

  static func glob(_ pattern: String) -> [String] {
    var result = glob_t()
    defer { globfree(&result) }
    #if canImport(Glibc)
      guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
    #else
      guard Darwin.glob(pattern, 0, nil, &result) == 0 else { return [] }
    #endif
    return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
  }
}

/// Where a user's outputs go inside the output folder.
public enum TenantPaths {
  /// The user id with anything but letters, digits, `.`, `_`, `-` and `@` replaced by `_`.
  public static func folderName(for id: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
    let name = String(id.map { allowed.contains($0) ? $0 : "_" })
    return name.hasPrefix(".") ? "_" + name.dropFirst() : name
  }
}

/// A manifest read front to back in pieces of about a MiB, so that none is held whole. A manifest
/// saved as UTF-16 (PowerShell's `>`) is the exception: it is read whole, within the input limit,
/// and converted, as every input is (Files.read).
final class ManifestPieces {
  let path: String
  /// Whether the text starts with `{` or `[` (after a byte-order mark and spaces).
  let isJSON: Bool
  private var first: [UInt8]
  private var descriptor: Int32?

  static let pieceSize = 1 << 20

  init(path: String) throws {
    self.path = path
    var status = stat()
    if !Files.isStandardInput(path) {
      guard stat(path, &status) == 0 else { throw OTPError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
      if (status.st_mode & S_IFMT) == S_IFDIR { throw OTPError.cannotOpen(file: path, reason: "it is a folder, not a file") }
    }
    let stream = try Files.openStream(path, reader: "the manifest")
    guard stream >= 0 else { throw OTPError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
    var head: [UInt8]
    do { head = try Self.read(stream, path: path, upTo: Self.pieceSize) } catch {
      close(stream)
      throw error
    }
    if UTF16Text.encoding(of: head) != nil {
      // readStream closes the descriptor.
      guard let rest = try Files.readStream(stream, name: path, maximumSize: Files.maximumInputSize - head.count) else {
        throw OTPError.cannotOpen(file: path, reason: Files.tooLarge(Files.maximumInputSize))
      }
      let whole = head + rest
      head = UTF16Text.decode(whole).map { Array($0.utf8) } ?? whole
      descriptor = nil
    } else {
      descriptor = stream
    }
    // A UTF-8 byte-order mark (Notepad, PowerShell 5) is not part of the text.
    if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
    first = head
    let start = head.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
    isJSON = start == UInt8(ascii: "{") || start == UInt8(ascii: "[")
  }

  deinit {
    if let descriptor { close(descriptor) }
  }

  /// Up to `count` bytes from the file (fewer only at its end).
  private static func read(_ descriptor: Int32?, path: String, upTo count: Int) throws -> [UInt8] {
    guard let descriptor else { return [] }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let got: Int
      do {
        got = try bytes.withUnsafeMutableBytes { buffer in
          try FileDescriptor(rawValue: descriptor).read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        }
      } catch {
        throw OTPError.cannotOpen(file: path, reason: String(cString: strerror((error as? Errno)?.rawValue ?? EIO)))
      }
      if got == 0 { break }
      filled += got
    }
    bytes.removeSubrange(filled...)
    return bytes
  }

  /// The longest text without a line end: a row is a few hundred bytes.
  static let longestLine = 8 << 20

  /// The pieces in order, once; with `endingAtLines`, each piece but the last ends with a line feed
  /// (a line longer than a piece makes a longer piece), or, in a text with no line feed in
  /// `longestLine` bytes (old Macs' CR line ends), with a carriage return.
  func forEachPiece(endingAtLines: Bool, _ body: ([UInt8]) throws -> Void) throws {
    var carried = first
    first = []
    while true {
      let more = try Self.read(descriptor, path: path, upTo: Self.pieceSize)
      if more.isEmpty {
        if !carried.isEmpty { try body(carried) }
        return
      }
      carried += more
      guard endingAtLines else {
        try body(carried)
        carried = []
        continue
      }
      let lastCR = carried.count > Self.longestLine ? carried.lastIndex(of: 0x0D) : nil
      guard let lastLineEnd = carried.lastIndex(of: 0x0A) ?? lastCR else {
        guard carried.count <= Self.longestLine else {
          throw OTPError.corrupted(
            file: path, place: nil, reason: "a line longer than \(Self.longestLine >> 20) MiB: not a manifest")
        }
        continue
      }
      try body(Array(carried[...lastLineEnd]))
      carried.removeSubrange(...lastLineEnd)
    }
  }
}
