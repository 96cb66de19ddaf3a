import OTPCore
import Testing

/// Expects `read` to be `written`, account by account, in every field but the origin (which
/// names the file each was read from).
public func expectSameAccounts(_ written: [Account], _ read: [Account], sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(read.count == written.count, sourceLocation: sourceLocation)
  for (a, b) in zip(written, read) {
    var moved = b
    moved.origin = a.origin
    #expect(moved == a, "\(a.displayName)", sourceLocation: sourceLocation)
  }
}

extension PasswordProvider {
  /// Always gives `text` (nil: no password), for tests.
  public static func fixed(_ text: String?) -> PasswordProvider {
    PasswordProvider { _ in text }
  }
}

/// Reads `bytes` back with `plugin`, as file `name`, with `password` at hand.
public func readBack(_ bytes: [UInt8], with plugin: any FormatPlugin, name: String, password: String? = nil) throws -> ReadResult
{
  try plugin.read(InputFile(name: name, bytes: bytes), context: ReadContext(password: .fixed(password)))
}

/// A vector file read by `plugin`, which must recognise it at least as `.likely`; `password` for
/// an encrypted one.
public func readVector(_ relative: String, with plugin: any FormatPlugin, password: String? = nil) throws -> ReadResult {
  let input = try Vectors.input(relative)
  #expect(plugin.sniff(input) >= .likely, "\(plugin.descriptor.id) does not recognise \(relative)")
  return try plugin.read(input, context: ReadContext(password: .fixed(password)))
}

/// The fields (all but origin) in which `back` differs from `expected`, account by account, as
/// lines to show; accounts whose origin is in `named` (changed by the writer, which said so in a
/// finding) are left out, and for an origin in `exempt`, the fields it lists.
public func accountDifferences(
  _ back: [Account], _ expected: [Account], named: Set<Origin> = [], exempt: [Origin: Set<String>] = [:]
) -> [String] {
  guard back.count == expected.count else { return ["\(back.count) accounts read back, \(expected.count) written"] }
  return zip(back, expected).enumerated().compactMap { index, pair in
    let (a, b) = pair
    if named.contains(b.origin) { return nil }
    let fields: [(String, Bool)] = [
      ("kind", a.kind == b.kind), ("issuer", a.issuer == b.issuer), ("name", a.name == b.name),
      ("labelIssuer", a.labelIssuer == b.labelIssuer), ("secret", a.secret == b.secret),
      ("algorithm", a.algorithm == b.algorithm), ("digits", a.digits == b.digits), ("period", a.period == b.period),
      ("counter", a.counter == b.counter), ("pin", a.pin == b.pin), ("note", a.note == b.note),
      ("favorite", a.favorite == b.favorite), ("groups", a.groups == b.groups), ("icon", a.icon == b.icon),
      ("extraParameters", a.extraParameters == b.extraParameters),
    ]
    let differing = fields.filter { !$0.1 && !(exempt[b.origin]?.contains($0.0) ?? false) }.map(\.0)
    guard !differing.isEmpty else { return nil }
    return
      "account \(index + 1) (\(b.kind.rawValue), \(b.digits) digits, period \(b.period)): \(differing.joined(separator: ", "))"
  }
}
