import Foundation
import OTPContainers
import OTPCore
import OTPCrypto

/// The keys that open an encrypted PSKC container (RFC 6030 §6): an AES key, derived with PBKDF2
/// (§6.2) or pre-shared (§6.1), and the HMAC key and hash that check each value's `ValueMAC`.
struct PSKCProtection {
  enum MACHash {
    case sha1, sha256

    func mac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
      switch self {
      case .sha1: return Digest.hmacSHA1(key: key, message)
      case .sha256: return Digest.hmacSHA256(key: key, message)
      }
    }
  }

  /// Why a value would not open.
  enum Refusal: Error {
    /// The MAC does not match, or the padding does not check out: a wrong key, or damage.
    case refused
    case unsupported(String)
    case malformed(String)
  }

  var key: [UInt8]
  /// With nil the values carry no MAC that can be checked, and only the CBC padding tells.
  var mac: (hash: MACHash, key: [UInt8])?

  static let pbkdf2URI = "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2"

  /// The keys for `container`, from the password (PBKDF2) or the pre-shared key as hex text.
  static func open(_ container: XMLTree, password: String, file: String) throws -> PSKCProtection {
    let encryptionKey = container.child("EncryptionKey")
    let key: [UInt8]
    if let derived = encryptionKey?.child("DerivedKey") {
      key = try derive(derived, password: password, keyLength: cipherKeyLength(container), file: file)
    } else {
      // A pre-shared key (§6.1): named by ds:KeyName, given to us as hex through the password.
      let hex = password.filter { !$0.isWhitespace }
      guard let bytes = Hex.decode(hex), [16, 24, 32].contains(bytes.count) else {
        throw OTPError.invalidArgument(
          "\(file) is encrypted with a pre-shared key: give the AES key as 32, 48 or 64 hex digits in place of the password")
      }
      key = bytes
    }
    guard let method = container.child("MACMethod") else { return PSKCProtection(key: key, mac: nil) }
    let algorithm = method.attributes["Algorithm"] ?? ""
    let hash: MACHash
    if algorithm.hasSuffix("#hmac-sha1") {
      hash = .sha1
    } else if algorithm.hasSuffix("#hmac-sha256") {
      hash = .sha256
    } else {
      throw OTPError.unsupportedVersion(file: file, version: "MAC \(algorithm)", supported: "HMAC-SHA1 and HMAC-SHA256")
    }
    // Without a MACKey the encryption key is the MAC key (as in RFC 6030's draft examples).
    guard let macKey = method.child("MACKey") else { return PSKCProtection(key: key, mac: (hash, key)) }
    do {
      let opened = try PSKCProtection(key: key, mac: nil).decrypt(macKey)
      return PSKCProtection(key: key, mac: (hash, opened))
    } catch {
      switch error {
      case .refused:
        throw OTPError.wrongPassword(file: file)
      case .unsupported(let method):
        throw OTPError.unsupportedVersion(file: file, version: method, supported: "AES-128/192/256-CBC")
      case .malformed(let reason):
        throw OTPError.corrupted(file: file, place: "MACKey", reason: reason)
      }
    }
  }

  /// PBKDF2 (RFC 8018 §5.2) with the parameters of an xenc11:DerivedKey.
  static func derive(_ derived: XMLTree, password: String, keyLength: Int, file: String) throws -> [UInt8] {
    guard let method = derived.child("KeyDerivationMethod"), method.attributes["Algorithm"] == pbkdf2URI else {
      let algorithm = derived.child("KeyDerivationMethod")?.attributes["Algorithm"] ?? "none"
      throw OTPError.unsupportedVersion(file: file, version: "key derivation \(algorithm)", supported: "PBKDF2")
    }
    guard let parameters = method.child("PBKDF2-params"),
      let salt = parameters.descendant("Salt", "Specified").flatMap({ Data(base64Encoded: $0.text) }),
      let rounds = parameters.child("IterationCount").flatMap({ Int($0.text) }), rounds > 0
    else {
      throw OTPError.corrupted(file: file, place: "EncryptionKey", reason: "the PBKDF2 parameters are incomplete")
    }
    let length = parameters.child("KeyLength").flatMap { Int($0.text) } ?? keyLength
    let prf = parameters.child("PRF")?.attributes["Algorithm"] ?? "#hmac-sha1"
    let hash: KeyDerivation.Hash
    if prf.hasSuffix("#hmac-sha1") {
      hash = .sha1
    } else if prf.hasSuffix("#hmac-sha256") {
      hash = .sha256
    } else if prf.hasSuffix("#hmac-sha512") {
      hash = .sha512
    } else {
      throw OTPError.unsupportedVersion(file: file, version: "PBKDF2 with \(prf)", supported: "HMAC-SHA1, -SHA256, -SHA512")
    }
    return try KeyDerivation.pbkdf2(password: Array(password.utf8), salt: Array(salt), hash: hash, rounds: rounds, length: length)
  }

  /// The AES key size the container's first EncryptionMethod names, for a DerivedKey without KeyLength.
  static func cipherKeyLength(_ container: XMLTree) -> Int {
    firstCipher(in: container).flatMap(aesKeySize) ?? 16
  }

  static func firstCipher(in element: XMLTree) -> String? {
    if element.name == "EncryptionMethod" { return element.attributes["Algorithm"] }
    for child in element.children {
      if let found = firstCipher(in: child) { return found }
    }
    return nil
  }

  static func aesKeySize(_ algorithm: String) -> Int? {
    ["#aes128-cbc": 16, "#aes192-cbc": 24, "#aes256-cbc": 32].first { algorithm.hasSuffix($0.key) }?.value
  }

  /// The bytes of an EncryptedValue (or MACKey): its EncryptionMethod and CipherValue, the IV
  /// being the first 16 bytes of the CipherValue (XML Encryption §5.2).
  func decrypt(_ encrypted: XMLTree) throws(Refusal) -> [UInt8] {
    let algorithm = encrypted.child("EncryptionMethod")?.attributes["Algorithm"] ?? "none"
    guard let size = Self.aesKeySize(algorithm) else { throw .unsupported("encryption \(algorithm)") }
    // A pre-shared key of another size than the cipher's is simply not the key.
    guard size == key.count else { throw .refused }
    guard let text = encrypted.descendant("CipherData", "CipherValue")?.text, let data = Data(base64Encoded: text),
      data.count >= 32, data.count % 16 == 0
    else {
      throw .malformed("the CipherValue is not base64 of an IV and whole AES blocks")
    }
    let bytes = Array(data)
    do {
      return try Cipher.aesCBCDecrypt(key: key, iv: Array(bytes.prefix(16)), ciphertext: Array(bytes.dropFirst(16)))
    } catch {
      throw .refused
    }
  }

  /// Checks the ValueMAC beside an EncryptedValue (over IV ‖ ciphertext, RFC 6030 §6.1.1), then decrypts.
  func open(_ encrypted: XMLTree, valueMAC: XMLTree?) throws(Refusal) -> [UInt8] {
    if let mac {
      guard let macText = valueMAC?.text, let expected = Data(base64Encoded: macText) else {
        throw .malformed("the encrypted value has no ValueMAC")
      }
      guard let text = encrypted.descendant("CipherData", "CipherValue")?.text, let data = Data(base64Encoded: text) else {
        throw .malformed("the CipherValue is not base64")
      }
      guard Digest.constantTimeEqual(mac.hash.mac(key: mac.key, Array(data)), Array(expected)) else { throw .refused }
    }
    return try decrypt(encrypted)
  }
}

