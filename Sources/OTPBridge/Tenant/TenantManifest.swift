import Foundation
import OTPContainers
import OTPCore

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
}

/// The manifest of `otpbridge tenant migrate`, in CSV or JSON (docs/tenant.md).
public struct TenantManifest: Sendable {
  public var path: String
  public var users: [TenantUser]

  /// The CSV header; `user` and `inputs` are required, the rest may be left out or empty.
  public static let csvColumns = [
    "user", "inputs", "password_file", "password_env", "target", "output_password_file", "output_password_env",
  ]

  /// Reads the manifest; JSON when it starts with `{` or `[`, CSV otherwise. A manifest that cannot
  /// be read at all throws; a bad row becomes a user with a `problem`.
  public static func load(_ path: String) throws -> TenantManifest {
    let input = try Files.read(path)
    guard let text = input.text else {
      throw OTPError.corrupted(file: path, place: nil, reason: "the manifest is not UTF-8 text")
    }
    let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
    let users = trimmed.first == "{" || trimmed.first == "[" ? try json(text, path: path) : try csv(text, path: path)
    return TenantManifest(path: path, users: markDuplicates(users))
  }

  static func csv(_ text: String, path: String) throws -> [TenantUser] {
    let rows: [CSV.Row]
    do { rows = try CSV.parse(text) } catch {
      throw OTPError.corrupted(file: path, place: "line \(error.line)", reason: error.message)
    }
    guard let header = rows.first else { return [] }
    let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    guard names.contains("user"), names.contains("inputs") else {
      if let unknown = names.first(where: { !csvColumns.contains($0) }) {
        throw unknownName("column", unknown, known: csvColumns, at: "\(path) line 1")
      }
      throw OTPError.invalidArgument(
        "\(path) line 1: the manifest's header must name the columns user and inputs (docs/tenant.md)")
    }
    if let unknown = names.first(where: { !csvColumns.contains($0) }) {
      throw unknownName("column", unknown, known: csvColumns, at: "\(path) line 1")
    }
    return rows.dropFirst().enumerated().map { offset, row in
      func cell(_ name: String) -> String? {
        guard let column = names.firstIndex(of: name), column < row.cells.count else { return nil }
        let value = row.cells[column].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
      }
      // Several inputs share one cell, separated by semicolons.
      let inputs = (cell("inputs") ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
        !$0.isEmpty
      }
      var user = TenantUser(
        id: cell("user") ?? "line \(row.line)", index: offset + 1, inputs: inputs,
        password: PasswordReference(file: cell("password_file"), environment: cell("password_env")),
        target: cell("target"),
        outputPassword: PasswordReference(file: cell("output_password_file"), environment: cell("output_password_env")))
      user.problem = problem(
        of: user, hasID: cell("user") != nil, place: "line \(row.line)", cells: row.cells.count, expected: names.count)
      return user
    }
  }

  struct JSONUser: Decodable {
    var user: String?
    var inputs: [String]?
    var password: PasswordReference?
    var target: String?
    var outputPassword: PasswordReference?
  }

  struct JSONManifest: Decodable {
    var users: [JSONUser]
  }

  static func json(_ text: String, path: String) throws -> [TenantUser] {
    let data = Data(text.utf8)
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let entries: [JSONUser]
    do {
      if let manifest = try? decoder.decode(JSONManifest.self, from: data) {
        entries = manifest.users
      } else {
        entries = try decoder.decode([JSONUser].self, from: data)
      }
    } catch let error as DecodingError {
      throw OTPError.corrupted(file: path, place: nil, reason: "not a tenant manifest: \(error.summary())")
    }
    // Decoding ignores names it does not know: a misspelt one would leave its value out unseen.
    if let raw = try? JSONSerialization.jsonObject(with: data) {
      let objects = ((raw as? [String: Any])?["users"] as? [Any] ?? raw as? [Any] ?? []).compactMap { $0 as? [String: Any] }
      for (offset, object) in objects.enumerated() {
        for key in object.keys.sorted() where !jsonKeys.contains(key) {
          throw unknownName("member", key, known: jsonKeys, at: "\(path) entry \(offset + 1)")
        }
        for reference in ["password", "output_password", "outputPassword"] {
          guard let inner = object[reference] as? [String: Any] else { continue }
          for key in inner.keys.sorted() where !["file", "environment"].contains(key) {
            throw unknownName("member", key, known: ["file", "environment"], at: "\(path) entry \(offset + 1) \(reference)")
          }
        }
      }
    }
    return entries.enumerated().map { offset, entry in
      var user = TenantUser(
        id: entry.user ?? "entry \(offset + 1)", index: offset + 1, inputs: entry.inputs ?? [],
        password: entry.password ?? PasswordReference(), target: entry.target,
        outputPassword: entry.outputPassword ?? PasswordReference())
      user.problem = problem(of: user, hasID: entry.user != nil, place: "entry \(offset + 1)", cells: 0, expected: 0)
      return user
    }
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

  /// A user id given twice, or two ids that map to the same output folder: the later rows fail.
  static func markDuplicates(_ users: [TenantUser]) -> [TenantUser] {
    var seen: [String: String] = [:]
    return users.map { user in
      var user = user
      let key = TenantPaths.folderName(for: user.id).lowercased()
      if let first = seen[key], user.problem == nil {
        user.problem =
          first == user.id
          ? "the user \(user.id) appears twice in the manifest" : "\(user.id) and \(first) would share one output folder"
      } else if seen[key] == nil {
        seen[key] = user.id
      }
      return user
    }
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
