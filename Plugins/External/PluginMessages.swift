import Foundation
import OTPCore
import OTPJSON

// The bodies of the external-plugin protocol, version 1 (docs/plugins.md). A field of a reply may
// be missing or null, and then its documented default holds; when it is there, it must have its
// documented type.

// MARK: - Requests

/// A file sent with `sniff` and `read`.
struct PluginFile: Encodable {
  var name: String
  var base64: String

  init(name: String, bytes: some Sequence<UInt8>) {
    self.name = name
    base64 = Data(bytes).base64EncodedString()
  }
}

struct DescribeRequest: Encodable {
  var `protocol` = ExternalFormat.protocolVersion
}

struct SniffRequest: Encodable {
  var `protocol` = ExternalFormat.protocolVersion
  var file: PluginFile
}

struct ReadRequest: Encodable {
  var `protocol` = ExternalFormat.protocolVersion
  var file: PluginFile
  var password: String?
}

struct WriteRequest: Encodable {
  var `protocol` = ExternalFormat.protocolVersion
  var password: String?
  var document: NeutralJSON.Document
}

// MARK: - Replies

/// `"protocol": 1`, checked as it is decoded.
struct ProtocolVersion: Decodable {
  /// The plugin speaks another version of the protocol (`found`), or does not say which.
  struct Mismatch: Error {
    var found: Int?
  }

  init(from decoder: any Decoder) throws {
    let found = try? decoder.singleValueContainer().decode(Int.self)
    guard found == ExternalFormat.protocolVersion else { throw Mismatch(found: found) }
  }
}

struct DescribeReply: Decodable {
  /// Decoded first: a plugin of another version fails on it, not on a field that version shapes otherwise.
  var `protocol`: ProtocolVersion
  var id: String
  var name: String?
  var extensions: [String]?
  var reads: Bool?
  var writes: Bool?
  var encryption: String?
  var summary: String?
  var capabilities: Capabilities

  // For a wrong shape and for wrong values alike.
  static let badDigits = "capabilities.digits is not [lowest, highest]"
  static let badPeriods = "capabilities.periods is neither {\"min\", \"max\"} nor {\"only\": [...]}"

  /// In the order otpbridge has always checked them.
  struct Capabilities: Decodable {
    var digits: [Int]
    var periods: Periods
    var kinds: [String]
    var algorithms: [String]
    var fields: [String]
  }

  /// `{"min": a, "max": b}` or `{"only": [a, b]}`.
  struct Periods: Decodable {
    var min: Int?
    var max: Int?
    var only: [Int]?
  }
}

struct SniffReply: Decodable {
  var confidence: String
}

/// The reply to `read`; the document decodes in the same pass as the rest.
struct ReadReply: Decodable {
  var error: PluginError?
  var findings: [PluginFinding]?
  var document: NeutralJSON.IncomingDocument?
}

struct WriteReply: Decodable {
  var error: PluginError?
  var base64: String?
  var findings: [PluginFinding]?
}

/// A reply's `"error"`.
struct PluginError: Decodable {
  var kind: String?
  var message: String?
  var version: String?
}

struct PluginFinding: Decodable {
  var severity: String?
  var code: String?
  var message: String?
  var line: Int?
  var entry: Int?
  var remedy: String?
  var skipped: Bool?

  /// The finding, with the plugin's own code in the shape every code has (upper case, digits and
  /// `_`, a letter first: "authenticator-extension.bad-secret" becomes
  /// AUTHENTICATOR_EXTENSION_BAD_SECRET); an unknown severity is a warning, and a line or entry
  /// below 1 (both count from 1) is no place.
  func finding(file: String) -> Finding {
    let place =
      line.flatMap { $0 >= 1 ? Origin.Place.line($0) : nil } ?? entry.flatMap { $0 >= 1 ? Origin.Place.entry($0) : nil }
      ?? .whole
    return Finding(
      Finding.Severity(rawValue: severity ?? "") ?? .warning, rawCode: Self.normalised(code), message ?? "",
      at: Origin(file: file, place: place), remedy: remedy, entrySkipped: skipped ?? false)
  }

  static func normalised(_ code: String?) -> String {
    let letters = String((code ?? "").prefix(64).uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    guard let first = letters.first, first.isLetter else { return ExternalCode.pluginFinding.rawValue }
    return letters
  }
}

extension PluginProcess {
  /// A reply that is a JSON object but not of its documented shape, as a failure: in the words
  /// otpbridge has always used for that field, else what is wrong and where.
  func failure(decoding error: any Error, request: String) -> OTPError {
    func protocolMismatch(_ found: Int?) -> OTPError {
      failure("it speaks protocol \(found.map(String.init) ?? "?"), otpbridge speaks \(ExternalFormat.protocolVersion)")
    }
    if let mismatch = error as? ProtocolVersion.Mismatch { return protocolMismatch(mismatch.found) }
    guard let error = error as? DecodingError else { return failure("its reply to '\(request)' is not valid: \(error)") }
    let names = error.pathNames
    switch (request, names.first, names.dropFirst().first) {
    case ("describe", "protocol"?, _): return protocolMismatch(nil)  // missing: ProtocolVersion sees the rest
    case ("describe", "id"?, _): return failure("its description has no valid \"id\"")
    case ("describe", "capabilities"?, nil): return failure("its description has no valid \"capabilities\"")
    case ("describe", "capabilities"?, "digits"?): return failure(DescribeReply.badDigits)
    case ("describe", "capabilities"?, "periods"?): return failure(DescribeReply.badPeriods)
    case ("describe", "capabilities"?, let list?): return failure("capabilities has no list \"\(list)\"")
    case (_, "findings"?, _) where names.count <= 2: return failure("\"findings\" is not a list of objects")
    case ("read", "document"?, _): return failure("its document is not valid otpbridge-json: \(error.summary())")
    case ("write", "base64"?, _): return failure("its reply to 'write' has no valid \"base64\"")
    default: return failure("its reply to '\(request)' is not valid: \(error.summary())")
    }
  }
}

extension DecodingError {
  /// The names on the way to the value at fault, a missing key's included; none for the whole text.
  var pathNames: [String] {
    switch self {
    case .keyNotFound(let key, let context): (context.codingPath + [key]).map(\.stringValue)
    case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context):
      context.codingPath.map(\.stringValue)
    @unknown default: []
    }
  }
}

/// The code otpbridge gives a plugin's finding that names none; others keep the plugin's own.
public enum ExternalCode: String, FindingCode {
  case pluginFinding = "PLUGIN_FINDING"
}
