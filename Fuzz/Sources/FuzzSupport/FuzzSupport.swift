import CFuzzer
import Foundation
import OTPBridge
import OTPCore
import OTPJSON

/// What every fuzz target does with one input: read it as `formatID` with a password at hand (so
/// encrypted paths run too) and small KDF limits (so an input cannot make one run slow on purpose;
/// the real limits are tested in the bad-input corpus). Errors are the expected outcome; a crash,
/// an ASan report, a leak or a slow input is a bug.
public enum FuzzSupport {
  static let limits: Limits = {
    var limits = Limits.standard
    limits.scryptMemoryBytes = 1 << 20
    limits.argon2MemoryKiB = 1024
    limits.argon2Passes = 2
    limits.pbkdf2Iterations = 1000
    limits.decompressedBytes = 4 << 20
    limits.imagePixels = 4_000_000
    return limits
  }()

  /// The reader the running target fuzzes; set once by `main` before libFuzzer starts.
  nonisolated(unsafe) static var formatID = ""

  /// The target's whole program: libFuzzer's driver with this reader, and libFuzzer's arguments.
  public static func main(reading formatID: String) -> Never {
    Self.formatID = formatID
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in fuzzOneInput(data, count) })
  }

  static func read(_ data: UnsafePointer<UInt8>?, _ count: Int, as formatID: String) {
    guard let data else { return }
    let input = InputFile(name: "fuzz", bytes: Array(UnsafeBufferPointer(start: data, count: count)))
    if formatID == jsonDifferential { return checkJSONDecoders(on: input.bytes) }
    let registry = Registry.builtIn
    guard let plugin = try? registry.plugin(id: formatID) else { fatalError("no reader \(formatID)") }
    _ = plugin.sniff(input)
    let context = ReadContext(
      password: PasswordProvider { _ in "fuzz" },
      nestedReader: { nested, context in try registry.reader(for: nested, from: nil).read(nested, context: context) },
      limits: limits)
    _ = try? plugin.read(input, context: context)
  }
}

/// libFuzzer's callback; the runtime also refers to it by this name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  FuzzSupport.read(data, count, as: FuzzSupport.formatID)
  return 0
}

// MARK: - JSONTapeDecoder against Foundation

extension FuzzSupport {
  /// Not a reader: the target that decodes every input with both JSON decoders.
  public static let jsonDifferential = "json"

  /// Where both decoders read a UTF-8 text, they must read the same value; the tape may refuse
  /// more (it checks every number and escape, Foundation only those it decodes) but never accept
  /// what Foundation refuses. A difference stops the fuzzer with both results. The recognisers'
  /// `JSONOutline` must take any bytes, and name the members of an object the tape read.
  static func checkJSONDecoders(on bytes: [UInt8]) {
    let outline = JSONOutline(bytes)
    guard (try? UTF8Span(validating: bytes.span)) != nil else { return }
    let tape = try? JSONTapeDecoder(maxDepth: 512).decode(AnyJSON.self, from: bytes)
    let foundation = try? JSONDecoder().decode(AnyJSON.self, from: Data(bytes))
    if let tape, tape != foundation {
      fatalError("JSONTapeDecoder read \(tape), Foundation \(String(describing: foundation))")
    }
    if case .object(let members) = tape, members.count <= 256, members.keys.allSatisfy({ $0.utf8.count <= 128 }),
      Set(members.keys) != Set(outline?.members.keys.map { $0 } ?? [])
    {
      fatalError("JSONOutline named \(outline?.members.keys.sorted() ?? []), the tape \(members.keys.sorted())")
    }
  }
}
