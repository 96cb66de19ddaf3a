import Foundation
import OTPCore

/// The third-party export files in ../shared/vectors and the expectations their EXPECTED.md files
/// list, read straight from there so that our reader and writer cannot agree on a mistake.
public enum Vectors {
  /// The package's root folder.
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// ../shared/vectors beside the clone, or $OTPBRIDGE_VECTORS.
  public static let root: URL = {
    if let override = ProcessInfo.processInfo.environment["OTPBRIDGE_VECTORS"] {
      return URL(fileURLWithPath: override)
    }
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors")
  }()

  public static func path(_ relative: String) -> String {
    root.appendingPathComponent(relative).path
  }

  public static func input(_ relative: String) throws -> InputFile {
    let path = path(relative)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw VectorMissing(path: path)
    }
    return InputFile(name: relative, bytes: Array(data))
  }

  public static func text(_ relative: String) throws -> String {
    String(decoding: try input(relative).bytes, as: UTF8.self)
  }

  /// The rows of every Markdown table in an EXPECTED.md (or vectors.md), as trimmed cells.
  public static func tableRows(_ relative: String) throws -> [[String]] {
    try text(relative).split(separator: "\n").compactMap { line in
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("|"), !trimmed.hasPrefix("|--"), !trimmed.hasPrefix("|---") else { return nil }
      return trimmed.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
    }
  }

  /// The canonical accounts an EXPECTED.md lists (Aegis V1–V8, Stratum S1–S7), keyed by id.
  public static func expectedAccounts(_ relative: String) throws -> [String: ExpectedAccount] {
    var result: [String: ExpectedAccount] = [:]
    for cells in try tableRows(relative) where cells.count >= 8 {
      guard let id = cells.first, id.count <= 3, id.first == "V" || id.first == "S", Int(id.dropFirst()) != nil,
        let kind = OTPKind(rawValue: cells[1]), let algorithm = HashAlgorithm(rawValue: cells[5]),
        let digits = Int(cells[6])
      else { continue }
      let timing = cells[7].split(separator: " ").last.flatMap { Int($0) } ?? 0
      result[id] = ExpectedAccount(
        id: id, kind: kind, issuer: cells[2], name: cells[3], secretBase32: cells[4], algorithm: algorithm,
        digits: digits, periodOrCounter: timing)
    }
    return result
  }
}

public struct VectorMissing: Error, CustomStringConvertible {
  public var path: String
  public var description: String {
    "test vector \(path) is missing: the tests read ../shared/vectors beside the clone (or $OTPBRIDGE_VECTORS)"
  }
}

/// One row of a vector table.
public struct ExpectedAccount: Sendable {
  public var id: String
  public var kind: OTPKind
  public var issuer: String
  public var name: String
  public var secretBase32: String
  public var algorithm: HashAlgorithm
  public var digits: Int
  public var periodOrCounter: Int

  /// Whether `account` has exactly these values.
  public func matches(_ account: Account) -> Bool {
    account.kind == kind && account.issuer == issuer && account.name == name
      && account.secret.revealBase32() == secretBase32 && account.algorithm == algorithm
      && account.digits == digits
      && (kind.isCounterBased ? account.counter == UInt64(periodOrCounter) : account.period == periodOrCounter)
  }
}
