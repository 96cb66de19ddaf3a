import Foundation
import OTPBridge
import QRCodes

#if canImport(Glibc)
  import Glibc
#endif

// `make bench`: every case runs in a process of its own (so its peak memory is its own), and the
// results go to a table and to a JSON file. `otpbridge-bench CASE` runs one case and prints its
// JSON line; `otpbridge-bench all OUT.json` runs them all.

struct Measurement: Codable {
  var name: String
  var items: Int
  var seconds: Double
  var itemsPerSecond: Double
  var peakMemoryMiB: Double?
  var note: String?
}

/// A benchmark case: it prepares its input untimed, then the body it returns is timed, `runs`
/// times, and the median run is reported. What the body
/// returns is dropped after the clock stops: freeing a million accounts is not part of reading them.
struct BenchCase {
  var name: String
  var items: Int
  var runs = 3
  var note: String?
  var prepare: () throws -> (() throws -> Any)

  init(name: String, items: Int, runs: Int = 3, note: String? = nil, prepare: @escaping () throws -> (() throws -> Any)) {
    self.name = name
    self.items = items
    self.runs = runs
    self.note = note
    self.prepare = prepare
  }
}

/// SplitMix64: fast, seeded, so setup does not spend its time in getrandom().
struct BenchRandom: RandomNumberGenerator {
  var state: UInt64 = 0x2545_F491_4F6C_DD1D
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

func syntheticAccounts(_ count: Int, fitting capabilities: Capabilities) -> [Account] {
  var generator = BenchRandom()
  let kinds = capabilities.kinds.contains(.totp) ? [OTPKind.totp] : Array(capabilities.kinds)
  return (0..<count).map { index in
    Account(
      kind: kinds[index % kinds.count], issuer: "Issuer \(index % 977)", name: "user\(index)@example.com",
      secret: Secret((0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }),
      origin: Origin(file: "bench", place: .entry(index + 1)))
  }
}

func formatCases(id: String, count: Int) -> [BenchCase] {
  guard let plugin = try? Registry.builtIn.plugin(id: id), plugin.descriptor.canWrite else { return [] }
  // Data is made in `prepare`, so listing the cases costs nothing.
  let accounts = { syntheticAccounts(count, fitting: plugin.descriptor.capabilities) }
  return [
    BenchCase(name: "\(id) write", items: count) {
      let accounts = accounts()
      return { try plugin.write(accounts, context: WriteContext()) }
    },
    BenchCase(name: "\(id) read", items: count) {
      let bytes = try plugin.write(accounts(), context: WriteContext()).bytes
      let input = InputFile(name: "bench", bytes: bytes)
      return {
        let result = try plugin.read(input, context: ReadContext())
        precondition(result.accounts.count == count)
        return result
      }
    },
  ]
}

/// An encrypted format's open and save of 1,000 accounts, and its bare KDF with the parameters
/// its writer uses, so the report can say how far above the KDF the rest of the work goes.
func encryptedCases(id: String, kdf: @escaping () throws -> Void) -> [BenchCase] {
  guard let plugin = try? Registry.builtIn.plugin(id: id) else { return [] }
  let count = 1000
  let accounts = { syntheticAccounts(count, fitting: plugin.descriptor.capabilities) }
  let password = PasswordProvider { _ in "correct horse battery staple" }
  return [
    BenchCase(name: "\(id) bare KDF", items: 1, note: "items are derivations") { kdf },
    BenchCase(name: "\(id) save encrypted", items: count) {
      let accounts = accounts()
      return { try plugin.write(accounts, context: WriteContext(newPassword: password)) }
    },
    BenchCase(name: "\(id) open encrypted", items: count) {
      let input = InputFile(name: "bench", bytes: try plugin.write(accounts(), context: WriteContext(newPassword: password)).bytes)
      return {
        let result = try plugin.read(input, context: ReadContext(password: password))
        precondition(result.accounts.count == count)
        return result
      }
    },
  ]
}

let benchPassword = Array("correct horse battery staple".utf8)
let benchSalt = [UInt8](repeating: 7, count: 32)

/// The KDF each writer uses (formats.md §0.5 and each plugin's crypto file).
nonisolated(unsafe) let encryptedFormats: [(id: String, kdf: () throws -> Void)] = [
  ("aegis", { _ = try KeyDerivation.scrypt(password: benchPassword, salt: benchSalt, n: 32768, r: 8, p: 1, length: 32) }),
  ("2fas", { _ = try KeyDerivation.pbkdf2(password: benchPassword, salt: benchSalt, hash: .sha256, rounds: 10_000, length: 32) }),
  ("andotp", { _ = try KeyDerivation.pbkdf2(password: benchPassword, salt: benchSalt, hash: .sha1, rounds: 150_000, length: 32) }),
  ("ente", { _ = try KeyDerivation.argon2id(password: benchPassword, salt: Array(benchSalt.prefix(16)), iterations: 16, memoryKiB: 262_144, parallelism: 1, length: 32) }),
  ("proton", { _ = try KeyDerivation.argon2id(password: benchPassword, salt: Array(benchSalt.prefix(16)), iterations: 2, memoryKiB: 19_456, parallelism: 1, length: 32) }),
  ("bitwarden-json", { _ = try KeyDerivation.pbkdf2(password: benchPassword, salt: benchSalt, hash: .sha256, rounds: 600_000, length: 32) }),
]

func qrCase() -> BenchCase {
  // 100 PNG images of one otpauth code each, decoded by the qr reader.
  BenchCase(name: "qr decode (100 PNG codes)", items: 100) {
    let otpauth = try Registry.builtIn.plugin(id: "otpauth")
    let qr = try Registry.builtIn.plugin(id: "qr")
    let text = try otpauth.write(syntheticAccounts(100, fitting: otpauth.descriptor.capabilities), context: WriteContext()).bytes
    let images = try QROutput.sheet(for: text, format: "otpauth").entries.map { InputFile(name: "code.png", bytes: try $0.code.png()) }
    let context = ReadContext(nestedReader: { input, context in try otpauth.read(input, context: context) })
    return {
      for image in images {
        let accounts = try qr.read(image, context: context).accounts
        precondition(accounts.count == 1)
      }
      return ()
    }
  }
}

func coldStartCase() -> BenchCase {
  // The CLI's cold start: one run of the release binary, `otpbridge codes` on a 10-account file,
  // started with posix_spawn (Foundation's Process adds milliseconds of its own), 21 times.
  BenchCase(name: "cli cold start (codes, 10 accounts)", items: 1, runs: 21, note: "items are runs") {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-bench-\(getpid())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let file = folder + "/ten.txt"
    let plugin = try Registry.builtIn.plugin(id: "otpauth")
    try Data(plugin.write(syntheticAccounts(10, fitting: plugin.descriptor.capabilities), context: WriteContext()).bytes)
      .write(to: URL(fileURLWithPath: file))
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("otpbridge").path
    let arguments: [UnsafeMutablePointer<CChar>?] = [binary, "codes", file, "--at", "0"].map { argument in argument.withCString { strdup($0) } } + [nil]
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    return {
      var pid: pid_t = 0
      precondition(posix_spawn(&pid, binary, &actions, nil, arguments, environ) == 0)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
      precondition(status == 0)
      return ()
    }
  }
}

func allCases() -> [BenchCase] {
  formatCases(id: "otpauth", count: 1_000_000) + formatCases(id: "google-migration", count: 100_000)
    + formatCases(id: "otpbridge-json", count: 100_000)
    + encryptedFormats.flatMap { encryptedCases(id: $0.id, kdf: $0.kdf) } + [qrCase(), coldStartCase()]
}

func runOne(_ name: String) throws {
  guard let benchCase = allCases().first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data("unknown case \(name)\n".utf8))
    exit(2)
  }
  let body = try benchCase.prepare()
  var times: [Double] = []
  for _ in 0..<benchCase.runs {
    let start = DispatchTime.now().uptimeNanoseconds
    let output = try body()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    withExtendedLifetime(output) {}
  }
  let seconds = times.sorted()[times.count / 2]
  let measurement = Measurement(
    name: name, items: benchCase.items, seconds: seconds, itemsPerSecond: Double(benchCase.items) / seconds, note: benchCase.note)
  print(String(decoding: try JSONEncoder().encode(measurement), as: UTF8.self))
}

