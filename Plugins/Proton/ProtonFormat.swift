import Foundation
import OTPCore
import OTPJSON

/// Proton Authenticator's export (formats.md §10.3), plain or encrypted, read and written.
///
/// Plain: `{"version":1,"entries":[{"id":…,"content":{"uri":…,"entry_type":"Totp"|"Steam","name":…},"note":…}]}`.
/// Encrypted: `{"version":1,"salt":…,"content":…}` (no `entries`): Argon2id, AES-256-GCM with the
/// AAD `proton.authenticator.export.v1`, around the plain JSON.
public struct ProtonFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "proton",
    displayName: "Proton Authenticator export",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp, .steam],
      algorithms: [.sha1, .sha256, .sha512],
      // Proton parses digits as u8 and computes codes modulo 10^digits in 32 bits: at most 9.
      digits: 1...9,
      periods: .range(1...Int(UInt16.max)),
      fields: [.issuer, .name, .note],
      // A Steam entry is `steam://SECRET` and a name.
      kindForms: [.steam: KindForm(shape: "steam://SECRET", fields: [.issuer, .name, .note], fixedIssuer: "Steam")]),
    summary: "Proton Authenticator's JSON export, plain or password-protected.",
    findingCodes: ProtonCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    guard let outline = input.jsonOutline, outline.root == .object, outline.has("version") else { return .no }
    // Plain: `{"version", "entries": [{"id", "content", "note"}]}`; no entries at all is still Proton's.
    if outline.members["entries"]?.kind == .array {
      let entry = outline.names(in: "entries")
      return entry.contains("content") ? .certain : entry.isEmpty ? .likely : .no
    }
    // The encrypted form has only version, salt and content (formats.md §10.3); Ente's has kdfParams.
    if outline.has("salt"), outline.members["content"]?.kind == .string, !outline.has("kdfParams") {
      return .likely
    }
    return .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    let envelope = try Envelope.decode(input.bytes, file: input.name)
    if let entries = envelope.entries {
      return Entries.read(entries, file: input.name)
    }
    guard let salt = envelope.salt, let content = envelope.content else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "neither \"entries\" nor \"salt\" and \"content\"")
    }
    let plaintext = try PasswordProtection.open(salt: salt, content: content, file: input.name, password: context.password)
    let inner = try Envelope.decode(plaintext, file: input.name)
    guard let entries = inner.entries else {
      throw OTPError.corrupted(file: input.name, place: "content", reason: "the decrypted export has no \"entries\"")
    }
    return Entries.read(entries, file: input.name)
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let plain = ProtonJSON.plain(Entries.write(accounts))
    // No new password, or an empty one, means the plain export.
    guard let password = try context.newPassword.password(for: context.outputName), !password.isEmpty else {
      return WriteResult(bytes: plain)
    }
    let sealed = try PasswordProtection.seal(plain, password: password)
    let encrypted = ProtonJSON.encrypted(salt: sealed.salt, content: sealed.content)
    return WriteResult(bytes: encrypted)
  }
}

/// The top level of either form, read by walking the parsed JSON: four optional fields an
/// entry are too few for Codable's cost per object, which alone was a tenth of opening a
/// 1,000-entry encrypted export (docs/benchmarks.md). A value of the wrong kind anywhere makes the
/// file unreadable, as a decoding error would.
struct Envelope {
  var version: Int?
  var entries: [Entry]?
  var salt: String?
  var content: String?

  struct Entry {
    var id: String?
    var content: Content?
    var note: String?
  }

  struct Content {
    var uri: String?
    var entry_type: String?
    var name: String?
  }

  static func decode(_ bytes: [UInt8], file: String) throws -> Envelope {
    let envelope: Envelope
    do {
      envelope = try Envelope(try JSONTapeValue(parsing: bytes))
    } catch {
      throw OTPError.corrupted(
        file: file, place: nil, reason: "not a Proton Authenticator export (JSON object with version and entries)")
    }
    guard let version = envelope.version else {
      throw OTPError.corrupted(file: file, place: nil, reason: "no \"version\" field")
    }
    guard version == 1 else {
      throw OTPError.unsupportedVersion(file: file, version: String(version), supported: "1")
    }
    return envelope
  }
}

extension Envelope {
  init(_ root: JSONTapeValue) throws(JSONShapeError) {
    guard root.isObject else { throw JSONShapeError(expected: "an object") }
    version = try root["version"].wholeNumber()
    salt = try root["salt"].text()
    content = try root["content"].text()
    if let list = root["entries"], !list.isNull {
      guard let elements = list.elements else { throw JSONShapeError(expected: "an array") }
      var entries: [Entry] = []
      entries.reserveCapacity(elements.count)
      for element in elements { entries.append(try Entry(element)) }
      self.entries = entries
    }
  }
}

extension Envelope.Entry {
  init(_ value: JSONTapeValue) throws(JSONShapeError) {
    guard value.isObject else { throw JSONShapeError(expected: "an object") }
    id = try value["id"].text()
    note = try value["note"].text()
    if let content = value["content"], !content.isNull {
      guard content.isObject else { throw JSONShapeError(expected: "an object") }
      self.content = Envelope.Content(
        uri: try content["uri"].text(), entry_type: try content["entry_type"].text(), name: try content["name"].text())
    }
  }
}

/// The JSON Proton writes: serde_json's compact form, keys in struct declaration order, every
/// field written (`None` as null) and `/` unescaped (formats.md §0.3). Laid out here as bytes,
/// with strings quoted by `JSONText`: going through Codable was half of an encrypted save, whose
/// Argon2id takes only about 20 ms (docs/benchmarks.md).
enum ProtonJSON {
  static func plain(_ entries: [Envelope.Entry]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(32 + entries.count * 200)
    bytes += #"{"version":1,"entries":["#.utf8
    for (index, entry) in entries.enumerated() {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      bytes += #"{"id":"#.utf8
      append(entry.id, to: &bytes)
      if let content = entry.content {
        bytes += #","content":{"uri":"#.utf8
        append(content.uri, to: &bytes)
        bytes += #","entry_type":"#.utf8
        append(content.entry_type, to: &bytes)
        bytes += #","name":"#.utf8
        append(content.name, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
      } else {
        bytes += #","content":null"#.utf8
      }
      bytes += #","note":"#.utf8
      append(entry.note, to: &bytes)
      bytes.append(UInt8(ascii: "}"))
    }
    bytes += "]}".utf8
    return bytes
  }

  static func encrypted(salt: String, content: String) -> [UInt8] {
    var bytes = Array(#"{"version":1,"salt":"#.utf8)
    JSONText.appendQuoted(salt, to: &bytes)
    bytes += #","content":"#.utf8
    JSONText.appendQuoted(content, to: &bytes)
    bytes.append(UInt8(ascii: "}"))
    return bytes
  }

  private static func append(_ text: String?, to bytes: inout [UInt8]) {
    if let text {
      JSONText.appendQuoted(text, to: &bytes)
    } else {
      bytes += "null".utf8
    }
  }
}
