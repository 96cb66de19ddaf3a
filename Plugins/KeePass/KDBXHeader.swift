import OTPCore
import OTPCrypto

/// The outer header of a KeePass database (KDBX 3.1 and 4.x): the signatures, the version, then
/// fields of (id, length, data) up to an end field. KDBX 3.1 gives lengths in 2 bytes and keeps the
/// key derivation's seed and rounds in fields of their own; KDBX 4 gives lengths in 4 bytes and
/// keeps the key derivation's parameters in one variant dictionary.
struct KDBXHeader {
  static let signature1: UInt32 = 0x9AA2_D903
  static let signature2: UInt32 = 0xB54B_FB67
  /// KeePass 1's .kdb files share the first signature.
  static let kdbSignature2: UInt32 = 0xB54B_FB65

  enum Cipher: Equatable {
    case aes256, chacha20, twofish

    static let uuids: [(uuid: [UInt8], cipher: Cipher)] = [
      (Hex.decode("31c1f2e6bf714350be5805216afc5aff")!, .aes256),
      (Hex.decode("d6038a2b8b6f4cb5a524339a31dbb59a")!, .chacha20),
      (Hex.decode("ad68f29f576f4bb9a36ad47af965346c")!, .twofish),
    ]
    var uuid: [UInt8] { Self.uuids.first { $0.cipher == self }!.uuid }
    var ivLength: Int { self == .chacha20 ? 12 : 16 }
  }

  enum KDF: Equatable {
    case aes(seed: [UInt8], rounds: UInt64)
    case argon2(
      variant: Argon2Variant, salt: [UInt8], iterations: UInt64, memoryBytes: UInt64, parallelism: UInt32, version: UInt32)

    enum Argon2Variant: Equatable { case d, id }

    static let aesUUIDs = [Hex.decode("c9d9f39a628a4460bf740d08c18a4fea")!, Hex.decode("7c02bb8279a74ac0927d114a00648238")!]
    static let argon2dUUID = Hex.decode("ef636ddf8c29444b91f7a9a403e30a0c")!
    static let argon2idUUID = Hex.decode("9e298b1956db4773b23dfc3ec6f0a1e6")!
  }

  enum InnerStream: UInt32 {
    case salsa20 = 2, chacha20 = 3
  }

  var major: UInt16
  var minor: UInt16
  var cipher: Cipher
  var compressed: Bool
  var masterSeed: [UInt8]
  var encryptionIV: [UInt8]
  var kdf: KDF
  /// KDBX 3.1 only (KDBX 4 keeps these in the inner header).
  var protectedStreamKey: [UInt8] = []
  var streamStartBytes: [UInt8] = []
  var innerStream: InnerStream?
  /// The header's bytes as stored, from the first signature to the end of the end field.
  var bytes: [UInt8] = []

  var isVersion4: Bool { major >= 4 }

  enum Field: UInt8 {
    case end = 0, comment, cipherID, compressionFlags, masterSeed, transformSeed, transformRounds, encryptionIV,
      protectedStreamKey, streamStartBytes, innerRandomStreamID, kdfParameters, publicCustomData
  }