/// Runs every case in a child process; the child's peak resident memory comes from wait4.
func runAll(output: String) throws {
  var results: [Measurement] = []
  for benchCase in allCases() {
    let pipe = Pipe()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = [benchCase.name]
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(process.processIdentifier, &status, 0, &usage)
    guard var measurement = try? JSONDecoder().decode(Measurement.self, from: data) else {
      FileHandle.standardError.write(Data("case \(benchCase.name) failed\n".utf8))
      exit(1)
    }
    measurement.peakMemoryMiB = Double(usage.ru_maxrss) / 1024
    results.append(measurement)
    let rate = measurement.itemsPerSecond >= 1000 ? String(format: "%.0f", measurement.itemsPerSecond) : String(format: "%.1f", measurement.itemsPerSecond)
    print(
      benchCase.name.padding(toLength: 40, withPad: " ", startingAt: 0)
        + String(format: "%10d items %9.3f s %14@ /s %8.1f MiB", measurement.items, measurement.seconds, rate, measurement.peakMemoryMiB!)
        + (measurement.note.map { "  (\($0))" } ?? ""))
  }
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(results).write(to: URL(fileURLWithPath: output))
  print("Results written to \(output).")
}

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "all" {
  try runAll(output: arguments.dropFirst().first ?? "bench-results.json")
} else if let name = arguments.first {
  try runOne(name)
} else {
  print("usage: otpbridge-bench all [OUT.json] | otpbridge-bench CASE")
  for benchCase in allCases() { print("  \(benchCase.name)") }
}
