import Crypto
import Foundation

/// One-time codes: HOTP (RFC 4226), TOTP (RFC 6238), Steam Guard and mOTP.
public enum CodeGenerator {
  /// Why an account has no code.
  public enum Failure: Error, Equatable, CustomStringConvertible {
    case unsupportedKind(OTPKind)
    case unsupportedAlgorithm(HashAlgorithm, OTPKind)
    case missingPIN
    case invalidDigits(Int)
    case invalidPeriod(Int)
    case emptySecret

    public var description: String {
      switch self {
      case .unsupportedKind(let kind): return "codes for \(kind.rawValue) accounts are not computed yet"
      case .unsupportedAlgorithm(let algorithm, let kind):
        return "\(algorithm.rawValue) is not an algorithm for \(kind.rawValue)"
      case .missingPIN: return "an mOTP code needs the PIN, which the file does not hold"
      case .invalidDigits(let digits): return "\(digits) digits is outside 1–10"
      case .invalidPeriod(let period): return "a period of \(period) s is not positive"
      case .emptySecret: return "the secret is empty"
      }
    }
  }

  static let steamAlphabet = Array("23456789BCDFGHJKMNPQRTVWXY")

  /// The code of `account` at `time` (Unix seconds). HOTP uses the stored counter and never
  /// advances it.
  public static func code(for account: Account, at time: Int64) throws(Failure) -> String {
    switch account.kind {
    case .hotp:
      return try code(for: account, counter: account.counter)
    case .totp, .steam:
      guard account.period > 0 else { throw .invalidPeriod(account.period) }
      return try code(for: account, counter: UInt64(max(0, time) / Int64(account.period)))
    case .motp:
      return try mOTP(account, at: time)
    case .yandex:
      throw .unsupportedKind(.yandex)
    }
  }

  /// The code of a counter-driven kind for an explicit counter (HOTP), or of a time-step (TOTP).
  public static func code(for account: Account, counter: UInt64) throws(Failure) -> String {
    guard !account.secret.isEmpty else { throw .emptySecret }
    let truncated = try dynamicTruncation(account: account, counter: counter)
    if account.kind == .steam {
      var value = truncated
      var characters: [Character] = []
      for _ in 0..<account.digits {
        characters.append(steamAlphabet[Int(value % 26)])
        value /= 26
      }
      return String(characters)
    }
    guard (1...10).contains(account.digits) else { throw .invalidDigits(account.digits) }
    var modulus: UInt64 = 1
    for _ in 0..<account.digits { modulus *= 10 }
    let number = UInt64(truncated) % modulus
    let text = String(number)
    return String(repeating: "0", count: account.digits - text.count) + text
  }

  /// RFC 4226 §5.3: HMAC of the big-endian counter, 31 bits at the offset the last nibble names.
  static func dynamicTruncation(account: Account, counter: UInt64) throws(Failure) -> UInt32 {
    let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
    let key = SymmetricKey(data: account.secret.bytes)
    let mac: [UInt8]
    switch account.algorithm {
    case .sha1: mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
    case .sha256: mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    case .sha512: mac = Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
    case .md5: throw .unsupportedAlgorithm(.md5, account.kind)
    }
    let offset = Int(mac[mac.count - 1] & 0x0f)
    return
      (UInt32(mac[offset]) << 24 | UInt32(mac[offset + 1]) << 16
      | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])) & 0x7fff_ffff
  }

  /// Mobile-OTP: the first digits of MD5(decimal time-step ‖ hex secret ‖ PIN), in hex
  /// (formats.md §0.4; the secret is stored as hex text and hashed as that text).
  static func mOTP(_ account: Account, at time: Int64) throws(Failure) -> String {
    guard let pin = account.pin else { throw .missingPIN }
    guard account.period > 0 else { throw .invalidPeriod(account.period) }
    let step = max(0, time) / Int64(account.period)
    let input = Array(String(step).utf8) + Array(account.secret.revealHex().utf8) + pin.bytes
    let digest = Hex.encode(Insecure.MD5.hash(data: input))
    return String(digest.prefix(account.digits))
  }
}
