import OTPCore

/// A small deterministic generator (SplitMix64), so a failing random test can be replayed by seed.
public struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Random accounts that a format with `capabilities` can hold exactly, for round-trip tests.
public enum RandomAccounts {
  static let words = ["GitHub", "Example Bank", "Zoë", "ACME Co.", "mail@example.org", "a+b", "日本", "x&y=z", "50%", "O'Brien"]

  public static func make(count: Int, fitting capabilities: Capabilities, seed: UInt64) -> [Account] {
    var random = SeededGenerator(seed: seed)
    let kinds = capabilities.kinds.sorted()
    let algorithms = capabilities.algorithms.sorted()
    return (0..<count).map { index in
      let kind = kinds.randomElement(using: &random)!
      var account = Account(
        kind: kind,
        // At least what the format takes (Stratum: Yandex 16 bytes), as real secrets are.
        secret: Secret(
          (0..<Int.random(in: max(10, capabilities.minimumSecretBytes[kind] ?? 0)...40, using: &random)).map { _ in
            UInt8.random(in: 0...255, using: &random)
          }),
        origin: Origin(file: "random", place: .entry(index + 1)))
      // A kind the format writes in a form of its own keeps only that form's fields.
      let form = capabilities.kindForms[kind]
      let fields = form?.fields ?? capabilities.fields
      if fields.contains(.issuer) { account.issuer = form?.fixedIssuer ?? words.randomElement(using: &random)! + " \(index)" }
      if fields.contains(.name) { account.name = words.randomElement(using: &random)! }
      if kind == .totp || kind == .hotp, form == nil {
        account.algorithm = algorithms.randomElement(using: &random)!
        let digits = [6, 7, 8].filter { capabilities.holds(digits: $0, kind: kind) }
        account.digits = digits.randomElement(using: &random) ?? capabilities.digits.lowerBound
      }
      if kind != .hotp, form == nil {
        let periods = [account.period, 15, 20, 30, 60, 90, 120].filter(capabilities.periods.contains)
        account.period = periods.randomElement(using: &random) ?? account.period
      }
      if kind == .hotp, fields.contains(.counter) {
        account.counter = UInt64.random(in: 0...100_000, using: &random)
      }
      if kind == .motp || kind == .yandex, fields.contains(.pin) {
        account.pin = Secret(Array(String(Int.random(in: 1000...9999, using: &random)).utf8))
      }
      if fields.contains(.note), Bool.random(using: &random) {
        // A form that keeps only notes of a kind (a Steam revocation code) gets one such.
        account.note = form?.notePrefix.map { $0 + "R\(index)" } ?? "note \(index)\nline 2, \"quoted\""
      }
      if fields.contains(.favorite) { account.favorite = Bool.random(using: &random) }
      if fields.contains(.groups), Bool.random(using: &random) { account.groups = ["Work"] }
      return account
    }
  }
}
