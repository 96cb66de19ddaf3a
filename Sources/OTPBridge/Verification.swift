import Foundation
import OTPCore

/// Compares the accounts of two files by their codes: the check that a conversion really kept
/// what matters.
public struct Verification: Sendable {
  public enum Problem: Sendable, Hashable, CustomStringConvertible {
    /// In the source but not in the converted file.
    case missing(Account)
    /// In the converted file but in no source.
    case unexpected(Account)
    /// Matched, but a code differs; `at` says when ("at 1234567890", "counter 5").
    case differs(Account, at: String)

    public var description: String {
      switch self {
      case .missing(let account):
        return "\(account.origin): \(account.displayName): missing from the converted file"
      case .unexpected(let account):
        return "\(account.origin): \(account.displayName): not in the source"
      case .differs(let account, let at):
        return "\(account.origin): \(account.displayName): codes differ \(at)"
      }
    }
  }

  public var matched: Int
  public var problems: [Problem]
  public var instantsChecked: [Int64]

  public var passed: Bool { problems.isEmpty }

  /// The instants every TOTP pair is compared at: now, the step after, and fixed points that
  /// separate periods and digit counts that agree by chance.
  public static func instants(now: Int64) -> [Int64] {
    [now, now + 30, now + 60, 59, 1_111_111_109, 1_234_567_890, 2_000_000_000]
  }

  /// Pairs each source account with a converted one, by secret first and then by issuer and name,
  /// and compares their codes at `instants` (HOTP: at the stored counter and the next two).
  public static func compare(source: [Account], converted: [Account], instants: [Int64]) -> Verification {
    // Converted accounts by secret, so matching stays linear for large exports.
    var bySecret: [Secret: [Int]] = [:]
    for index in converted.indices { bySecret[converted[index].secret, default: []].append(index) }
    var used = Set<Int>()
    var matched = 0
    var problems: [Problem] = []
    for account in source {
      let candidates = (bySecret[account.secret] ?? []).filter { !used.contains($0) && converted[$0].kind == account.kind }
      let index =
        candidates.first { converted[$0].issuer == account.issuer && converted[$0].name == account.name }
        ?? candidates.first
      guard let index else {
        problems.append(.missing(account))
        continue
      }
      used.insert(index)
      matched += 1
      if let problem = compareCodes(account, converted[index], instants: instants) {
        problems.append(problem)
      }
    }
    problems += converted.indices.filter { !used.contains($0) }.map { .unexpected(converted[$0]) }
    return Verification(matched: matched, problems: problems, instantsChecked: instants)
  }

  static func compareCodes(_ expected: Account, _ actual: Account, instants: [Int64]) -> Problem? {
    do {
      if expected.kind.isCounterBased {
        for step in UInt64(0)...2 {
          let a = try CodeGenerator.code(for: expected, counter: expected.counter &+ step)
          let b = try CodeGenerator.code(for: actual, counter: actual.counter &+ step)
          if a != b {
            return .differs(actual, at: "at counter \(expected.counter &+ step)")
          }
        }
      } else {
        for instant in instants {
          let a = try CodeGenerator.code(for: expected, at: instant)
          let b = try CodeGenerator.code(for: actual, at: instant)
          if a != b { return .differs(actual, at: "at \(instant)") }
        }
      }
    } catch {
      // No code to compute (Yandex, an mOTP without its PIN): compare what codes depend on.
      return sameCodeParameters(expected, actual) ? nil : .differs(actual, at: "in the values codes depend on")
    }
    return nil
  }

  static func sameCodeParameters(_ a: Account, _ b: Account) -> Bool {
    a.kind == b.kind && a.secret == b.secret && a.algorithm == b.algorithm && a.digits == b.digits
      && a.pin == b.pin && (a.kind.isCounterBased ? a.counter == b.counter : a.period == b.period)
  }
}
