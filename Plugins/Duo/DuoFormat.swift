import Foundation
import OTPCore
import OTPJSON

/// Duo Mobile's account list, `files/duokit/accounts.json` from a rooted Android phone: read only.
/// Third-party accounts (`accountType` "OtpAccount") carry a base32 `otpSecret`, and a `counter`
/// when they are HOTP; Duo's own accounts are Duo Push enrolments with no secret to move.
public struct DuoFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "duo",
    displayName: "Duo Mobile accounts.json (Android)",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp, .hotp], algorithms: [.sha1], digits: 6...6, periods: .only([30]), fields: [.name, .counter]),
    summary: "Duo Mobile's files/duokit/accounts.json from a rooted Android phone (third-party accounts; Duo Push cannot move).",
    findingCodes: DuoCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    // An array of accounts, the first of which may be a Duo Push one (no otpGenerator).
    guard let outline = input.jsonOutline, outline.root == .array, outline.has("accountType") else { return .no }
    return outline.has("otpGenerator") || outline.has("pkey") ? .certain : .no
  }

  struct Entry: Decodable {
    struct Generator: Decodable {
      var otpSecret: String?
      var counter: Int64?
    }
    var accountType: String?
    var name: String?
    var otpGenerator: Generator?
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let entries: [Lenient<Entry>]
    do {
      entries = try JSONTapeDecoder().decode([Lenient<Entry>].self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a Duo Mobile account list (a JSON array of accounts)")
    }
    // One odd account never loses the others.
    return ReadResult(entries: entries, file: input.name, badEntry: DuoCode.badEntry, noun: "account") {
      entry, origin, warnings in try Self.account(entry, origin: origin, warnings: &warnings)
    }
  }

  static func account(_ entry: Entry, origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem) -> Account {
    guard entry.accountType == "OtpAccount", let generator = entry.otpGenerator, let text = generator.otpSecret else {
      throw EntryProblem(
        DuoCode.duoPush,
        "a Duo Push account (\(String((entry.accountType ?? "no type").prefix(32)))), which holds no one-time-password secret",
        remedy:
          "Move it with Duo Mobile itself (Duo Restore on the new phone), or ask the organisation's Duo administrator to activate the new phone."
      )
    }
    let decoded = try EntryProblem.base32Secret(text, badSecret: DuoCode.badSecret, warnings: &warnings)
    var kind = OTPKind.totp
    var counter: UInt64 = 0
    if let stored = generator.counter {
      guard stored >= 0 else { throw EntryProblem(DuoCode.badCounter, "the counter \(stored) is negative") }
      kind = .hotp
      counter = UInt64(stored)
    }
    return Account(kind: kind, name: entry.name ?? "", secret: Secret(decoded), counter: counter, origin: origin)
  }
}

/// The findings the Duo reader reports (docs/audit.md).
enum DuoCode: String, FindingCode {
  case badCounter = "DUO_BAD_COUNTER"
  case badEntry = "DUO_BAD_ENTRY"
  case badSecret = "DUO_BAD_SECRET"
  case duoPush = "DUO_PUSH_ACCOUNT"
}