  /// Reads the header at the start of `data`, naming `file` in errors.
  static func parse(_ data: [UInt8], file: String) throws -> KDBXHeader {
    var reader = LittleEndianReader(data, file: file, what: "header")
    let first = try reader.uint32(), second = try reader.uint32()
    guard first == signature1 else { throw OTPError.corrupted(file: file, place: "byte 0", reason: "not a KeePass database") }
    if second == kdbSignature2 {
      throw OTPError.unsupportedVersion(
        file: file, version: "KeePass 1 (.kdb)", supported: "KDBX 3.1 and 4.x (KeePass 2, KeePassXC)")
    }
    guard second == signature2 else {
      throw OTPError.unsupportedVersion(file: file, version: "a pre-release KDBX", supported: "KDBX 3.1 and 4.x")
    }
    let minor = try reader.uint16(), major = try reader.uint16()
    guard major == 3 || major == 4 else {
      throw OTPError.unsupportedVersion(file: file, version: "KDBX \(major).\(minor)", supported: "KDBX 3.1 and 4.x")
    }
    var fields: [Field: [UInt8]] = [:]
    while true {
      let id = try reader.uint8()
      let length = major >= 4 ? Int(try reader.uint32()) : Int(try reader.uint16())
      let value = try reader.bytes(length)
      guard let field = Field(rawValue: id) else { continue }  // KeePass skips fields it does not know too
      if field == .end { break }
      fields[field] = value
    }
    func required(_ field: Field, _ name: String, length: Int? = nil) throws -> [UInt8] {
      guard let value = fields[field] else {
        throw OTPError.corrupted(file: file, place: "header", reason: "the header has no \(name)")
      }
      if let length, value.count != length {
        throw OTPError.corrupted(file: file, place: "header", reason: "the \(name) has \(value.count) bytes, not \(length)")
      }
      return value
    }
    let cipherID = try required(.cipherID, "cipher", length: 16)
    guard let cipher = Cipher.uuids.first(where: { $0.uuid == cipherID })?.cipher else {
      throw OTPError.unsupportedVersion(
        file: file, version: "cipher \(Hex.encode(cipherID))", supported: "AES-256, ChaCha20 and Twofish")
    }
    let compression = try required(.compressionFlags, "compression flag", length: 4)
    let compressionFlag = LittleEndianReader.number(compression)
    guard compressionFlag <= 1 else {
      throw OTPError.unsupportedVersion(file: file, version: "compression \(compressionFlag)", supported: "none or gzip")
    }
    let kdf: KDF
    if major >= 4 {
      kdf = try parseKDF(try required(.kdfParameters, "key derivation parameters"), file: file)
    } else {
      let rounds = try required(.transformRounds, "AES-KDF rounds", length: 8)
      kdf = .aes(
        seed: try required(.transformSeed, "AES-KDF seed", length: 32),
        rounds: LittleEndianReader.number(rounds))
    }
    var header = KDBXHeader(
      major: major, minor: minor, cipher: cipher, compressed: compressionFlag == 1,
      masterSeed: try required(.masterSeed, "master seed", length: 32),
      encryptionIV: try required(.encryptionIV, "encryption IV", length: cipher.ivLength), kdf: kdf)
    if major < 4 {
      header.protectedStreamKey = try required(.protectedStreamKey, "protected stream key")
      header.streamStartBytes = try required(.streamStartBytes, "stream start bytes", length: 32)
      header.innerStream = try innerStream(try required(.innerRandomStreamID, "inner stream id", length: 4), file: file)
    }
    header.bytes = Array(data[0..<reader.offset])
    // KDBX 4 follows the header with its SHA-256: damage to the header (a flipped key-derivation
    // cost) is said before a password is asked for or a key derived.
    if major >= 4, try reader.bytes(32) != Digest.sha256(header.bytes) {
      throw OTPError.corrupted(file: file, place: "header", reason: "the header fails its SHA-256: the file is damaged")
    }
    return header
  }

  static func innerStream(_ value: [UInt8], file: String) throws -> InnerStream {
    let id = UInt32(truncatingIfNeeded: LittleEndianReader.number(value))
    guard let stream = InnerStream(rawValue: id) else {
      throw OTPError.unsupportedVersion(
        file: file, version: id == 1 ? "the ArcFour inner stream" : "inner stream \(id)", supported: "Salsa20 and ChaCha20")
    }
    return stream
  }

