import Foundation
import OTPCore

/// What happened to one user. Never a secret or a password: reasons are `OTPError` messages,
/// findings are the audit's (docs/audit.md).
public struct TenantUserResult: Sendable, Codable, Equatable {
  public enum Status: String, Sendable, Codable {
    case done, failed
  }

  public var user: String
  public var index: Int
  public var status: Status
  /// Why the user failed.
  public var reason: String?
  public var target: String?
  /// The converted file, relative to the output folder.
  public var output: String?
  /// The input files read, as found.
  public var inputs: [String]
  /// Accounts read from the inputs.
  public var accounts: Int
  /// Accounts written to the converted file.
  public var moved: Int
  /// Accounts changed on the way (their codes may differ), dropped, and entries that could not be read.
  public var changed: Int
  public var dropped: Int
  public var unreadable: Int
  /// The audit findings (warnings and errors) about Microsoft entries that cannot move as they
  /// are: the user must enrol those accounts again. A portable Microsoft TOTP (info) is not listed.
  public var microsoft: [FindingJSON]
  /// How many audit findings there were, by severity label.
  public var findings: [String: Int]
  /// Something the admin should know about this user's run, e.g. that a resume converted the
  /// user again because its output had changed since the run that recorded it.
  public var note: String? = nil
  /// For a done user: whether the converted file is encrypted. A plain file holds every secret
  /// in clear text (no output password given, or a format that cannot be encrypted).
  public var encrypted: Bool? = nil
  /// Of the unreadable entries, the Microsoft ones the user must enrol again in the new app
  /// (nil in reports of versions before it).
  public var reenrol: Int? = nil

  public var losses: Int { changed + dropped + unreadable }

  static func failed(_ user: TenantUser, reason: String, target: String?, inputs: [String] = []) -> TenantUserResult {
    TenantUserResult(
      user: user.id, index: user.index, status: .failed, reason: reason, target: target, output: nil, inputs: inputs,
      accounts: 0, moved: 0, changed: 0, dropped: 0, unreadable: 0, microsoft: [], findings: [:])
  }
}

public struct TenantSummary: Sendable, Codable, Equatable {
  public var users: Int
  public var done: Int
  public var failed: Int
  /// Done users with at least one account changed, dropped or unreadable.
  public var withLosses: Int
  /// Users with Microsoft accounts to re-enrol.
  public var microsoftReenrol: Int
  public var accountsRead: Int
  public var accountsMoved: Int
  public var changed: Int
  public var dropped: Int
  public var unreadable: Int
  /// Done users whose converted file is not encrypted; nil in reports of versions before it.
  public var plaintextOutputs: Int?
  /// Microsoft entries to enrol again (counted in `unreadable` too); nil in older reports.
  public var reenrol: Int?

  /// Accounts written exactly as they were read.
  public var movedUnchanged: Int { accountsMoved - changed }
  /// Accounts lost: dropped by the target, or entries that could not be read and are no
  /// Microsoft entry to enrol again.
  public var lost: Int { dropped + unreadable - (reenrol ?? 0) }

  public init(_ results: [TenantUserResult] = []) {
    plaintextOutputs = 0
    reenrol = 0
    (users, done, failed, withLosses, microsoftReenrol) = (0, 0, 0, 0, 0)
    (accountsRead, accountsMoved, changed, dropped, unreadable) = (0, 0, 0, 0, 0)
    results.forEach { add($0) }
  }

  /// Counts one more user.
  public mutating func add(_ result: TenantUserResult) {
    users += 1
    if result.status == .done {
      done += 1
      if result.encrypted == false { plaintextOutputs = (plaintextOutputs ?? 0) + 1 }
      if result.losses > 0 { withLosses += 1 }
    } else {
      failed += 1
    }
    if !result.microsoft.isEmpty { microsoftReenrol += 1 }
    accountsRead += result.accounts
    accountsMoved += result.moved
    changed += result.changed
    dropped += result.dropped
    unreadable += result.unreadable
    reenrol = (reenrol ?? 0) + (result.reenrol ?? 0)
  }

  /// The summary as a few lines for the terminal, then a line per failed user.
  /// The summary for a person; with `warningsOnly` (--quiet), only the lines that warn: users
  /// who failed, plaintext outputs, Microsoft accounts to re-enrol.
  public func text(failedUsers: [TenantUserResult], warningsOnly: Bool = false) -> String {
    var lines =
      warningsOnly
      ? []
      : [
        "Users: \(done) of \(users) done, \(failed) failed; \(withLosses) done with losses; \(microsoftReenrol) must re-enrol Microsoft accounts.",
        "Accounts: \(movedUnchanged) moved as they were, \(changed) changed (their codes may differ), \(lost) lost (dropped or unreadable), \(reenrol ?? 0) Microsoft to re-enrol; \(accountsRead) read.",
      ]
    if microsoftReenrol > 0 {
      lines.append(
        "Microsoft: the users who must re-enrol, and what to tell them, are in report.html (\"Users who must re-enrol Microsoft accounts\")."
      )
    }
    if let plaintextOutputs, plaintextOutputs > 0 {
      lines.append(
        "NOT ENCRYPTED: \(plaintextOutputs) user(s)' converted files hold their secrets in plain text; give output_password_file or output_password_env to encrypt them (docs/tenant.md)."
      )
    }
    for user in failedUsers {
      lines.append("FAILED  \(user.user.escapedForTerminal()): \((user.reason ?? "").escapedForTerminal())")
    }
    if failed > failedUsers.count {
      lines.append("... and \(failed - failedUsers.count) more failed users: report.json and report.html list them all.")
    }
    return lines.joined(separator: "\n")
  }
}

