import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// `PrettyJSONStream` writes what `JSONEncoder` (pretty-printed, sorted keys, slashes as they are)
/// prints for the same values, byte for byte, for every shape an account takes.
@Suite struct AccountJSONTests {
  struct AccountList: Encodable {
    var accounts: [AccountJSON]
    var findings: [FindingJSON]
    var version = 1
  }

  static func foundation(_ value: some Encodable) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(value)) + [0x0A]
  }

  static func streamed(_ body: (inout PrettyJSONStream<Never>) -> Void) -> [UInt8] {
    final class Sink { var bytes: [UInt8] = [] }
    let sink = Sink()
    var stream = PrettyJSONStream<Never> { sink.bytes += $0 }
    body(&stream)
    return sink.bytes
  }

  /// Accounts of every kind and field, with text that JSON must escape.
  static func entries(count: Int, seed: UInt64) -> [AccountJSON] {
    let capabilities = Capabilities(
      kinds: [.totp, .hotp, .steam, .motp], algorithms: [.sha1, .sha256, .sha512], digits: 5...8,
      periods: .range(1...120), fields: [.issuer, .name, .note, .favorite, .groups, .counter, .pin])
    let odd = ["a \"quoted\" \\ name", "tab\there\nline", "https://example.com/x", "\u{1}\u{1F}\u{7F}", "Zoë 日本 😀", ""]
    return RandomAccounts.make(count: count, fitting: capabilities, seed: seed).enumerated().map { index, account in
      var account = account
      account.labelIssuer = index % 3 == 0 ? odd[index % odd.count] : nil
      account.issuer += odd[(index + 1) % odd.count]
      account.groups = Array(odd.prefix(index % 4))
      account.note = index % 2 == 0 ? odd[(index + 2) % odd.count] : ""
      let showSecret = index % 5 == 0
      switch index % 3 {
      case 0: return AccountJSON(account, showSecret: showSecret, code: "123456")
      case 1: return AccountJSON(account, showSecret: showSecret, codeError: "a \"reason\"")
      default: return AccountJSON(account, showSecret: showSecret)
      }
    }
  }

  /// 40,000 accounts are encoded a chunk at a time on every core.
  @Test(arguments: [0, 1, 2, 300, 40_000])
  func streamedJSONIsWhatJSONEncoderPrints(count: Int) throws {
    let entries = Self.entries(count: count, seed: UInt64(count) + 1)
    let findings =
      count == 0
      ? []
      : [
        FindingJSON(Finding(.warning, rawCode: "A_CODE", "a \"finding\"", at: Origin(file: "file.txt", place: .line(2)))),
        FindingJSON(Finding(.info, rawCode: "B", "another/one", remedy: "do\tthis")),
      ]
    let list = Self.streamed { stream in
      stream.writeAccountList(count: entries.count, account: { entries[$0] }, findings: findings)
    }
    #expect(list == (try Self.foundation(AccountList(accounts: entries, findings: findings))))
  }

  @Test func manyAccountsArriveInPiecesThatEndBetweenAccounts() {
    let entries = Self.entries(count: 40_000, seed: 7)
    final class Sink { var pieces: [[UInt8]] = [] }
    let sink = Sink()
    var stream = PrettyJSONStream<Never> { sink.pieces.append($0) }
    stream.writeAccountList(count: entries.count, account: { entries[$0] }, findings: [])
    #expect(sink.pieces.count > 1)
    #expect(sink.pieces.dropLast().allSatisfy { $0.count >= 1 << 20 && $0.last == UInt8(ascii: "}") })
  }
}
