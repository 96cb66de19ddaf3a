import Foundation
import OTPContainers
import OTPCore
import OTPJSON

/// FreeOTP's (and FreeOTP+'s) own token store, `shared_prefs/tokens.xml`, from a rooted Android
/// phone: an Android preferences file whose `<string name="Issuer:label">` values are the same
/// token JSON as FreeOTP+'s export (`SavedTokens.Token`, counters stored one lower), beside a
/// `tokenOrder` string. Read only: FreeOTP+'s JSON export (`freeotp-plus`) is what to write.
public struct FreeOTPTokensFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "freeotp-tokens",
    displayName: "FreeOTP / FreeOTP+ tokens.xml (Android)",
    fileExtensions: ["xml"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    capabilities: FreeOTPPlusFormat().descriptor.capabilities,
    summary:
      "FreeOTP's and FreeOTP+'s shared_prefs/tokens.xml from a rooted Android phone (the token JSON of FreeOTP+'s export).",
    findingCodes: FreeOTPPlusCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard XMLTree.root(of: input.bytes)?.name == "map" else { return .no }
    let head = input.bytes.prefix(64 * 1024)
    // Each token's JSON, escaped in the XML: `{&quot;algo&quot;:…`.
    return head.firstRange(of: Array("&quot;issuerExt&quot;".utf8)) != nil
      || head.firstRange(of: Array("<string name=\"tokenOrder\">".utf8)) != nil ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard let map = XMLTree.parse(input.bytes), map.name == "map" else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not an Android preferences file (XML with a <map> root)")
    }
    var result = ReadResult(accounts: [])
    // In the file's order, as Aegis reads it; tokenOrder is FreeOTP's display order, not a token.
    let tokens = map.children.filter { $0.name == "string" && $0.attributes["name"] != "tokenOrder" }
    for (index, element) in tokens.enumerated() {
      let origin = Origin(file: input.name, place: .entry(index + 1))
      result.readEntry(at: origin, noun: "token", label: element.attributes["name"]) { _ throws(EntryProblem) in
        guard let token = try? JSONTapeDecoder().decode(SavedTokens.Token.self, from: Array(element.text.utf8)) else {
          throw EntryProblem(FreeOTPPlusCode.badToken, "the token is not FreeOTP's token JSON")
        }
        return try token.account(origin: origin)
      }
    }
    return result
  }
}
