import OTPCore

/// The JSON of an Aegis vault file (formats.md §5.1, §5.2, §5.4), as read. Keys are snake_case in
/// the file and camelCase here, mapped by each type's CodingKeys (a key strategy would convert
/// every key of every entry, which costs more than the rest of decoding a vault).
struct AegisVault: Decodable {
  enum Content {
    case plain(AegisDatabase)
    /// Base64 of the encrypted database JSON.
    case encrypted(String)
  }

  var header: AegisHeader
  var db: Content

  enum CodingKeys: String, CodingKey {
    case version, header, db
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let version = try container.decode(Int.self, forKey: .version)
    guard version == 1 else { throw AegisVersionFailure.vault(version) }
    header = try container.decode(AegisHeader.self, forKey: .header)
    if let text = try? container.decode(String.self, forKey: .db) {
      db = .encrypted(text)
    } else {
      db = .plain(try container.decode(AegisDatabase.self, forKey: .db))
    }
  }
}

/// A version this reader does not know; turned into `OTPError.unsupportedVersion`.
enum AegisVersionFailure: Error {
  case vault(Int)
  case database(Int)
}

struct AegisHeader: Codable {
  var slots: [AegisSlot]?
  var params: AegisCipherParams?

  /// Both `null` in a plain vault (formats.md §5.1); written out as `null`, not left out.
  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(slots, forKey: .slots)
    try container.encode(params, forKey: .params)
  }
}

/// The nonce and tag of one AES-256-GCM encryption, as lower-case hex.
struct AegisCipherParams: Codable {
  var nonce: String
  var tag: String
}

/// A key slot (formats.md §5.2). Only password slots (type 1) can be opened off the device.
struct AegisSlot: Codable {
  static let passwordType = 1

  var type: Int
  var uuid: String?
  /// The master key, encrypted with this slot's key (hex).
  var key: String?
  var keyParams: AegisCipherParams?
  var n: Int?
  var r: Int?
  var p: Int?
  var salt: String?
  var repaired: Bool?
  var isBackup: Bool?

  enum CodingKeys: String, CodingKey {
    case type, uuid, key, n, r, p, salt, repaired
    case keyParams = "key_params", isBackup = "is_backup"
  }
}

/// The vault's content (formats.md §5.4), versions 1 to 3.
struct AegisDatabase: Decodable {
  static let supportedVersions = 1...3

  var version: Int
  var entries: [Lenient<AegisEntry>]
  var groups: [AegisGroup]

  enum CodingKeys: String, CodingKey {
    case version, entries, groups
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    version = try container.decode(Int.self, forKey: .version)
    guard Self.supportedVersions.contains(version) else { throw AegisVersionFailure.database(version) }
    entries = try container.decode([Lenient<AegisEntry>].self, forKey: .entries)
    groups = try container.decodeIfPresent([AegisGroup].self, forKey: .groups) ?? []
  }
}

struct AegisGroup: Codable {
  var uuid: String
  var name: String
}

/// One entry as read; every field but `type` and `info` may be absent in older files.
struct AegisEntry: Decodable {
  var type: String
  var name: String?
  var issuer: String?
  var note: String?
  var favorite: Bool?
  /// Base64 image bytes.
  var icon: String?
  var iconMime: String?
  /// Database versions 1 and 2: one group, by name.
  var group: String?
  /// Database version 3: group UUIDs.
  var groups: [String]?
  var info: AegisInfo

  enum CodingKeys: String, CodingKey {
    case type, name, issuer, note, favorite, icon, group, groups, info
    case iconMime = "icon_mime"
  }
}

struct AegisInfo: Decodable {
  var secret: String
  var algo: String?
  var digits: Int?
  var period: Int?
  var counter: UInt64?
  /// mOTP and Yandex only; `null` when a Yandex entry has none.
  var pin: String?
}

/// The content as written: database version 3. `Entries` is `[AegisWrittenEntry]`, or a
/// `JSONElementsPlaceholder` where the entries are written a part at a time (`AegisFormat.Entries`).
struct AegisWrittenDatabase<Entries: Encodable>: Encodable {
  // In the order of their names (as the entry's members).
  var entries: Entries
  var groups: [AegisGroup]
  var iconsOptimized = true
  var version = 3

  enum CodingKeys: String, CodingKey {
    case entries, groups
    case iconsOptimized = "icons_optimized"
    case version
  }
}

struct AegisWrittenEntry: Encodable {
  struct Icon {
    var base64: String
    var mime: String
    /// Hex SHA-256 of the mime type's UTF-8 followed by the image bytes.
    var hash: String
  }

  var type: String
  var uuid: String
  var name: String
  var issuer: String
  var note: String
  var favorite: Bool
  var icon: Icon?
  var info: AegisInfo
  var groups: [String]
  /// Whether `info.pin` is written: mOTP and Yandex, whose `pin` Aegis requires (`getString`).
  var hasPIN: Bool

  enum CodingKeys: String, CodingKey {
    case type, uuid, name, issuer, note, favorite, icon, info, groups
    case iconMime = "icon_mime", iconHash = "icon_hash"
  }

  enum InfoKeys: String, CodingKey {
    case secret, algo, digits, period, counter, pin
  }

  /// Members in the order of their names, the order the sorted file shows them in, so that the
  /// encoder has nothing to reorder.
  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(favorite, forKey: .favorite)
    try container.encode(groups, forKey: .groups)
    // `icon` is always present (null without one); mime and hash only with an icon (§5.4).
    try container.encode(icon?.base64, forKey: .icon)
    if let icon {
      try container.encode(icon.hash, forKey: .iconHash)
      try container.encode(icon.mime, forKey: .iconMime)
    }
    var infoContainer = container.nestedContainer(keyedBy: InfoKeys.self, forKey: .info)
    try infoContainer.encodeIfPresent(info.algo, forKey: .algo)
    try infoContainer.encodeIfPresent(info.counter, forKey: .counter)
    try infoContainer.encodeIfPresent(info.digits, forKey: .digits)
    try infoContainer.encodeIfPresent(info.period, forKey: .period)
    // Without a PIN, "": Aegis drops an entry with no pin key (it reads it with getString) and
    // would take null as the text "null"; an empty PIN is one the user types in later.
    if hasPIN { try infoContainer.encode(info.pin ?? "", forKey: .pin) }
    try infoContainer.encode(info.secret, forKey: .secret)
    try container.encode(issuer, forKey: .issuer)
    try container.encode(name, forKey: .name)
    try container.encode(note, forKey: .note)
    try container.encode(type, forKey: .type)
    try container.encode(uuid, forKey: .uuid)
  }
}

/// The file as written: plain (`db` an object) or encrypted (`db` base64 text).
/// `Content` is the database (plain) or its base64 text (encrypted).
struct AegisWrittenVault<Content: Encodable>: Encodable {
  // `db`, `header`, `version`: in the order of their names, as the entry's members.
  var db: Content
  var header: AegisHeader
  var version = 1
}