/// What an encrypted container is written with (RFC 6030 §6.2): a PBKDF2-HMAC-SHA256 key from
/// the new password and a fresh salt, AES-256-CBC, and a random HMAC-SHA256 key carried as the
/// MACKey, encrypted like the values.
struct PSKCSealing {
  static let rounds = 100_000
  static let hmacSHA256URI = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
  static let aes256URI = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"

  var salt: [UInt8]
  var key: [UInt8]
  var macKey: [UInt8]

  init(password: String) throws {
    salt = Cipher.randomBytes(16)
    key = try KeyDerivation.pbkdf2(password: Array(password.utf8), salt: salt, hash: .sha256, rounds: Self.rounds, length: 32)
    macKey = Cipher.randomBytes(32)
  }

  /// IV ‖ ciphertext, base64, as a CipherValue holds it.
  func cipherValue(_ plaintext: [UInt8]) throws -> [UInt8] {
    let iv = Cipher.randomBytes(16)
    return iv + (try Cipher.aesCBCEncrypt(key: key, iv: iv, plaintext: plaintext))
  }

  func valueMAC(_ cipherValue: [UInt8]) -> [UInt8] {
    Digest.hmacSHA256(key: macKey, cipherValue)
  }

  /// The EncryptionKey and MACMethod elements, one-space indented like the rest of the container.
  func headerLines() throws -> [String] {
    [
      " <pskc:EncryptionKey>",
      "  <xenc11:DerivedKey>",
      #"   <xenc11:KeyDerivationMethod Algorithm="\#(PSKCProtection.pbkdf2URI)">"#,
      "    <xenc11:PBKDF2-params>",
      "     <Salt><Specified>\(Data(salt).base64EncodedString())</Specified></Salt>",
      "     <IterationCount>\(Self.rounds)</IterationCount>",
      "     <KeyLength>32</KeyLength>",
      #"     <PRF Algorithm="\#(Self.hmacSHA256URI)"/>"#,
      "    </xenc11:PBKDF2-params>",
      "   </xenc11:KeyDerivationMethod>",
      "  </xenc11:DerivedKey>",
      " </pskc:EncryptionKey>",
      #" <pskc:MACMethod Algorithm="\#(Self.hmacSHA256URI)">"#,
      "  <pskc:MACKey>",
    ] + encryptedLines(try cipherValue(macKey), indent: 3) + [
      "  </pskc:MACKey>",
      " </pskc:MACMethod>",
    ]
  }

  /// EncryptionMethod and CipherData, as inside an EncryptedValue or the MACKey.
  func encryptedLines(_ cipherValue: [UInt8], indent: Int) -> [String] {
    let pad = String(repeating: " ", count: indent)
    return [
      pad + #"<xenc:EncryptionMethod Algorithm="\#(Self.aes256URI)"/>"#,
      pad + "<xenc:CipherData>",
      pad + " <xenc:CipherValue>\(Data(cipherValue).base64EncodedString())</xenc:CipherValue>",
      pad + "</xenc:CipherData>",
    ]
  }
}
