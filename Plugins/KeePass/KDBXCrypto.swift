import Foundation
import OTPContainers
import OTPCore
import OTPCrypto

/// The keys and the encrypted payload of a KeePass database: the composite key of a password and a
/// key file, the key derivation, and the two payload framings (KDBX 3.1's hashed blocks after a
/// start-bytes check, KDBX 4's HMAC-checked blocks after a header HMAC).
enum KDBXCrypto {
  /// SHA-256 over the password's SHA-256 followed by the key file's key (either may be absent).
  static func compositeKey(password: String?, keyFile: KeyFile?) throws -> [UInt8] {
    var parts: [UInt8] = []
    if let password { parts += Digest.sha256(Array(password.utf8)) }
    if let keyFile { parts += try keyFileKey(keyFile.bytes, file: keyFile.name) }
    return Digest.sha256(parts)
  }

  /// The 32 bytes a key file stands for: KeePass's XML key file (version 1.0: base64; 2.0: hex
  /// with a 4-byte SHA-256 check), 32 raw bytes, 64 hexadecimal digits, or else the SHA-256 of
  /// the whole file.
  static func keyFileKey(_ bytes: [UInt8], file: String) throws -> [UInt8] {
    if bytes.count == 32 { return bytes }
    if bytes.count == 64, let key = Hex.decode(String(decoding: bytes, as: UTF8.self)) { return key }
    if let text = String(validating: bytes.prefix(4096), as: UTF8.self), text.contains("<KeyFile"),
      let tree = XMLTree.parse(bytes), tree.name == "KeyFile", let data = tree.descendant("Key", "Data")
    {
      let version = tree.descendant("Meta", "Version")?.text ?? "1.0"
      if version.hasPrefix("2") {
        guard let key = Hex.decode(data.text.filter { !$0.isWhitespace }) else {
          throw OTPError.corrupted(file: file, place: "key file", reason: "the key file's Data is not hexadecimal")
        }
        if let hash = data.attributes["Hash"], Hex.decode(hash) != Array(Digest.sha256(key).prefix(4)) {
          throw OTPError.corrupted(file: file, place: "key file", reason: "the key file's Data does not match its Hash")
        }
        return key
      }
      guard let key = Data(base64Encoded: data.text) else {
        throw OTPError.corrupted(file: file, place: "key file", reason: "the key file's Data is not base64")
      }
      return Array(key)
    }
    return Digest.sha256(bytes)
  }

  /// The derived key: AES-KDF or Argon2 over the composite key, after checking the cost against
  /// `limits` (a hostile header could ask for hours or terabytes).
  static func transformedKey(_ composite: [UInt8], kdf: KDBXHeader.KDF, limits: Limits, file: String) throws -> [UInt8] {
    switch kdf {
    case .aes(let seed, let rounds):
      try limits.checkAESKDF(rounds: rounds, file: file, place: "header")
      return try KeyDerivation.aesKDF(key: composite, seed: seed, rounds: rounds)
    case .argon2(let variant, let salt, let iterations, let memoryBytes, let parallelism, let version):
      let memoryKiB = memoryBytes / 1024
      try limits.checkArgon2Work(
        memoryKiB: Int(clamping: memoryKiB), passes: Int(clamping: iterations), file: file, memoryName: "header M",
        passesName: "header I")
      // libargon2 runs a thread a lane; KeePassXC gives a lane to each of the machine's threads.
      guard parallelism <= 256 else {
        throw Limits.refusal(file: file, place: "header P", parameter: "the Argon2 lanes", value: "\(parallelism)", limit: "256")
      }
      do {
        return try KeyDerivation.argon2(
          variant == .d ? .argon2d : .argon2id, version: version, password: composite, salt: salt, iterations: Int(iterations),
          memoryKiB: Int(memoryKiB), parallelism: Int(parallelism), length: 32)
      } catch {
        throw OTPError.corrupted(file: file, place: "header", reason: "\(error)")
      }
    }
  }

  /// What the payload decrypts to, and what the file's start says about itself.
  struct Opened {
    var header: KDBXHeader
    /// The inner random stream and its key (from the outer header in KDBX 3.1, the inner in 4).
    var innerStream: KDBXHeader.InnerStream
    var innerStreamKey: [UInt8]
    var xml: [UInt8]
  }

  /// Opens `data`, whose header the caller parsed; `limits` are the reader's budgeted ones (a
  /// database inside an archive shares its budget).
  static func open(_ data: [UInt8], header: KDBXHeader, password: String?, keyFile: KeyFile?, limits: Limits, file: String)
    throws -> Opened
  {
    let composite = try compositeKey(password: password, keyFile: keyFile)
    let transformed = try transformedKey(composite, kdf: header.kdf, limits: limits, file: file)
    let cipherKey = Digest.sha256(header.masterSeed + transformed)
    return header.isVersion4
      ? try openVersion4(data, header: header, transformed: transformed, cipherKey: cipherKey, limits: limits, file: file)
      : try openVersion3(data, header: header, cipherKey: cipherKey, limits: limits, file: file)
  }