/// The results of a tenant's users in manifest order, walked as many times as a report needs:
/// from memory (a merge) or from the journal one row at a time (a run of any size).
public struct TenantUserResults: Sendable {
  let walk: @Sendable (_ body: (TenantUserResult) throws -> Void) throws -> Void

  public init(walk: @escaping @Sendable (_ body: (TenantUserResult) throws -> Void) throws -> Void) {
    self.walk = walk
  }

  public init(_ users: [TenantUserResult]) {
    walk = { body in try users.forEach(body) }
  }

  public func forEach(_ body: (TenantUserResult) throws -> Void) throws {
    try walk(body)
  }
}

/// What a tenant run returns: its summary and the users that failed (the reports hold the rest).
public struct TenantRunSummary: Sendable {
  public var summary: TenantSummary
  /// The first failed users (at most `failedUsersShown`), for the terminal.
  public var failedUsers: [TenantUserResult]

  /// How many failed users a run lists on the terminal.
  public static let failedUsersShown = 100

  public var summaryText: String { summary.text(failedUsers: failedUsers) }
  public var warningsText: String { summary.text(failedUsers: failedUsers, warningsOnly: true) }
}

/// The tenant report (docs/tenant.md): `report.json` in the output folder, and what
/// `otpbridge tenant merge` combines.
public struct TenantReport: Sendable, Codable, Equatable {
  public var version = 1
  /// The shards this report covers, as "I/N"; empty for a whole tenant.
  public var shards: [String]
  public var summary: TenantSummary
  public var users: [TenantUserResult]

  public init(shards: [String], users: [TenantUserResult]) {
    self.shards = shards
    self.users = users
    self.summary = TenantSummary(users)
  }

  public var failedUsers: [TenantUserResult] { users.filter { $0.status == .failed } }

  public func json() throws -> [UInt8] {
    var bytes: [UInt8] = []
    try Self.writeJSON(shards: shards, summary: summary, users: TenantUserResults(users)) { bytes += $0 }
    return bytes
  }

  /// report.json from its parts, a user at a time: the layout of JSONEncoder's pretty, sorted
  /// output of the whole report, without building it in memory.
  public static func writeJSON(
    shards: [String], summary: TenantSummary, users: TenantUserResults, append: ([UInt8]) throws -> Void
  ) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    /// A value's pretty JSON, its lines after the first indented by `spaces` to sit at its depth
    /// (the blank line JSONEncoder puts in an empty array or object stays blank).
    func nested(_ value: some Encodable, spaces: Int) throws -> [UInt8] {
      let indent = [UInt8](repeating: UInt8(ascii: " "), count: spaces)
      let encoded = Array(try encoder.encode(value))
      var bytes: [UInt8] = []
      for (index, byte) in encoded.enumerated() {
        bytes.append(byte)
        if byte == UInt8(ascii: "\n"), encoded[index + 1] != UInt8(ascii: "\n") { bytes += indent }
      }
      return bytes
    }
    try append(Array("{\n  \"shards\" : ".utf8) + nested(shards, spaces: 2))
    try append(Array(",\n  \"summary\" : ".utf8) + nested(summary, spaces: 2) + Array(",\n  \"users\" : [".utf8))
    var first = true
    try users.forEach { user in
      try append(Array((first ? "\n    " : ",\n    ").utf8) + nested(user, spaces: 4))
      first = false
    }
    try append(Array((first ? "\n\n  ],\n" : "\n  ],\n").utf8) + Array("  \"version\" : 1\n}\n".utf8))
  }

  public static func load(_ path: String) throws -> TenantReport {
    let input = try Files.read(path)
    do {
      return try JSONDecoder().decode(TenantReport.self, from: Data(input.bytes))
    } catch let error as DecodingError {
      throw OTPError.corrupted(file: path, place: nil, reason: "not a tenant report: \(error.summary())")
    }
  }

  /// Several shard reports as one: users in manifest order. A user in two reports is an error
  /// (the shards overlap, or one report was given twice).
  public static func merge(_ reports: [(path: String, report: TenantReport)]) throws -> TenantReport {
    var owner: [String: String] = [:]
    var users: [TenantUserResult] = []
    for (path, report) in reports {
      for user in report.users {
        if let first = owner[user.user] {
          throw OTPError.invalidArgument("the user \(user.user) is in both \(first) and \(path): do the shards overlap?")
        }
        owner[user.user] = path
        users.append(user)
      }
    }
    let shards = reports.flatMap(\.report.shards).sorted()
    return TenantReport(shards: shards, users: users.sorted { ($0.index, $0.user) < ($1.index, $1.user) })
  }

  /// The summary as a few lines for the terminal.
  public var summaryText: String { summary.text(failedUsers: failedUsers) }
  public var warningsText: String { summary.text(failedUsers: failedUsers, warningsOnly: true) }
}
