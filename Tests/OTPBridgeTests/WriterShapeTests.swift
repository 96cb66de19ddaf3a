import Foundation
import OTPBridge
import TestSupport
import Testing

/// Each writer writes what the app itself exports (issue 23): its output is compared with the
/// app's own real exports in ../shared/vectors, object by object. From the app's files the test
/// learns, for each kind of object (the envelope, an entry of each type, nested objects), the keys
/// the app always writes and the JSON types each key takes; our file must have every such key,
/// in every object of that kind, with a type the app uses, and no key the app never writes, but
/// for the differences listed with their reason.
@Suite struct WriterShapeTests {
  /// A JSON value, decoded strictly: `true` is never the number 1.
  indirect enum JSON: Decodable {
    case null, bool
    case number(Double)
    case string(String)
    case array([JSON]), object([String: JSON])

    init(from decoder: any Decoder) throws {
      let single = try decoder.singleValueContainer()
      if single.decodeNil() {
        self = .null
      } else if (try? single.decode(Bool.self)) != nil {
        self = .bool
      } else if let number = try? single.decode(Double.self) {
        self = .number(number)
      } else if let string = try? single.decode(String.self) {
        self = .string(string)
      } else if let array = try? single.decode([JSON].self) {
        self = .array(array)
      } else {
        self = .object(try single.decode([String: JSON].self))
      }
    }

    var kind: String {
      switch self {
      case .null: return "null"
      case .bool: return "bool"
      case .number: return "number"
      case .string: return "string"
      case .array: return "array"
      case .object: return "object"
      }
    }
  }

  struct Format: CustomTestStringConvertible, Sendable {
    var id: String
    /// The app's own plain exports.
    var vectors: [String]
    /// The member of an entry that says its type, as a path ("type", "otp.tokenType"): entries of
    /// different types carry different keys.
    var typeKey: String?
    /// "path: what differs" → why it is right to differ.
    var allowed: [String: String] = [:]
    var testDescription: String { id }
  }

  static let formats: [Format] = [
    Format(
      id: "aegis", vectors: ["aegis/importers/aegis_plain.json", "stratum/data/aegis.unencrypted.json"], typeKey: "type",
      allowed: [
        "db: key the app never writes: groups":
          "otpbridge writes Aegis's vault version 3 (Aegis 3.x); the vectors are versions 1 and 2",
        "db: key the app never writes: icons_optimized": "vault version 3",
        "db.entries[](totp): key the app never writes: groups":
          "vault version 3 keeps group ids in groups, version 2 a name in group",
        "db.entries[](hotp): key the app never writes: groups": "vault version 3",
        "db.entries[](steam): key the app never writes: groups": "vault version 3",
        "db.entries[](motp): key the app never writes: groups": "vault version 3",
        "db.entries[](yandex): key the app never writes: groups": "vault version 3",
        "db.groups[]: the app's files have no such objects": "vault version 3 lists its groups in db.groups",
        "db.entries[](totp): key the app never writes: icon_hash":
          "vault version 3 names an icon by its hash beside icon_mime; the vectors' entries with icons are older",
      ]),
    Format(
      id: "andotp", vectors: ["aegis/importers/andotp_plain.json", "stratum/data/andotp.unencrypted.json"], typeKey: "type"),
    Format(
      id: "bitwarden-json", vectors: ["aegis/importers/bitwarden.json", "stratum/data/bitwarden.unencrypted.json"],
      typeKey: "type"),
    Format(
      id: "2fas", vectors: ["aegis/importers/2fas_authenticator_plain_v4.2fas", "stratum/data/twofas.unencrypted.2fas"],
      typeKey: "otp.tokenType"),
    Format(
      id: "proton", vectors: ["aegis/importers/proton_authenticator.json", "stratum/data/protonauthenticator.json"],
      typeKey: "content.entry_type",
      allowed: [
        "entries[](Totp): note is string, the app writes null":
          "the vectors' entries have no note; Proton writes a note as a string (formats.md §10.3, exporter.rs)"
      ]),
    Format(id: "freeotp-plus", vectors: ["aegis/importers/freeotp_plus.json", "stratum/data/freeotpplus.json"], typeKey: "type"),
    Format(
      id: "stratum", vectors: ["aegis/importers/stratum_plain.json", "stratum/data/backup.unencrypted.authpro"],
      typeKey: "Type",
      allowed: [
        "Authenticators[](3): key the app never writes: Pin":
          "the vectors' one mOTP entry (Stratum's demo backup) has no PIN; an mOTP account's codes need one, and Stratum's Backup has the member (BACKUP_FORMAT.md)",
        "Authenticators[](3): Icon is null, the app writes string":
          "the demo backup's mOTP entry has a built-in icon's name; Stratum writes null for an entry without one (aegis/importers/stratum_plain.json)",
        "Authenticators[](5): the app's files have no such objects":
          "no vector holds a Yandex authenticator; otpbridge writes it with the members of the others and its PIN",
      ]),
  ]

