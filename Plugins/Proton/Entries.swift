import Foundation
import OTPCore
import OTPCrypto

/// Proton's entries and the model's accounts.
///
/// - `Totp`: the otpauth URI carries everything; Proton writes the label as the account name
///   alone and the issuer as the parameter.
/// - `Steam`: `steam://` followed by the secret in **standard base64** (Proton's own code,
///   proton-authenticator/src/steam/mod.rs, encodes and decodes it so; formats.md §0.4 says
///   base32, which Proton's code does not do). The URI has no label, so `content.name` is the
///   only name: it becomes the account name, and the issuer is "Steam". Steam's period is
///   always 30 s in Proton (the format's `KindForm` for Steam says so to the loss report).
enum Entries {
  static func read(_ entries: [Envelope.Entry], file: String) -> ReadResult {
    var result = ReadResult(accounts: [])
    for (index, entry) in entries.enumerated() {
      let origin = Origin(file: file, place: .entry(index + 1))
      result.readEntry(at: origin) { warnings throws(EntryProblem) in
        var account = try account(of: entry, origin: origin, warnings: &warnings)
        account.note = entry.note ?? ""
        return account
      }
    }
    return result
  }

  static func account(of entry: Envelope.Entry, origin: Origin, warnings: inout [EntryProblem]) throws(EntryProblem) -> Account {
    guard let content = entry.content, let uri = content.uri else {
      throw EntryProblem(ProtonCode.noURI, "the entry has no content.uri")
    }
    switch content.entry_type {
    case "Totp":
      let parsed = try OtpauthURI.parse(uri, origin: origin)
      warnings += parsed.warnings
      return parsed.account
    case "Steam":
      guard uri.hasPrefix("steam://"), let secret = Data(base64Encoded: String(uri.dropFirst("steam://".count))), !secret.isEmpty
      else {
        throw EntryProblem(ProtonCode.badSteamSecret, "the Steam entry's secret is not base64 after steam://")
      }
      return Account(kind: .steam, issuer: "Steam", name: content.name ?? "", secret: Secret(Array(secret)), origin: origin)
    default:
      throw EntryProblem(
        ProtonCode.unknownType, "entry_type '\((content.entry_type ?? "none").prefix(24))' is neither Totp nor Steam")
    }
  }

  static func write(_ accounts: [Account]) -> [Envelope.Entry] {
    accounts.map { account in
      let content: Envelope.Content
      if account.kind == .steam {
        content = Envelope.Content(
          uri: "steam://" + Data(account.secret.bytes).base64EncodedString(), entry_type: "Steam",
          name: account.name.isEmpty ? account.issuer : account.name)
      } else {
        var labelled = account
        // An empty label prefix: the label is the name alone, the issuer only the parameter.
        labelled.labelIssuer = ""
        content = Envelope.Content(
          uri: OtpauthURI.format(labelled), entry_type: "Totp", name: account.name.isEmpty ? account.issuer : account.name)
      }
      return Envelope.Entry(id: Cipher.randomUUID(), content: content, note: account.note.isEmpty ? nil : account.note)
    }
  }
}

/// The findings the Proton Authenticator reader and writer report (docs/audit.md lists their meanings).
enum ProtonCode: String, FindingCode {
  case badSteamSecret = "PROTON_BAD_STEAM_SECRET"
  case noURI = "PROTON_NO_URI"
  case unknownType = "PROTON_UNKNOWN_TYPE"
}