  static func parseKDF(_ bytes: [UInt8], file: String) throws -> KDF {
    let parameters = try VariantDictionary.parse(bytes, file: file, what: "key derivation parameters")
    func value(_ key: String) throws -> VariantDictionary.Value {
      guard let value = parameters[key] else {
        throw OTPError.corrupted(file: file, place: "header", reason: "the key derivation parameters have no \"\(key)\"")
      }
      return value
    }
    guard case .bytes(let uuid) = try value("$UUID") else {
      throw OTPError.corrupted(file: file, place: "header", reason: "the key derivation's $UUID is not bytes")
    }
    if KDF.aesUUIDs.contains(uuid) {
      guard case .bytes(let seed) = try value("S"), seed.count == 32, let rounds = try value("R").unsigned else {
        throw OTPError.corrupted(file: file, place: "header", reason: "the AES-KDF parameters are not a 32-byte seed and rounds")
      }
      return .aes(seed: seed, rounds: rounds)
    }
    let variant: KDF.Argon2Variant
    switch uuid {
    case KDF.argon2dUUID: variant = .d
    case KDF.argon2idUUID: variant = .id
    default:
      throw OTPError.unsupportedVersion(
        file: file, version: "key derivation \(Hex.encode(uuid))", supported: "AES-KDF, Argon2d and Argon2id")
    }
    guard case .bytes(let salt) = try value("S"), let iterations = try value("I").unsigned,
      let memory = try value("M").unsigned, let parallelism = try value("P").unsigned, let version = try value("V").unsigned,
      parallelism <= UInt64(UInt32.max)
    else {
      throw OTPError.corrupted(file: file, place: "header", reason: "the Argon2 parameters are not of the expected types")
    }
    // What Argon2 itself requires (RFC 9106 §3.1): else libargon2 refuses, without saying where.
    guard salt.count >= 8, iterations >= 1, parallelism >= 1, memory / 1024 >= 8 * parallelism else {
      throw OTPError.corrupted(
        file: file, place: "header",
        reason: "the Argon2 parameters are impossible (a salt under 8 bytes, no passes, no lanes, or less than 8 KiB a lane)")
    }
    if parameters["K"] != nil || parameters["A"] != nil {
      throw OTPError.unsupportedVersion(
        file: file, version: "Argon2 with a secret key or associated data",
        supported: "Argon2 with salt, passes, memory and lanes")
    }
    guard version == 0x10 || version == 0x13 else {
      throw OTPError.unsupportedVersion(
        file: file, version: "Argon2 version \(version)", supported: "Argon2 versions 0x10 and 0x13")
    }
    return .argon2(
      variant: variant, salt: salt, iterations: iterations, memoryBytes: memory, parallelism: UInt32(parallelism),
      version: UInt32(version))
  }

  /// The KDBX 4 header for writing: the signatures, version 4.0, and the fields, ending with the
  /// end field.
  func serialized() -> [UInt8] {
    var writer = LittleEndianWriter()
    writer.uint32(Self.signature1)
    writer.uint32(Self.signature2)
    writer.uint16(0)
    writer.uint16(4)
    func field(_ field: Field, _ value: [UInt8]) {
      writer.uint8(field.rawValue)
      writer.uint32(UInt32(value.count))
      writer.append(value)
    }
    field(.cipherID, cipher.uuid)
    field(.compressionFlags, [compressed ? 1 : 0, 0, 0, 0])
    field(.masterSeed, masterSeed)
    field(.encryptionIV, encryptionIV)
    var parameters = VariantDictionary()
    switch kdf {
    case .aes(let seed, let rounds):
      parameters.append("$UUID", .bytes(KDF.aesUUIDs[0]))  // KeePass's own AES-KDF id
      parameters.append("R", .uint64(rounds))
      parameters.append("S", .bytes(seed))
    case .argon2(let variant, let salt, let iterations, let memoryBytes, let parallelism, let version):
      parameters.append("$UUID", .bytes(variant == .d ? KDF.argon2dUUID : KDF.argon2idUUID))
      parameters.append("S", .bytes(salt))
      parameters.append("P", .uint32(parallelism))
      parameters.append("M", .uint64(memoryBytes))
      parameters.append("I", .uint64(iterations))
      parameters.append("V", .uint32(version))
    }
    field(.kdfParameters, parameters.serialized())
    field(.end, [0x0D, 0x0A, 0x0D, 0x0A])
    return writer.bytes
  }
}

/// KDBX 4's typed key–value list (the key derivation's parameters, custom data).
struct VariantDictionary {
  enum Value: Equatable {
    case uint32(UInt32), uint64(UInt64), bool(Bool), int32(Int32), int64(Int64), string(String), bytes([UInt8])

    var unsigned: UInt64? {
      switch self {
      case .uint32(let value): return UInt64(value)
      case .uint64(let value): return value
      case .int32(let value): return value >= 0 ? UInt64(value) : nil
      case .int64(let value): return value >= 0 ? UInt64(value) : nil
      default: return nil
      }
    }
  }

  private(set) var items: [(key: String, value: Value)] = []

  subscript(key: String) -> Value? { items.first { $0.key == key }?.value }

  mutating func append(_ key: String, _ value: Value) { items.append((key, value)) }

