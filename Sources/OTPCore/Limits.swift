import OTPJSON
import Synchronization

/// Caps on what a file can make otpbridge do: how much it reads, unpacks and derives before it
/// gives up with an error that names the limit (docs/limits.md). Real exports are far below every
/// one; a file above one is damaged or made to hurt. `ReadContext.limits` carries them to readers.
public struct Limits: Sendable, Equatable {
  /// Bytes of one input file (`--max-input-mib` raises it).
  public var inputBytes = 256 << 20
  /// Members of one archive (1PUX, Raivo zip), counted as they are listed.
  public var archiveMembers = 10_000
  /// Decompressed bytes of all the members one archive reader reads (a zip bomb stops here).
  public var decompressedBytes = 64 << 20
  /// Nested JSON arrays and objects.
  public var jsonDepth = JSONTapeDecoder.defaultMaxDepth
  /// Pixels of one image (QR codes), checked from the header: a screenshot has a few million, a
  /// 50-megapixel photo fits; decoding takes about 4 bytes a pixel.
  public var imagePixels = 64_000_000
  /// Memory scrypt may use (128·N·r·p bytes); Aegis asks for 32 MiB.
  public var scryptMemoryBytes = 1 << 30
  /// Memory Argon2 may use; Bitwarden's largest setting and Ente's export ask for 1 GiB.
  public var argon2MemoryKiB = 1 << 20
  /// Argon2 passes (Bitwarden allows 10, Ente's export uses 4).
  public var argon2Passes = 64
  /// PBKDF2 iterations (Bitwarden allows 2,000,000; andOTP writes about 150,000).
  public var pbkdf2Iterations = 10_000_000
  /// KeePass AES-KDF rounds (KeePassXC calibrates them to a second of its own AES, tens of millions).
  public var aesKDFRounds: UInt64 = 100_000_000

  public init() {}

  public static let standard = Limits()

  /// `--allow-costly-kdf`: KDF limits 4 times as high, for a file a user trusts.
  public func allowingCostlyKDF() -> Limits {
    var limits = self
    limits.scryptMemoryBytes *= 4
    limits.argon2MemoryKiB *= 4
    limits.argon2Passes *= 4
    limits.pbkdf2Iterations *= 4
    limits.aesKDFRounds *= 4
    return limits
  }

  /// What a refusal says: the parameter, its value, the limit and how to raise it where one can.
  public static func refusal(
    file: String, place: String?, parameter: String, value: String, limit: String, override: String? = nil
  ) -> OTPError {
    let hint = override.map { " (\($0) raises it)" } ?? ""
    return OTPError.corrupted(
      file: file, place: place,
      reason: "\(parameter) is \(value), more than otpbridge's limit of \(limit)\(hint); see docs/limits.md")
  }

  /// Refuses scrypt parameters that need more memory than allowed, before deriving anything.
  public func checkScrypt(n: Int, r: Int, p: Int, file: String, place: String?) throws {
    let (product, overflow) = n.multipliedReportingOverflow(by: r)
    let (scaled, overflow2) = product.multipliedReportingOverflow(by: 128 * max(p, 1))
    guard !overflow, !overflow2, scaled <= scryptMemoryBytes else {
      throw Self.refusal(
        file: file, place: place, parameter: "scrypt N=\(n), r=\(r), p=\(p)",
        value: overflow || overflow2 ? "an impossible amount of memory" : "\(scaled >> 20) MiB of memory",
        limit: "\(scryptMemoryBytes >> 20) MiB", override: "--allow-costly-kdf")
    }
  }

  /// Refuses Argon2 memory (KiB) or passes above the limits; `names` are the file's own field names.
  public func checkArgon2(memoryKiB: Int, passes: Int, file: String, memoryName: String, passesName: String) throws {
    guard memoryKiB <= argon2MemoryKiB else {
      throw Self.refusal(
        file: file, place: memoryName, parameter: "the Argon2 memory (\(memoryName))", value: "\(memoryKiB >> 10) MiB",
        limit: "\(argon2MemoryKiB >> 10) MiB", override: "--allow-costly-kdf")
    }
    guard passes <= argon2Passes else {
      throw Self.refusal(
        file: file, place: passesName, parameter: "the Argon2 passes (\(passesName))", value: "\(passes)",
        limit: "\(argon2Passes)", override: "--allow-costly-kdf")
    }
  }

