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
    try Keyed(account).code(at: time)
  }

  /// The code of a counter-driven kind for an explicit counter (HOTP), or of a time-step (TOTP).
  public static func code(for account: Account, counter: UInt64) throws(Failure) -> String {
    try Keyed(account).code(counter: counter)
  }

  /// One account's codes with its HMAC key set up once (RFC 2104's inner and outer pads hashed a
  /// single time), for a caller that needs several codes of it: `verify` compares seven.
  public struct Keyed {
    let account: Account
    let mac: KeyedMAC?

    enum KeyedMAC {
      case sha1(HMAC<Insecure.SHA1>), sha256(HMAC<SHA256>), sha512(HMAC<SHA512>)
    }

    /// Checks what every code of the account needs; mOTP keeps its own hash and has no key.
    public init(_ account: Account) throws(Failure) {
      self.account = account
      switch account.kind {
      case .yandex: throw .unsupportedKind(.yandex)
      case .motp:
        mac = nil
        return
      case .totp, .steam: guard account.period > 0 else { throw .invalidPeriod(account.period) }
      case .hotp: break
      }
      guard !account.secret.isEmpty else { throw .emptySecret }
      // Steam's characters too: a count from a damaged file must not size a loop.
      guard (1...10).contains(account.digits) else { throw .invalidDigits(account.digits) }
      let key = SymmetricKey(data: account.secret.bytes)
      switch account.algorithm {
      case .sha1: mac = .sha1(HMAC(key: key))
      case .sha256: mac = .sha256(HMAC(key: key))
      case .sha512: mac = .sha512(HMAC(key: key))
      case .md5: throw .unsupportedAlgorithm(.md5, account.kind)
      }
    }

    /// The code at `time` (Unix seconds); HOTP's at its stored counter.
    public func code(at time: Int64) throws(Failure) -> String {
      switch account.kind {
      case .hotp: return try code(counter: account.counter)
      case .motp: return try mOTP(account, at: time)
      default: return try code(counter: UInt64(max(0, time) / Int64(account.period)))
      }
    }

    /// The code for `counter` (HOTP) or time-step (TOTP, Steam).
    public func code(counter: UInt64) throws(Failure) -> String {
      guard let mac else { throw .unsupportedKind(account.kind) }
      let truncated = Self.dynamicTruncation(mac, counter: counter)
      if account.kind == .steam {
        var value = truncated
        var characters: [Character] = []
        for _ in 0..<account.digits {
          characters.append(steamAlphabet[Int(value % 26)])
          value /= 26
        }
        return String(characters)
      }
      var modulus: UInt64 = 1
      for _ in 0..<account.digits { modulus *= 10 }
      let text = String(UInt64(truncated) % modulus)
      return String(repeating: "0", count: account.digits - text.count) + text
    }

    /// RFC 4226 §5.3: HMAC of the big-endian counter, 31 bits at the offset the last nibble names.
    static func dynamicTruncation(_ keyed: KeyedMAC, counter: UInt64) -> UInt32 {
      func truncate(_ mac: some MessageAuthenticationCode) -> UInt32 {
        mac.withUnsafeBytes { bytes in
          let offset = Int(bytes[bytes.count - 1] & 0x0f)
          return
            (UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])) & 0x7fff_ffff
        }
      }
      return withUnsafeBytes(of: counter.bigEndian) { message in
        switch keyed {
        case .sha1(var mac):
          mac.update(data: message)
          return truncate(mac.finalize())
        case .sha256(var mac):
          mac.update(data: message)
          return truncate(mac.finalize())
        case .sha512(var mac):
          mac.update(data: message)
          return truncate(mac.finalize())
        }
      }
    }
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