  /// What a kind of object looks like in the app's files: keys in every one, and each key's types.
  struct Shape {
    var objects = 0
    var counts: [String: Int] = [:]
    var types: [String: Set<String>] = [:]
    var always: Set<String> { Set(counts.filter { $0.value == objects }.keys) }
  }

  /// The objects of `value` by kind: the path to them, and the entry type where `typeKey` says it.
  static func objects(in value: JSON, path: String, typeKey: String?, into result: inout [String: [[String: JSON]]]) {
    switch value {
    case .object(let members):
      result[path, default: []].append(members)
      for (key, member) in members {
        objects(in: member, path: path.isEmpty ? key : "\(path).\(key)", typeKey: typeKey, into: &result)
      }
    case .array(let elements):
      for element in elements {
        var kindPath = "\(path)[]"
        if let typeKey, let type = member(typeKey, of: element) { kindPath += typeDescription(type) }
        objects(in: element, path: kindPath, typeKey: typeKey, into: &result)
      }
    default:
      break
    }
  }

  /// The value at a dotted path of members ("otp.tokenType").
  static func member(_ path: String, of value: JSON) -> JSON? {
    var current = value
    for name in path.split(separator: ".") {
      guard case .object(let members) = current, let next = members[String(name)] else { return nil }
      current = next
    }
    return current
  }

  /// "(TOTP)", "(1)": entries of one type are compared with the app's entries of that type.
  static func typeDescription(_ value: JSON) -> String {
    switch value {
    case .string(let text): return "(\(text))"
    case .number(let number): return "(\(Int(number)))"
    default: return ""
    }
  }

  static func differences(app: [JSON], ours: [JSON], typeKey: String?) -> [String] {
    var appObjects: [String: [[String: JSON]]] = [:]
    for file in app { objects(in: file, path: "", typeKey: typeKey, into: &appObjects) }
    var ourObjects: [String: [[String: JSON]]] = [:]
    for file in ours { objects(in: file, path: "", typeKey: typeKey, into: &ourObjects) }
    var found: Set<String> = []
    for (path, mine) in ourObjects {
      guard let theirs = appObjects[path] else {
        // Nothing to compare with is a difference too: an allowed one says why.
        found.insert("\(path.isEmpty ? "the file" : path): the app's files have no such objects")
        continue
      }
      var shape = Shape()
      for object in theirs {
        shape.objects += 1
        for (key, value) in object {
          shape.counts[key, default: 0] += 1
          shape.types[key, default: []].insert(value.kind)
        }
      }
      let name = path.isEmpty ? "the file" : path
      for object in mine {
        for key in shape.always.subtracting(object.keys) { found.insert("\(name): missing key \(key)") }
        for (key, value) in object {
          guard let types = shape.types[key] else {
            found.insert("\(name): key the app never writes: \(key)")
            continue
          }
          if !types.contains(value.kind) {
            found.insert("\(name): \(key) is \(value.kind), the app writes \(types.sorted().joined(separator: " or "))")
          }
        }
      }
    }
    return found.sorted()
  }

  static func decode(_ bytes: [UInt8]) throws -> JSON { try JSONDecoder().decode(JSON.self, from: Data(bytes)) }

