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
  public var microsoft: [AuditFinding]
  /// How many audit findings there were, by severity label.
  public var findings: [String: Int]

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

  public init(_ results: [TenantUserResult]) {
    let done = results.filter { $0.status == .done }
    users = results.count
    self.done = done.count
    failed = results.count - done.count
    withLosses = done.filter { $0.losses > 0 }.count
    microsoftReenrol = results.filter { !$0.microsoft.isEmpty }.count
    accountsRead = results.map(\.accounts).reduce(0, +)
    accountsMoved = results.map(\.moved).reduce(0, +)
    changed = results.map(\.changed).reduce(0, +)
    dropped = results.map(\.dropped).reduce(0, +)
    unreadable = results.map(\.unreadable).reduce(0, +)
  }
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
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
  public var summaryText: String {
    let s = summary
    var lines = [
      "Users: \(s.done) of \(s.users) done, \(s.failed) failed; \(s.withLosses) done with losses; \(s.microsoftReenrol) must re-enrol Microsoft accounts.",
      "Accounts: \(s.accountsMoved) of \(s.accountsRead) moved; \(s.changed) changed, \(s.dropped) dropped, \(s.unreadable) unreadable.",
    ]
    for user in failedUsers {
      lines.append("FAILED  \(user.user): \(user.reason ?? "")")
    }
    return lines.joined(separator: "\n")
  }
}