  static func parse(_ bytes: [UInt8], file: String, what: String) throws -> VariantDictionary {
    var reader = LittleEndianReader(bytes, file: file, what: what)
    let version = try reader.uint16()
    guard version >> 8 == 1 else {
      throw OTPError.unsupportedVersion(file: file, version: "\(what) version \(version >> 8)", supported: "version 1")
    }
    var dictionary = VariantDictionary()
    while true {
      let type = try reader.uint8()
      if type == 0 { break }
      let key = String(decoding: try reader.bytes(Int(try reader.uint32())), as: UTF8.self)
      let value = try reader.bytes(Int(try reader.uint32()))
      func fixed(_ count: Int) throws -> UInt64 {
        guard value.count == count else {
          throw OTPError.corrupted(
            file: file, place: "header", reason: "the \(what)' \"\(key)\" has \(value.count) bytes, not \(count)")
        }
        return LittleEndianReader.number(value)
      }
      switch type {
      case 0x04: dictionary.append(key, .uint32(UInt32(try fixed(4))))
      case 0x05: dictionary.append(key, .uint64(try fixed(8)))
      case 0x08: dictionary.append(key, .bool(try fixed(1) != 0))
      case 0x0C: dictionary.append(key, .int32(Int32(bitPattern: UInt32(try fixed(4)))))
      case 0x0D: dictionary.append(key, .int64(Int64(bitPattern: try fixed(8))))
      case 0x18: dictionary.append(key, .string(String(decoding: value, as: UTF8.self)))
      case 0x42: dictionary.append(key, .bytes(value))
      default:
        throw OTPError.corrupted(file: file, place: "header", reason: "the \(what) hold a value of unknown type \(type)")
      }
    }
    return dictionary
  }

  func serialized() -> [UInt8] {
    var writer = LittleEndianWriter()
    writer.uint16(0x0100)
    for (key, value) in items {
      let (type, data): (UInt8, [UInt8])
      switch value {
      case .uint32(let number): (type, data) = (0x04, LittleEndianWriter.bytes(of: UInt64(number), count: 4))
      case .uint64(let number): (type, data) = (0x05, LittleEndianWriter.bytes(of: number, count: 8))
      case .bool(let flag): (type, data) = (0x08, [flag ? 1 : 0])
      case .int32(let number): (type, data) = (0x0C, LittleEndianWriter.bytes(of: UInt64(UInt32(bitPattern: number)), count: 4))
      case .int64(let number): (type, data) = (0x0D, LittleEndianWriter.bytes(of: UInt64(bitPattern: number), count: 8))
      case .string(let text): (type, data) = (0x18, Array(text.utf8))
      case .bytes(let bytes): (type, data) = (0x42, bytes)
      }
      writer.uint8(type)
      writer.uint32(UInt32(key.utf8.count))
      writer.append(Array(key.utf8))
      writer.uint32(UInt32(data.count))
      writer.append(data)
    }
    writer.uint8(0)
    return writer.bytes
  }
}

/// Reads little-endian numbers and byte runs; running past the end is damage in `what`.
struct LittleEndianReader {
  let data: [UInt8]
  let file: String
  let what: String
  private(set) var offset = 0

  init(_ data: [UInt8], file: String, what: String, offset: Int = 0) {
    self.data = data
    self.file = file
    self.what = what
    self.offset = offset
  }

  mutating func bytes(_ count: Int) throws -> [UInt8] {
    guard count >= 0, count <= data.count - offset else {
      throw OTPError.corrupted(file: file, place: "byte \(offset)", reason: "the \(what) is cut short")
    }
    defer { offset += count }
    return Array(data[offset..<(offset + count)])
  }

  /// Little-endian bytes (at most 8) as a number.
  static func number(_ bytes: some BidirectionalCollection<UInt8>) -> UInt64 {
    bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  mutating func number(_ count: Int) throws -> UInt64 {
    Self.number(try bytes(count))
  }

  mutating func uint8() throws -> UInt8 { UInt8(try number(1)) }
  mutating func uint16() throws -> UInt16 { UInt16(try number(2)) }
  mutating func uint32() throws -> UInt32 { UInt32(try number(4)) }
}

struct LittleEndianWriter {
  var bytes: [UInt8] = []

  static func bytes(of value: UInt64, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
  }

  mutating func append(_ data: [UInt8]) { bytes += data }
  mutating func uint8(_ value: UInt8) { bytes.append(value) }
  mutating func uint16(_ value: UInt16) { bytes += Self.bytes(of: UInt64(value), count: 2) }
  mutating func uint32(_ value: UInt32) { bytes += Self.bytes(of: UInt64(value), count: 4) }
}