  public func checkAESKDF(rounds: UInt64, file: String, place: String) throws {
    guard rounds <= aesKDFRounds else {
      throw Self.refusal(
        file: file, place: place, parameter: "the AES-KDF rounds", value: "\(rounds)", limit: "\(aesKDFRounds)",
        override: "--allow-costly-kdf")
    }
  }

  /// Refuses Argon2 whose work (memory times passes) is above what the limits allow together,
  /// for files that trade memory for passes (KeePass databases calibrated to a second: 1 MiB and
  /// hundreds of passes, or 64 MiB and a few).
  public func checkArgon2Work(memoryKiB: Int, passes: Int, file: String, memoryName: String, passesName: String) throws {
    guard memoryKiB <= argon2MemoryKiB else {
      throw Self.refusal(
        file: file, place: memoryName, parameter: "the Argon2 memory (\(memoryName))", value: "\(memoryKiB >> 10) MiB",
        limit: "\(argon2MemoryKiB >> 10) MiB", override: "--allow-costly-kdf")
    }
    let (work, overflow) = memoryKiB.multipliedReportingOverflow(by: passes)
    guard !overflow, work <= argon2MemoryKiB * argon2Passes else {
      throw Self.refusal(
        file: file, place: passesName, parameter: "the Argon2 work (\(memoryName) times \(passesName))",
        value: overflow ? "impossibly large" : "\(work >> 20) GiB of memory passes",
        limit: "\((argon2MemoryKiB * argon2Passes) >> 20) GiB", override: "--allow-costly-kdf")
    }
  }

  public func checkPBKDF2(iterations: Int, file: String, place: String) throws {
    guard iterations <= pbkdf2Iterations else {
      throw Self.refusal(
        file: file, place: place, parameter: "the PBKDF2 iterations (\(place))", value: "\(iterations)",
        limit: "\(pbkdf2Iterations)", override: "--allow-costly-kdf")
    }
  }
}

/// What the files inside one input (an archive's members) may use together: decompressed bytes,
/// image pixels and passwords asked for. Without it, each member would get the whole of each
/// limit again, and a small archive of many costly members would cost their number times over.
public final class ReadBudget: Sendable {
  private let left: Mutex<(bytes: Int, pixels: Int, passwords: Int)>

  /// At most this many members may ask for a password (each runs a key derivation).
  public static let passwordedMembers = 16

  public init(limits: Limits) {
    left = Mutex((limits.decompressedBytes, limits.imagePixels, Self.passwordedMembers))
  }

  public var decompressedBytes: Int { left.withLock { $0.bytes } }
  public var imagePixels: Int { left.withLock { $0.pixels } }

  public func spend(decompressedBytes count: Int) { left.withLock { $0.bytes = max(0, $0.bytes - count) } }
  public func spend(imagePixels count: Int) { left.withLock { $0.pixels = max(0, $0.pixels - count) } }

  /// Takes one password request; false when the members have asked for all they may.
  public func spendPassword() -> Bool {
    left.withLock { state in
      guard state.passwords > 0 else { return false }
      state.passwords -= 1
      return true
    }
  }
}

extension ReadContext {
  /// The limits this reader has: the file's own, narrowed to what is left of the budget it shares
  /// with the other members of its archive.
  public var budgetedLimits: Limits {
    guard let budget else { return limits }
    var narrowed = limits
    narrowed.decompressedBytes = min(limits.decompressedBytes, budget.decompressedBytes)
    narrowed.imagePixels = min(limits.imagePixels, budget.imagePixels)
    return narrowed
  }
}
