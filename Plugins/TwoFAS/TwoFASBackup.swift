import OTPCore

/// The JSON of a 2FAS backup (formats.md §6.1, §6.2), as read.
struct TwoFASBackup: Decodable {
  static let supportedSchemas = 1...4

  var schemaVersion: Int
  /// Empty when the services are encrypted.
  var services: [Lenient<TwoFASService>]
  var groups: [TwoFASGroup]
  /// `base64(ciphertext ‖ tag):base64(salt):base64(iv)` of the services array.
  var servicesEncrypted: String?
  /// The same for a fixed text: it tells a wrong password from damaged services.
  var reference: String?

  enum CodingKeys: String, CodingKey {
    case schemaVersion, services, groups, servicesEncrypted, reference
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
    guard Self.supportedSchemas.contains(schemaVersion) else { throw TwoFASSchemaFailure(version: schemaVersion) }
    services = try container.decodeIfPresent([Lenient<TwoFASService>].self, forKey: .services) ?? []
    groups = try container.decodeIfPresent([TwoFASGroup].self, forKey: .groups) ?? []
    servicesEncrypted = try container.decodeIfPresent(String.self, forKey: .servicesEncrypted)
    reference = try container.decodeIfPresent(String.self, forKey: .reference)
  }
}

/// A schema this reader does not know; turned into `OTPError.unsupportedVersion`.
struct TwoFASSchemaFailure: Error {
  var version: Int
}

struct TwoFASGroup: Codable {
  var id: String
  var name: String
  var isExpanded: Bool?
  var updatedAt: Int64?
}

/// One service as read. Schema 1 has no algorithm, digits or period; schema 2 no token type (so
/// every service is TOTP); schema 3 adds `tokenType` TOTP/HOTP, schema 4 STEAM (formats.md §6.1).
struct TwoFASService: Decodable {
  struct OTP: Decodable {
    var account: String?
    var label: String?
    var issuer: String?
    var digits: Int?
    var period: Int?
    var algorithm: String?
    var counter: UInt64?
    var tokenType: String?
  }

  var name: String?
  var secret: String
  var otp: OTP?
  var groupId: String?
}

/// A backup as written: schema 4, the field set of 2FAS for Android 5 (formats.md §6.1), which
/// 2FAS for iOS reads too.
struct TwoFASWrittenBackup: Encodable {
  var services: [TwoFASWrittenService]
  var groups: [TwoFASGroup]
  var updatedAt: Int64
  var schemaVersion = 4
  var appVersionCode = 5_000_009
  var appVersionName = "5.1.0"
  var appOrigin = "android"
  var servicesEncrypted: String?
  var reference: String?
}

struct TwoFASWrittenService: Encodable {
  struct OTP: Encodable {
    var link: String
    var label: String
    var account: String
    var issuer: String?
    var digits: Int
    var period: Int?
    var algorithm: String
    var counter: UInt64?
    var tokenType: String
    /// iOS refuses a schema 3 or 4 service without it.
    var source = "Link"
  }

  struct Order: Encodable {
    var position: Int
  }

  struct Icon: Encodable {
    struct Label: Encodable {
      var text: String
      var backgroundColor = "Default"
    }

    struct Collection: Encodable {
      /// 2FAS's default icon collection.
      var id = "a5b3fb65-4ec5-43e6-8ec1-49e24ca9e7ad"
    }

    var selected = "Label"
    var label: Label
    var iconCollection = Collection()
  }

  var name: String
  var secret: String
  var updatedAt: Int64
  var otp: OTP
  var order: Order
  var icon: Icon
  var groupId: String?
}
