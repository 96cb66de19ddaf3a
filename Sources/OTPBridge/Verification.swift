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

  /// What became of one source account.
  public enum SourceResult: String, Sendable, Codable {
    /// Paired with a converted account of the same kind, secret and code settings: the same codes.
    case sameSettings = "same-settings"
    /// Paired, and the codes computed at every instant agree.
    case sameCodes = "same-codes"
    case differs
    case missing
  }

  public var matched: Int
  public var problems: [Problem]
  /// Each source account's result, in source order.
  public var sourceResults: [SourceResult]
  public var instantsChecked: [Int64]
  /// The pairs whose codes were computed; the other matched pairs have the same values codes are
  /// made from.
  public var codesComputed: Int

  public var passed: Bool { problems.isEmpty }

  /// The instants every TOTP pair is compared at: now, the step after, and fixed points that
  /// separate periods and digit counts that agree by chance.
  public static func instants(now: Int64) -> [Int64] {
    var seen: Set<Int64> = []
    // Each once, in this order, when now is one of the fixed points (`verify --at 59`).
    return [now, now + 30, now + 60, 59, 1_111_111_109, 1_234_567_890, 2_000_000_000].filter { seen.insert($0).inserted }
  }

  /// Pairs each source account with a converted one, by secret first and then by issuer and name,
  /// and compares their codes at `instants` (HOTP: at the stored counter and the next two). With
  /// `trustingEqualValues`, a pair with the same kind, secret, algorithm, digits, period or
  /// counter and PIN is taken as giving the same codes (codes are made from those alone) without
  /// computing them; `codesComputed` counts the pairs whose codes were computed. Codes are
  /// computed on every core for a long list; problems come in source order either way.
  public static func compare(
    source: [Account], converted: [Account], instants: [Int64], pairing known: Pairing? = nil,
    trustingEqualValues: Bool = false
  ) -> Verification {
    let pairing = known ?? Pairing(source: source, converted: converted)
    let chunks = Parallel.chunks(of: source.count, size: 16_384)
    let checked = Parallel.map(chunks, workers: source.count < 32_768 ? 1 : Parallel.cores) { chunk in
      var problems: [Problem] = []
      var results: [SourceResult] = []
      results.reserveCapacity(chunk.count)
      var computed = 0
      for sourceIndex in chunk {
        guard let convertedIndex = pairing.pairs[sourceIndex] else {
          problems.append(.missing(source[sourceIndex]))
          results.append(.missing)
          continue
        }
        // The accounts are used in place: copying one is a dozen reference counts.
        if trustingEqualValues, sameCodeParameters(source[sourceIndex], converted[convertedIndex]) {
          results.append(.sameSettings)
          continue
        }
        computed += 1
        if let problem = compareCodes(source[sourceIndex], converted[convertedIndex], instants: instants) {
          problems.append(problem)
          results.append(.differs)
        } else {
          results.append(.sameCodes)
        }
      }
      return (problems, computed, results)
    }
    let problems = checked.flatMap(\.0) + pairing.unpaired.map { .unexpected(converted[$0]) }
    return Verification(
      matched: pairing.pairs.count { $0 != nil }, problems: problems, sourceResults: checked.flatMap(\.2),
      instantsChecked: instants, codesComputed: checked.reduce(0) { $0 + $1.1 })
  }

  /// Which converted account each source account became: one of the same kind and secret,
  /// preferring the same issuer and name, each used once. Linear in the accounts whatever they
  /// share: a file of 100,000 accounts with one secret costs what 100,000 distinct ones do.
  public struct Pairing: Sendable {
    /// For each source account, the index of its converted account, or nil when none is left.
    public var pairs: [Int?]
    /// Converted accounts no source account took, in order.
    public var unpaired: [Int]

    struct SameCodes: Hashable {
      var kind: OTPKind
      var secret: Secret
    }

    struct SameNames: Hashable {
      var codes: SameCodes
      var issuer: String
      var name: String
    }

    /// Indices in order, taken from the front; an index already taken elsewhere is skipped.
    struct Queue {
      var indices: [Int] = []
      var next = 0

      mutating func take(unless taken: [Bool]) -> Int? {
        while next < indices.count {
          defer { next += 1 }
          if !taken[indices[next]] { return indices[next] }
        }
        return nil
      }
    }

    public init(source: [Account], converted: [Account]) {
      // A writer keeps the order, so the usual read-back pairs each account with the one at its
      // own place; taking first the same secret and names, greedily, gives exactly that then.
      if source.count == converted.count,
        source.indices.allSatisfy({
          source[$0].kind == converted[$0].kind && source[$0].secret == converted[$0].secret
            && source[$0].issuer == converted[$0].issuer && source[$0].name == converted[$0].name
        })
      {
        pairs = source.indices.map { Optional($0) }
        unpaired = []
        return
      }
      var bySecret: [SameCodes: Queue] = [:]
      var byName: [SameNames: Queue] = [:]
      for (index, account) in converted.enumerated() {
        let codes = SameCodes(kind: account.kind, secret: account.secret)
        bySecret[codes, default: Queue()].indices.append(index)
        byName[SameNames(codes: codes, issuer: account.issuer, name: account.name), default: Queue()].indices.append(index)
      }
      var taken = [Bool](repeating: false, count: converted.count)
      pairs = source.map { account in
        let codes = SameCodes(kind: account.kind, secret: account.secret)
        let names = SameNames(codes: codes, issuer: account.issuer, name: account.name)
        guard let index = byName[names]?.take(unless: taken) ?? bySecret[codes]?.take(unless: taken) else { return nil }
        taken[index] = true
        return index
      }
      unpaired = converted.indices.filter { !taken[$0] }
    }
  }

  static func compareCodes(_ expected: Account, _ actual: Account, instants: [Int64]) -> Problem? {
    do {
      // Each side's key is set up once for all its codes.
      let expectedCodes = try CodeGenerator.Keyed(expected), actualCodes = try CodeGenerator.Keyed(actual)
      if expected.kind.isCounterBased {
        for step in UInt64(0)...2 {
          let a = try expectedCodes.code(counter: expected.counter &+ step)
          let b = try actualCodes.code(counter: actual.counter &+ step)
          if a != b {
            return .differs(actual, at: "at counter \(expected.counter &+ step)")
          }
        }
      } else {
        for instant in instants {
          let a = try expectedCodes.code(at: instant)
          let b = try actualCodes.code(at: instant)
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