  static func openVersion3(_ data: [UInt8], header: KDBXHeader, cipherKey: [UInt8], limits: Limits, file: String) throws -> Opened
  {
    let encrypted = Array(data[header.bytes.count...])
    // Cut short or not whole blocks: said before any key is tried, so it is not a wrong password.
    guard encrypted.count >= 32, header.cipher == .chacha20 || encrypted.count % 16 == 0 else {
      throw OTPError.corrupted(file: file, place: "payload", reason: "the encrypted payload is cut short")
    }
    let plain = try decrypt(encrypted, header: header, key: cipherKey, file: file) {
      // The first 32 bytes decrypt to the header's start bytes only with the right key.
      Digest.constantTimeEqual(Array($0.prefix(32)), header.streamStartBytes)
    }
    // Hashed blocks: index, SHA-256, size, data; a block of size 0 ends them.
    var reader = LittleEndianReader(plain, file: file, what: "payload", offset: 32)
    var content: [UInt8] = []
    var index: UInt32 = 0
    while true {
      let storedIndex = try reader.uint32()
      let hash = try reader.bytes(32)
      let size = Int(try reader.uint32())
      guard storedIndex == index else { throw damaged("block \(index) is numbered \(storedIndex)", file: file) }
      if size == 0 { break }
      let block = try reader.bytes(size)
      guard Digest.sha256(block) == hash else { throw damaged("block \(index) fails its SHA-256", file: file) }
      content += block
      index += 1
    }
    let xml = try decompressed(content, header: header, limits: limits, file: file)
    return Opened(
      header: header, innerStream: header.innerStream ?? .salsa20, innerStreamKey: header.protectedStreamKey, xml: xml)
  }

  static func openVersion4(
    _ data: [UInt8], header: KDBXHeader, transformed: [UInt8], cipherKey: [UInt8], limits: Limits, file: String
  ) throws -> Opened {
    // The header's SHA-256 was checked as it was parsed.
    var reader = LittleEndianReader(data, file: file, what: "file", offset: header.bytes.count + 32)
    let hmacBase = Digest.sha512(header.masterSeed + transformed + [1])
    guard Digest.constantTimeEqual(try reader.bytes(32), hmac(header.bytes, index: .max, base: hmacBase)) else {
      throw OTPError.wrongPassword(file: file)
    }
    // HMAC blocks: MAC, size, data; a block of size 0 ends them.
    var encrypted: [UInt8] = []
    var index: UInt64 = 0
    while true {
      let mac = try reader.bytes(32)
      let sizeBytes = try reader.bytes(4)
      let size = Int(LittleEndianReader.number(sizeBytes))
      let block = try reader.bytes(size)
      guard
        Digest.constantTimeEqual(
          mac, hmac(LittleEndianWriter.bytes(of: index, count: 8) + sizeBytes + block, index: index, base: hmacBase))
      else { throw damaged("block \(index) fails its HMAC", file: file) }
      if size == 0 { break }
      encrypted += block
      index += 1
    }
    let plain = try decrypt(encrypted, header: header, key: cipherKey, file: file) { _ in true }
    let content = try decompressed(plain, header: header, limits: limits, file: file)
    // The inner header: the protected values' stream and key, then attachments (not read).
    var inner = LittleEndianReader(content, file: file, what: "inner header")
    var stream: KDBXHeader.InnerStream?
    var streamKey: [UInt8] = []
    while true {
      let id = try inner.uint8()
      let value = try inner.bytes(Int(try inner.uint32()))
      if id == 0 { break }
      if id == 1 { stream = try KDBXHeader.innerStream(value, file: file) }
      if id == 2 { streamKey = value }
    }
    guard let stream, !streamKey.isEmpty else {
      throw damaged("the inner header names no protected-value stream and key", file: file)
    }
    return Opened(header: header, innerStream: stream, innerStreamKey: streamKey, xml: Array(content[inner.offset...]))
  }

