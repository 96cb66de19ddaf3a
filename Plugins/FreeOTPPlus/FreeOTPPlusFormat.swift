import Foundation
import OTPCore
import OTPJSON

/// FreeOTP+'s JSON export (formats.md §10.1): `{"tokenOrder":[…],"tokens":[{…}]}`, Gson's output of
/// its legacy `Token` class, read and written.
///
/// **Counters.** FreeOTP and FreeOTP+ store an HOTP counter one lower than the otpauth `counter`
/// it came from: importing a URI stores `counter − 1`, exporting one writes `stored + 1`
/// (Token.java, OtpTokenFactory.kt). The model's counter is that otpauth counter, the next value
/// a standard app uses: reading gives `stored + 1`, writing stores `counter − 1`. So a FreeOTP+
/// JSON export and FreeOTP+'s own otpauth export of the same token read the same, the Aegis and
/// Stratum vectors come back with their canonical counters (WWE 10300, Standard:Hotp 10), and an
/// account written here and imported by FreeOTP+ shows in FreeOTP+'s URI export the counter it
/// had. FreeOTP+ computes its next code from the stored value itself (`getHOTP(counter++)`), one
/// behind: a server accepts the other app's code a step ahead (look-ahead), never a step behind.
///
/// **Steam.** FreeOTP+ has no Steam type: a token whose displayed issuer (issuerAlt, else
/// issuerExt, else issuerInt) is "Steam" makes Steam codes. The writer marks Steam accounts with
/// issuerExt "Steam" and keeps their own issuer in issuerInt.
public struct FreeOTPPlusFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "freeotp-plus",
    displayName: "FreeOTP+ JSON export",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    capabilities: Capabilities(
      kinds: [.totp, .hotp, .steam],
      algorithms: [.sha1, .sha256, .sha512],
      // FreeOTP+ refuses other digit counts when it adds a token (Token.java).
      digits: 5...8,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .counter, .icon]),
    summary: "FreeOTP+'s JSON export (tokenOrder and tokens, secrets as signed bytes).",
    findingCodes: FreeOTPPlusCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let outline = input.jsonOutline, outline.root == .object else { return .no }
    if outline.has("tokenOrder") { return .certain }
    guard outline.members["tokens"]?.kind == .array else { return .no }
    return outline.names(in: "tokens").contains("issuerExt") ? .certain : .possible
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let saved: SavedTokens
    do {
      saved = try JSONTapeDecoder().decode(SavedTokens.self, from: input.bytes)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a FreeOTP+ export (JSON object with a tokens array)")
    }
    var result = ReadResult(accounts: [])
    let listed = saved.tokenOrder.map(Set.init)
    for (index, token) in saved.tokens.enumerated() {
      let origin = Origin(file: input.name, place: .entry(index + 1))
      result.readEntry(at: origin, noun: "token") { warnings throws(EntryProblem) in
        let account = try token.account(origin: origin)
        if let listed, !listed.contains(token.id) {
          warnings.append(
            EntryProblem(
              FreeOTPPlusCode.notInOrder, "the token is not listed in tokenOrder; FreeOTP+ itself would not import it"))
        }
        return account
      }
    }
    return result
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let tokens = try accounts.map(SavedTokens.Token.init(account:))
    var findings: [Finding] = []
    var seen: Set<String> = []
    for (account, token) in zip(accounts, tokens) where !seen.insert(token.id).inserted {
      findings.append(
        Finding(
          .warning, code: FreeOTPPlusCode.duplicateID,
          "another account has the same issuer and name; FreeOTP+ matches tokens by 'issuer:name' and would import only one of them",
          at: account.origin))
    }
    let encoder = JSONEncoder()
    // Gson on Android writes the fields in alphabetical order (formats.md §10.1).
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let bytes = try encoder.encode(SavedTokens(tokenOrder: tokens.map(\.id), tokens: tokens))
    return WriteResult(bytes: Array(bytes), findings: findings)
  }
}