  /// Accounts with what the examples lack: mOTP and Yandex with and without a PIN, groups, a
  /// note, a favourite, a website, an empty issuer, a counter of 0.
  static let fixture = #"""
    {"format": "otpbridge-json", "version": 1, "accounts": [
      {"type": "totp", "issuer": "Example", "name": "alice", "secret": "JBSWY3DPEHPK3PXP", "note": "a note",
       "favorite": true, "groups": ["Work", "Home"], "extraParameters": [{"name": "url", "value": "https://example.com"}]},
      {"type": "totp", "name": "no issuer", "secret": "JBSWY3DPEHPK3PXQ", "groups": ["Work"]},
      {"type": "hotp", "issuer": "Counter", "name": "zero", "secret": "JBSWY3DPEHPK3PXR", "counter": 0},
      {"type": "motp", "issuer": "VPN", "name": "pin", "secret": "KRUGS4ZAMJ4XIZLT", "pin": "GEZDGNA"},
      {"type": "motp", "issuer": "VPN", "name": "no pin", "secret": "KRUGS4ZAMJ4XIZLU"},
      {"type": "yandex", "issuer": "Yandex", "name": "pin", "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "pin": "GEZDGNA"},
      {"type": "yandex", "issuer": "Yandex", "name": "no pin", "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"}
    ]}
    """#

  /// Our files, as `convert --allow-lossy` writes them, for each of the app's own exports, for the
  /// examples (TOTP, HOTP and Steam, several algorithms, digits and periods) and for the fixture.
  static func ours(_ format: Format) throws -> [JSON] {
    let plugin = try Registry.builtIn.plugin(id: format.id)
    let examples = Vectors.packageRoot.appendingPathComponent("examples/otpauth/accounts.txt").path
    let fixture = try Registry.builtIn.plugin(id: "otpbridge-json").read(
      InputFile(name: "fixture.json", bytes: Array(Self.fixture.utf8)), context: ReadContext())
    let readings =
      try format.vectors.map { try Reading.read(paths: [Vectors.path($0)]) }
      + [try Reading.read(paths: [examples]), Reading(accounts: fixture.accounts)]
    return try readings.map { reading in
      try decode(try Conversion.run(reading, to: plugin, context: WriteContext(outputName: "out")).output)
    }
  }

  @Test(arguments: formats)
  func writesWhatTheAppExports(format: Format) throws {
    let app = try format.vectors.map { try Self.decode(Array(try Data(contentsOf: URL(fileURLWithPath: Vectors.path($0))))) }
    let found = Self.differences(app: app, ours: try Self.ours(format), typeKey: format.typeKey)
    let unexplained = found.filter { format.allowed[$0] == nil }
    #expect(unexplained.isEmpty, "\(format.id): \(unexplained.joined(separator: "; "))")
    // Each allowed difference is still there: one that went away is taken off the list.
    for difference in format.allowed.keys { #expect(found.contains(difference), "\(format.id): no longer: \(difference)") }
  }

  /// Ente's text export: the `codeDisplay` JSON each line carries has the keys Ente's does.
  @Test func enteCodeDisplayHasTheAppsKeys() throws {
    func codeDisplays(_ text: String) throws -> JSON {
      .array(
        try text.split(separator: "\n").compactMap { line in
          let query = URLComponents(string: String(line))?.queryItems ?? []
          return try query.first { $0.name == "codeDisplay" }?.value.map {
            .object(["codeDisplay": try Self.decode(Array($0.utf8))])
          }
        })
    }
    let app = try codeDisplays(try Vectors.text("aegis/importers/ente_auth.txt"))
    let reading = try Reading.read(paths: [Vectors.packageRoot.appendingPathComponent("examples/otpauth/accounts.txt").path])
    let written = try Conversion.run(reading, to: try Registry.builtIn.plugin(id: "ente"), context: WriteContext(outputName: "o"))
    let ours = try codeDisplays(String(decoding: written.output, as: UTF8.self))
    // Current Ente writes the note inside codeDisplay (its Code.dart); the vector predates it.
    #expect(Self.differences(app: [app], ours: [ours], typeKey: nil) == ["[].codeDisplay: key the app never writes: note"])
  }

  /// Bitwarden's CSV header, column for column, with the `reprompt` column current Bitwarden
  /// writes after `fields` (its buildCommonCipher); the 2020 vector predates it.
  @Test func bitwardenCSVHeaderIsTheAppsHeader() throws {
    let app = try Vectors.text("aegis/importers/bitwarden.csv").split(separator: "\n")[0].split(separator: ",").map(String.init)
    let reading = try Reading.read(paths: [Vectors.packageRoot.appendingPathComponent("examples/otpauth/accounts.txt").path])
    let written = try Conversion.run(
      reading, to: try Registry.builtIn.plugin(id: "bitwarden-csv"), context: WriteContext(outputName: "o"))
    let header = String(decoding: written.output, as: UTF8.self).split(separator: "\r\n")[0].split(separator: ",").map(
      String.init)
    #expect(header.filter { $0 != "reprompt" } == app)
    #expect(header.firstIndex(of: "reprompt") == header.firstIndex(of: "fields").map { $0 + 1 })
  }

  /// The comparison finds what it must: a key the app always writes, dropped from our file, and a
  /// value of another type.
  @Test func theComparisonFindsAMissingKeyAWrongTypeAndObjectsWithNothingToCompare() throws {
    let app = try Self.decode(Array(#"{"items": [{"id": "a", "folderId": null, "otp": {"kind": "T", "period": 30}}]}"#.utf8))
    let ours = try Self.decode(
      Array(#"{"items": [{"id": "b", "folderId": 1, "extra": true, "otp": {"kind": "H", "counter": 0}}]}"#.utf8))
    #expect(
      Self.differences(app: [app], ours: [ours], typeKey: "otp.kind") == [
        "items[](H).otp: the app's files have no such objects", "items[](H): the app's files have no such objects",
      ])
    #expect(
      Self.differences(app: [app], ours: [ours], typeKey: nil) == [
        "items[].otp: key the app never writes: counter", "items[].otp: missing key period",
        "items[]: folderId is number, the app writes null", "items[]: key the app never writes: extra",
      ])
  }
}