  /// A KDBX 4.0 file holding `xml`, whose protected values are already masked with the ChaCha20
  /// stream of `innerStreamKey`: gzip, then the cipher, in HMAC-checked blocks of 1 MiB.
  static func seal(xml: [UInt8], innerStreamKey: [UInt8], password: String, cipher: KDBXHeader.Cipher, kdf: KDBXHeader.KDF)
    throws -> [UInt8]
  {
    let header = KDBXHeader(
      major: 4, minor: 0, cipher: cipher, compressed: true, masterSeed: Cipher.randomBytes(32),
      encryptionIV: Cipher.randomBytes(cipher.ivLength), kdf: kdf)
    let headerBytes = header.serialized()
    let composite = try compositeKey(password: password, keyFile: nil)
    let transformed = try transformedKey(composite, kdf: kdf, limits: .standard, file: "the new database")
    let cipherKey = Digest.sha256(header.masterSeed + transformed)
    let hmacBase = Digest.sha512(header.masterSeed + transformed + [1])

    var inner = LittleEndianWriter()
    for (id, value) in [
      (UInt8(1), LittleEndianWriter.bytes(of: UInt64(KDBXHeader.InnerStream.chacha20.rawValue), count: 4)), (2, innerStreamKey),
      (0, []),
    ] {
      inner.uint8(id)
      inner.uint32(UInt32(value.count))
      inner.append(value)
    }
    let plain = Gzip.compress(inner.bytes + xml)
    let encrypted: [UInt8]
    switch cipher {
    case .chacha20:
      encrypted = try RawCipher.chacha20(key: cipherKey, nonce: header.encryptionIV, plain)
    case .aes256, .twofish:
      let padding = 16 - plain.count % 16
      encrypted = try RawCipher.cbc(
        cipher == .aes256 ? .aes256 : .twofish, encrypt: true, key: cipherKey, iv: header.encryptionIV,
        plain + [UInt8](repeating: UInt8(padding), count: padding))
    }

    var output = LittleEndianWriter()
    output.append(headerBytes)
    output.append(Digest.sha256(headerBytes))
    output.append(hmac(headerBytes, index: .max, base: hmacBase))
    // Blocks of data, then an empty block that ends them.
    var index: UInt64 = 0
    var start = 0
    while true {
      let block = Array(encrypted[start..<min(start + blockSize, encrypted.count)])
      let size = LittleEndianWriter.bytes(of: UInt64(block.count), count: 4)
      output.append(hmac(LittleEndianWriter.bytes(of: index, count: 8) + size + block, index: index, base: hmacBase))
      output.append(size)
      output.append(block)
      if block.isEmpty { break }
      start += block.count
      index += 1
    }
    return output.bytes
  }

  static let blockSize = 1 << 20

  /// HMAC-SHA-256 of `message` with block `index`'s key (the header's index is all ones).
  static func hmac(_ message: [UInt8], index: UInt64, base: [UInt8]) -> [UInt8] {
    Digest.hmacSHA256(key: Digest.sha512(LittleEndianWriter.bytes(of: index, count: 8) + base), message)
  }

  /// Decrypts the payload; `rightKey` checks the plain text before the padding is trusted (KDBX
  /// 3.1's start bytes). CBC padding that does not check out after that is damage.
  static func decrypt(_ data: [UInt8], header: KDBXHeader, key: [UInt8], file: String, rightKey: ([UInt8]) -> Bool) throws
    -> [UInt8]
  {
    var plain: [UInt8]
    do {
      switch header.cipher {
      case .chacha20: plain = try RawCipher.chacha20(key: key, nonce: header.encryptionIV, data)
      case .aes256: plain = try RawCipher.cbc(.aes256, encrypt: false, key: key, iv: header.encryptionIV, data)
      case .twofish: plain = try RawCipher.cbc(.twofish, encrypt: false, key: key, iv: header.encryptionIV, data)
      }
    } catch {
      throw OTPError.corrupted(file: file, place: "payload", reason: "the encrypted payload is not whole cipher blocks")
    }
    guard rightKey(plain) else { throw OTPError.wrongPassword(file: file) }
    if header.cipher != .chacha20 {
      guard let padding = plain.last, (1...16).contains(padding), plain.count >= Int(padding),
        plain.suffix(Int(padding)).allSatisfy({ $0 == padding })
      else { throw damaged("the payload's padding does not check out", file: file) }
      plain.removeLast(Int(padding))
    }
    return plain
  }

  static func decompressed(_ bytes: [UInt8], header: KDBXHeader, limits: Limits, file: String) throws -> [UInt8] {
    guard header.compressed else { return bytes }
    do {
      return try Gzip.decompress(bytes, limit: limits.decompressedBytes)
    } catch .tooLarge {
      throw Limits.refusal(
        file: file, place: "payload", parameter: "the decompressed database",
        value: "larger than \(limits.decompressedBytes >> 20) MiB",
        limit: "\(limits.decompressedBytes >> 20) MiB")
    } catch .malformed(let reason) {
      throw damaged(reason, file: file)
    }
  }

  static func damaged(_ reason: String, file: String) -> OTPError {
    OTPError.corrupted(file: file, place: "payload", reason: "\(reason): the password is right, but the file is damaged")
  }

  /// The protected values' stream: Salsa20 keyed by SHA-256 of the key with KeePass's fixed
  /// nonce, or ChaCha20 keyed and nonced by SHA-512 of the key.
  static func innerStreamXOR(_ data: [UInt8], stream: KDBXHeader.InnerStream, key: [UInt8]) throws -> [UInt8] {
    switch stream {
    case .salsa20:
      return try RawCipher.salsa20(key: Digest.sha256(key), nonce: [0xE8, 0x30, 0x09, 0x4B, 0x97, 0x20, 0x5D, 0x2A], data)
    case .chacha20:
      let hash = Digest.sha512(key)
      return try RawCipher.chacha20(key: Array(hash[0..<32]), nonce: Array(hash[32..<44]), data)
    }
  }
}
