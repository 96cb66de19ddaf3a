import Foundation
import OTPBridge
import OTPContainers
import OTPCrypto
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
  /// For encrypted formats: the bare key derivation with the parameters of the same file, timed
  /// right after each run in the same process, and the run as a multiple of it.
  var kdfSeconds: Double?
  var timesKDF: Double?
  /// The first run, before the process's memory was warm (page faults included).
  var firstRunSeconds: Double?
  var note: String?
  /// Why the case did not run on this machine (`BenchSkip`); nothing else is set then.
  var skipped: String?
}

/// A benchmark case: it prepares its input untimed, then the body it returns runs once to warm up
/// and is timed `runs` times; the median run is reported. What the body
/// returns is dropped after the clock stops: freeing a million accounts is not part of reading them.
struct BenchCase {
  var name: String
  var items: Int
  var runs = 3
  var note: String?
  var prepare: () throws -> (() throws -> Any)
  /// Given what a run returned, the bare KDF to time beside it (encrypted formats).
  var kdf: ((Any) throws -> Void)?

  init(
    name: String, items: Int, runs: Int = 3, note: String? = nil, kdf: ((Any) throws -> Void)? = nil,
    prepare: @escaping () throws -> (() throws -> Any)
  ) {
    self.name = name
    self.items = items
    self.runs = runs
    self.note = note
    self.kdf = kdf
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
    BenchCase(name: "\(id) write", items: count, runs: 5) {
      let accounts = accounts()
      return { try plugin.write(accounts, context: WriteContext()) }
    },
    BenchCase(name: "\(id) read", items: count, runs: 5) {
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

/// An encrypted format's open and save of 1,000 accounts. Each run is paired with a bare key
/// derivation with that file's parameters, so the report can say how far above the KDF the rest
/// of the work goes (andOTP's writer picks its iteration count at random, for one).
func encryptedCases(id: String, kdf: @escaping (_ file: [UInt8]) throws -> Void) -> [BenchCase] {
  guard let plugin = try? Registry.builtIn.plugin(id: id) else { return [] }
  let count = 1000
  let accounts = { syntheticAccounts(count, fitting: plugin.descriptor.capabilities) }
  let password = PasswordProvider { _ in benchPasswordText }
  let runs = id == "ente" ? 3 : 5
  return [
    BenchCase(name: "\(id) save encrypted", items: count, runs: runs, kdf: { try kdf(($0 as! WriteResult).bytes) }) {
      let accounts = accounts()
      return { try plugin.write(accounts, context: WriteContext(newPassword: password)) }
    },
    BenchCase(name: "\(id) open encrypted", items: count, runs: runs, kdf: { try kdf(($0 as! InputFile).bytes) }) {
      let input = InputFile(
        name: "bench", bytes: try plugin.write(accounts(), context: WriteContext(newPassword: password)).bytes)
      return {
        let result = try plugin.read(input, context: ReadContext(password: password))
        precondition(result.accounts.count == count)
        return input
      }
    },
  ]
}

let benchPasswordText = "correct horse battery staple"
let benchPassword = Array(benchPasswordText.utf8)
let benchSalt = [UInt8](repeating: 7, count: 32)

/// The KDF of each format's files (formats.md §0.5 and each plugin's crypto file), with the
/// parameters a file states where it states them.
nonisolated(unsafe) let encryptedFormats: [(id: String, kdf: (_ file: [UInt8]) throws -> Void)] = [
  ("aegis", { _ in _ = try KeyDerivation.scrypt(password: benchPassword, salt: benchSalt, n: 32768, r: 8, p: 1, length: 32) }),
  (
    "2fas",
    { _ in _ = try KeyDerivation.pbkdf2(password: benchPassword, salt: benchSalt, hash: .sha256, rounds: 10_000, length: 32) }
  ),
  (
    "andotp",
    { file in
      // The file starts with its iteration count, a big-endian UInt32 (formats.md §7).
      let iterations = file.prefix(4).reduce(0) { $0 << 8 | Int($1) }
      _ = try KeyDerivation.pbkdf2(password: benchPassword, salt: benchSalt, hash: .sha1, rounds: iterations, length: 32)
    }
  ),
  (
    "ente",
    { _ in
      _ = try KeyDerivation.argon2id(
        password: benchPassword, salt: Array(benchSalt.prefix(16)), iterations: 16, memoryKiB: 262_144, parallelism: 1, length: 32
      )
    }
  ),
  (
    "proton",
    { _ in
      _ = try KeyDerivation.argon2id(
        password: benchPassword, salt: Array(benchSalt.prefix(16)), iterations: 2, memoryKiB: 19_456, parallelism: 1, length: 32)
    }
  ),
  (
    "bitwarden-json",
    { _ in _ = try KeyDerivation.pbkdf2(password: benchPassword, salt: benchSalt, hash: .sha256, rounds: 600_000, length: 32) }
  ),
]

func qrCase() -> BenchCase {
  // 100 PNG images of one otpauth code each, decoded by the qr reader.
  BenchCase(name: "qr decode (100 PNG codes)", items: 100) {
    let otpauth = try Registry.builtIn.plugin(id: "otpauth")
    let qr = try Registry.builtIn.plugin(id: "qr")
    let text = try otpauth.write(syntheticAccounts(100, fitting: otpauth.descriptor.capabilities), context: WriteContext()).bytes
    let images = try QROutput.sheet(for: text, format: "otpauth").entries.map {
      InputFile(name: "code.png", bytes: try $0.code.png())
    }
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

/// Recognition without `--from` (every built-in's sniff) of a small and a large file of one format:
/// an otpauth list (told by its first line: the same cost at any size) and an Aegis vault (told
/// by its JSON outline: one pass over the bytes that decodes nothing). Items are bytes.
func recognitionCases() -> [BenchCase] {
  func input(_ id: String, accounts: Int) throws -> InputFile {
    let plugin = try Registry.builtIn.plugin(id: id)
    let bytes = try plugin.write(syntheticAccounts(accounts, fitting: plugin.descriptor.capabilities), context: WriteContext())
      .bytes
    return InputFile(name: "input", bytes: bytes)
  }
  return [("otpauth", 8, "small"), ("otpauth", 1_000_000, "large"), ("aegis", 3, "small"), ("aegis", 300_000, "large")].map {
    id, accounts, size in
    let name = "recognise \(id) \(size) (\(accounts) accounts)"
    // The byte count is known only once the file is made: `items` is set to it by the run.
    return BenchCase(name: name, items: 0, runs: size == "small" ? 1001 : 11, note: "items are bytes") {
      let file = try input(id, accounts: accounts)
      return {
        // A new InputFile each run, so that the JSON outline is worked out again.
        let picked = try Registry.builtIn.reader(for: InputFile(name: "input", bytes: file.bytes), from: nil)
        precondition(picked.descriptor.id == id)
        return RecognisedBytes(count: file.bytes.count)
      }
    }
  }
}

/// What a recognition run returns: the size of the file it recognised.
struct RecognisedBytes {
  var count: Int
}

let coldStartName = "cli cold start (codes, 10 accounts)"

func coldStartCase() -> BenchCase {
  // The CLI's cold start: one run of the release binary, `otpbridge codes` on a 10-account file,
  // started with posix_spawn (Foundation's Process adds milliseconds of its own), 21 times.
  BenchCase(name: coldStartName, items: 1, runs: 21, note: "items are runs") {
    let file = try caseFolder() + "/ten.txt"
    let plugin = try Registry.builtIn.plugin(id: "otpauth")
    try Data(plugin.write(syntheticAccounts(10, fitting: plugin.descriptor.capabilities), context: WriteContext()).bytes)
      .write(to: URL(fileURLWithPath: file))
    return { runCommand(["codes", file, "--at", "0"]) }
  }
}

/// The folder a case keeps its files in, made on first use; the parent removes it when the case's
/// process has ended, however it ended (`caseFolderPath`).
func caseFolder() throws -> String {
  let folder = caseFolderPath(getpid())
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  return folder
}

func caseFolderPath(_ pid: pid_t) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-bench-case-\(pid)").path
}

/// A tenant run (docs/tenant.md) over `users` users, each with one Aegis export of 10 accounts
/// converted to 1Password CSV. Encrypted exports use Aegis's own scrypt cost (N = 2^15): one file
/// is made and copied to every user, since its key derivation, not its content, is the work.
func tenantCase(users: Int, encrypted: Bool, jobs: Int) -> BenchCase {
  let kind = encrypted ? "encrypted" : "plain"
  return BenchCase(name: "tenant \(kind) \(users) users, jobs \(jobs)", items: users, runs: 1, note: "items are users") {
    let folder = try caseFolder()
    try FileManager.default.createDirectory(atPath: "\(folder)/exports", withIntermediateDirectories: true)
    let aegis = try Registry.builtIn.plugin(id: "aegis")
    let passwordFile = "\(folder)/password.txt"
    try Data("correct horse battery staple\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
    let context = encrypted ? WriteContext(newPassword: PasswordProvider { _ in "correct horse battery staple" }) : WriteContext()
    let export = Data(try aegis.write(syntheticAccounts(10, fitting: aegis.descriptor.capabilities), context: context).bytes)
    var manifest = "user,inputs,password_file,password_env,target,output_password_file,output_password_env\n"
    for index in 0..<users {
      try export.write(to: URL(fileURLWithPath: "\(folder)/exports/user\(index).json"))
      manifest += "user\(index)@example.com,exports/user\(index).json,\(encrypted ? "password.txt" : ""),,,,\n"
    }
    try Data(manifest.utf8).write(to: URL(fileURLWithPath: "\(folder)/manifest.csv"))
    let loaded = try TenantManifest.load("\(folder)/manifest.csv")
    return {
      let report = try TenantMigration.run(
        manifest: loaded, options: TenantOptions(outputFolder: "\(folder)/out", defaultTarget: "1password-csv", jobs: jobs))
      precondition(report.summary.done == users, "\(report.summary)")
      try? FileManager.default.removeItem(atPath: "\(folder)/out")
      return ()
    }
  }
}

/// The commands as a user runs them (issue 16): the release binary in a process of its own on
/// `commandAccounts` otpauth lines with random secrets, its output to a file or /dev/null. The
/// case's peak memory is the command's own (wait4), not the bench's.
let commandAccounts = 1_000_000

/// What a command run leaves to measure: the child's peak resident memory.
struct ChildRun {
  var peakKiB: Int
}

/// The otpauth list the command cases read, made once per machine and kept in the temporary
/// folder between cases (the generator is seeded, so it is the same file every time).
func commandInput(_ count: Int) throws -> String {
  let path = commandInputPath(count)
  if FileManager.default.fileExists(atPath: path) { return path }
  let plugin = try Registry.builtIn.plugin(id: "otpauth")
  let bytes = try plugin.write(syntheticAccounts(count, fitting: plugin.descriptor.capabilities), context: WriteContext()).bytes
  try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
  return path
}

func commandInputPath(_ count: Int) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-bench-commands-\(count).txt").path
}

let releaseBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("otpbridge")
  .path

/// Runs the release otpbridge (or `executable`) with `arguments`, standard output and error to
/// /dev/null; fails the case unless it exits with one of `accepted`. Another executable's
/// arguments are not shown in the failure: qrencode's hold a QR code's URI, with its secrets.
func runCommand(_ arguments: [String], accepted: Set<Int32> = [0], executable: String = releaseBinary) -> ChildRun {
  let argv: [UnsafeMutablePointer<CChar>?] =
    ([executable] + arguments).map { argument in argument.withCString { strdup($0) } } + [nil]
  defer { argv.forEach { free($0) } }
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  var pid: pid_t = 0
  precondition(posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0, "cannot start \(executable)")
  var status: Int32 = 0
  var usage = rusage()
  _ = wait4(pid, &status, 0, &usage)
  let exited = status & 0x7F == 0
  precondition(
    exited && accepted.contains((status >> 8) & 0xFF),
    "\(executable) \(executable == releaseBinary ? arguments.joined(separator: " ") : "(arguments not shown)") ended with status \(status)"
  )
  return ChildRun(peakKiB: usage.ru_maxrss)
}

func commandCase(
  _ label: String, accepted: Set<Int32> = [0], arguments: @escaping (_ input: String, _ folder: String) throws -> [String]
) -> BenchCase {
  BenchCase(name: "cli \(label)", items: commandAccounts, runs: 3, note: "the whole command, in its own process") {
    let input = try commandInput(commandAccounts)
    let command = try arguments(input, try caseFolder())
    return { runCommand(command, accepted: accepted) }
  }
}

func commandCases() -> [BenchCase] {
  [
    commandCase("convert -> otpauth") { input, folder in
      ["convert", input, "--to", "otpauth", "-o", "\(folder)/out.txt", "--force"]
    },
    commandCase("convert -> otpbridge-json") { input, folder in
      ["convert", input, "--to", "otpbridge-json", "-o", "\(folder)/out.json", "--force"]
    },
    commandCase("convert -> aegis (plain)") { input, folder in
      ["convert", input, "--to", "aegis", "-o", "\(folder)/out.aegis", "--force"]
    },
    commandCase("inspect") { input, _ in ["inspect", input] },
    commandCase("inspect --json") { input, _ in ["inspect", input, "--json"] },
    commandCase("codes --json") { input, _ in ["codes", input, "--json", "--at", "1234567890"] },
    commandCase("verify") { input, folder in
      // Against a converted copy, made once: the second file is read as a user's would be.
      let converted = "\(folder)/verify.json"
      if !FileManager.default.fileExists(atPath: converted) {
        _ = runCommand(["convert", input, "--to", "otpbridge-json", "-o", converted, "--force"])
      }
      return ["verify", input, converted]
    },
    commandCase("audit", accepted: [0, 1]) { input, _ in ["audit", input] },
  ]
}

/// Google transfer links (issue 16): `convert LINKS --to otpauth` on 10,000 links of 10 accounts
/// each, beside a Python decoder of the same links (scripts/bench/google-transfer-links.py: the
/// standard library and Google's protobuf runtime, the way scito/extract_otp_secrets decodes them;
/// that tool is not packaged for Debian).
let googleLinkAccounts = 100_000
let googlePythonName = "google links: Python decoder, 10,000 links"
let googleCommandName = "cli convert google links -> otpauth, 10,000 links"

/// The repository: the bench binary is in .build-release/release.
let repositoryRoot = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

/// `count` synthetic accounts as `format` writes them, in the file `name` in the case's folder.
func writtenInput(_ format: String, count: Int, name: String) throws -> String {
  let path = try caseFolder() + "/" + name
  let plugin = try Registry.builtIn.plugin(id: format)
  let accounts = syntheticAccounts(count, fitting: plugin.descriptor.capabilities)
  try Data(try plugin.write(accounts, context: WriteContext()).bytes).write(to: URL(fileURLWithPath: path))
  return path
}

/// The transfer links of `googleLinkAccounts` accounts, in the case's folder.
func googleLinksInput() throws -> String {
  try writtenInput("google-migration", count: googleLinkAccounts, name: "links.txt")
}

func googleLinkCases() -> [BenchCase] {
  [
    BenchCase(name: googleCommandName, items: googleLinkAccounts, runs: 5, note: "the whole command, in its own process") {
      let input = try googleLinksInput()
      let output = try caseFolder() + "/out.txt"
      return { runCommand(["convert", input, "--to", "otpauth", "-o", output, "--force"]) }
    },
    BenchCase(name: googlePythonName, items: googleLinkAccounts, runs: 5, note: "python3 scripts/bench/google-transfer-links.py")
    {
      // Debian's python3, where python3-protobuf installs (scripts/bootstrap.sh).
      let python = "/usr/bin/python3"
      let check = Process()
      check.executableURL = URL(fileURLWithPath: python)
      check.arguments = ["-c", "import google.protobuf"]
      check.standardError = FileHandle.nullDevice
      guard (try? check.run()) != nil,
        ({
          check.waitUntilExit(); return check.terminationStatus == 0
        })()
      else {
        throw BenchSkip(
          reason: "\(python) with google.protobuf is not installed (Debian package python3-protobuf; make bootstrap installs it)")
      }
      let script = repositoryRoot + "/scripts/bench/google-transfer-links.py"
      let input = try googleLinksInput()
      return { runCommand([script, input], executable: python) }
    },
  ]
}

/// Drawing QR codes (issue 24): `convert --to google-migration --qr png|svg|html` on 1,000 otpauth
/// lines, which Google's batches of 10 make 100 transfer codes, run as a user runs it; beside it, the
/// yardstick: 100 runs of the qrencode tool (`qrencode -o FILE.png URI`, its defaults) on the same
/// 100 transfer links. Every run writes into a folder of its own, so nothing is replaced (no
/// --force). The drawing alone, in this process, is timed on the same 100 codes.
let qrDrawingAccounts = 1000
let qrDrawingCodes = 100
let qrencodeLoopName = "qr draw: qrencode tool, 100 runs"

/// The qrencode tool on PATH (Debian package qrencode, which scripts/bootstrap.sh installs), or nil.
let qrencodeTool: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").lazy
  .map { "\($0)/qrencode" }.first { access($0, X_OK) == 0 }

/// The otpauth list of `qrDrawingAccounts` accounts, in the case's folder.
func qrDrawingInput() throws -> String {
  try writtenInput("otpauth", count: qrDrawingAccounts, name: "accounts.txt")
}

/// The transfer links the commands draw (their batch ids differ from run to run, their sizes do not).
func qrDrawingLinks() throws -> [String] {
  let google = try Registry.builtIn.plugin(id: "google-migration")
  let accounts = syntheticAccounts(qrDrawingAccounts, fitting: google.descriptor.capabilities)
  let links = String(decoding: try google.write(accounts, context: WriteContext()).bytes, as: UTF8.self)
    .split(separator: "\n").map(String.init)
  precondition(links.count == qrDrawingCodes)
  return links
}

func qrDrawingCases() -> [BenchCase] {
  let note = "items are codes; the whole command, in its own process"
  var runNumber = 0
  /// A fresh path in the case's folder for each run.
  func freshPath(_ folder: String, _ kind: String) -> String {
    runNumber += 1
    return "\(folder)/\(kind)-\(runNumber)"
  }
  return [
    BenchCase(name: qrencodeLoopName, items: qrDrawingCodes, runs: 5, note: "items are codes; qrencode -o FILE.png URI") {
      guard let tool = qrencodeTool else {
        throw BenchSkip(reason: "the qrencode tool is not installed (Debian package qrencode; make bootstrap installs it)")
      }
      let folder = try caseFolder()
      let links = try qrDrawingLinks()
      return {
        let out = freshPath(folder, "qrencode")
        mkdir(out, 0o700)
        for (index, link) in links.enumerated() { _ = runCommand(["-o", "\(out)/\(index + 1).png", link], executable: tool) }
        return ()
      }
    },
    BenchCase(name: "qr draw: convert --qr png, 100 codes", items: qrDrawingCodes, runs: 5, note: note) {
      let input = try qrDrawingInput()
      let folder = try caseFolder()
      return { runCommand(["convert", input, "--to", "google-migration", "--qr", "png", freshPath(folder, "png")]) }
    },
    BenchCase(name: "qr draw: convert --qr svg, 100 codes", items: qrDrawingCodes, runs: 5, note: note) {
      let input = try qrDrawingInput()
      let folder = try caseFolder()
      return { runCommand(["convert", input, "--to", "google-migration", "--qr", "svg", freshPath(folder, "svg")]) }
    },
    BenchCase(name: "qr draw: convert --qr html, 100 codes", items: qrDrawingCodes, runs: 5, note: note) {
      let input = try qrDrawingInput()
      let folder = try caseFolder()
      return { runCommand(["convert", input, "--to", "google-migration", "--qr", "html", freshPath(folder, "page") + ".html"]) }
    },
    BenchCase(name: "qr draw in process: encode 100 codes", items: qrDrawingCodes, runs: 5, note: "items are codes; libqrencode")
    {
      let links = try qrDrawingLinks()
      return { try links.map { try QRCode(encoding: $0) } }
    },
    BenchCase(name: "qr draw in process: png of 100 codes", items: qrDrawingCodes, runs: 5, note: "items are codes") {
      let codes = try qrDrawingLinks().map { try QRCode(encoding: $0) }
      return { try codes.map { try $0.png() } }
    },
    BenchCase(name: "qr draw in process: svg of 100 codes", items: qrDrawingCodes, runs: 5, note: "items are codes") {
      let codes = try qrDrawingLinks().map { try QRCode(encoding: $0) }
      return { codes.map { $0.svg() } }
    },
  ]
}

/// A case that cannot run on this machine (a missing tool): `make bench` says why instead of a time.
struct BenchSkip: Error {
  var reason: String
}

func allCases() -> [BenchCase] {
  formatCases(id: "otpauth", count: 1_000_000) + formatCases(id: "google-migration", count: 100_000)
    + formatCases(id: "otpbridge-json", count: 100_000)
    + encryptedFormats.flatMap { formatCases(id: $0.id, count: 100_000) }
    + encryptedFormats.flatMap { encryptedCases(id: $0.id, kdf: $0.kdf) } + [qrCase(), coldStartCase()]
    + recognitionCases()
    + [1, 2].map { tenantCase(users: 1000, encrypted: true, jobs: $0) }
    + [1, 2].map { tenantCase(users: 10_000, encrypted: false, jobs: $0) } + [tenantCase(users: 1000, encrypted: false, jobs: 2)]
    + commandCases() + googleLinkCases() + qrDrawingCases()
}

func runOne(_ name: String) throws {
  guard let benchCase = allCases().first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data("unknown case \(name)\n".utf8))
    exit(2)
  }
  let body: () throws -> Any
  do {
    body = try benchCase.prepare()
  } catch let skip as BenchSkip {
    let measurement = Measurement(name: name, items: benchCase.items, seconds: 0, itemsPerSecond: 0, skipped: skip.reason)
    print(String(decoding: try JSONEncoder().encode(measurement), as: UTF8.self))
    return
  }
  var times: [Double] = []
  var kdfTimes: [Double] = []
  func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
  var firstRun: Double?
  var childPeakKiB = 0
  var items = benchCase.items
  if benchCase.runs > 1 || benchCase.kdf != nil {
    let start = DispatchTime.now().uptimeNanoseconds
    let output = try body()
    firstRun = seconds(since: start)
    if let child = output as? ChildRun { childPeakKiB = max(childPeakKiB, child.peakKiB) }
    if let recognised = output as? RecognisedBytes { items = recognised.count }
    try benchCase.kdf?(output)  // the KDF's memory warms up too, so that neither side pays for it
    withExtendedLifetime(output) {}
  }
  // The peak memory reported is the one here: the data and one run, with malloc's usual settings.
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  let peakMemoryMiB = Double(usage.ru_maxrss) / 1024
  // From here on, memory freed by one run stays with malloc for the next (no trimming, no mmap),
  // so that the timed runs measure the work rather than the kernel zeroing fresh pages. The
  // warm-up run above, which does pay for them, is reported as `firstRunSeconds`.
  #if canImport(Glibc)
    _ = mallopt(-4, 0)  // M_MMAP_MAX
    _ = mallopt(-1, Int32.max)  // M_TRIM_THRESHOLD
  #endif
  for _ in 0..<benchCase.runs {
    let start = DispatchTime.now().uptimeNanoseconds
    let output = try body()
    times.append(seconds(since: start))
    if let child = output as? ChildRun { childPeakKiB = max(childPeakKiB, child.peakKiB) }
    if let recognised = output as? RecognisedBytes { items = recognised.count }
    if let kdf = benchCase.kdf {
      let kdfStart = DispatchTime.now().uptimeNanoseconds
      try kdf(output)
      kdfTimes.append(seconds(since: kdfStart))
    }
    withExtendedLifetime(output) {}
  }
  func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
  let seconds = median(times)
  // Each run is divided by the KDF timed right after it, on the same file's parameters, and the
  // median of those ratios is reported: the machine's drift over minutes touches both sides of a
  // pair alike, and andOTP's saves each pick another iteration count.
  let ratio = kdfTimes.isEmpty ? nil : median(zip(times, kdfTimes).map { $0 / $1 })
  var measurement = Measurement(
    name: name, items: items, seconds: seconds, itemsPerSecond: Double(items) / seconds,
    kdfSeconds: kdfTimes.isEmpty ? nil : median(kdfTimes), timesKDF: ratio,
    firstRunSeconds: firstRun, note: benchCase.note)
  measurement.peakMemoryMiB = childPeakKiB > 0 ? Double(childPeakKiB) / 1024 : firstRun == nil ? nil : peakMemoryMiB
  print(String(decoding: try JSONEncoder().encode(measurement), as: UTF8.self))
}

#if canImport(Glibc)
  /// glibc's malloc tuning (malloc.h, which the Glibc module does not export).
  @_silgen_name("mallopt") func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// One target of the issues, checked against the measurements.
struct TargetCheck: Codable {
  var target: String
  var value: Double
  var met: Bool
  /// Why the target could not be checked (a case it needs was skipped); `value` means nothing then.
  var notMeasured: String?
}

/// The targets that `make bench` checks (docs/benchmarks.md), for the cases that ran; `skipped`
/// holds the reasons of the cases that could not.
func targetChecks(_ results: [Measurement], skipped: [String: String] = [:]) -> [TargetCheck] {
  let byName = Dictionary(results.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  var checks: [TargetCheck] = []
  // Drawing QR codes (issue 24): each whole command within 2× of the qrencode loop of the same run.
  for command in results where command.name.hasPrefix("qr draw: convert") {
    let target = "\(command.name.dropFirst("qr draw: ".count)) ÷ qrencode loop: within 2"
    if let loop = byName[qrencodeLoopName]?.seconds {
      let ratio = command.seconds / loop
      checks.append(TargetCheck(target: target, value: ratio, met: ratio <= 2))
    } else {
      let reason = skipped[qrencodeLoopName].map { "NOT MEASURED: \($0)" } ?? "NOT MEASURED: run its case too (CASES=\"qr draw\")"
      checks.append(TargetCheck(target: target, value: 0, met: false, notMeasured: reason))
    }
  }
  for direction in ["read", "write"] {
    if let rate = byName["otpauth \(direction)"]?.itemsPerSecond {
      checks.append(
        TargetCheck(target: "otpauth \(direction): at least 1,000,000 accounts/s", value: rate, met: rate >= 1_000_000))
    }
  }
  for format in encryptedFormats {
    for step in ["open", "save"] {
      guard let ratio = byName["\(format.id) \(step) encrypted"]?.timesKDF else { continue }
      // A job that includes the KDF cannot take less than the KDF: under 0.95, the machine
      // disturbed every KDF run, and the number says nothing.
      let target = "\(format.id) \(step) ÷ bare KDF: under 1.1" + (ratio < 0.95 ? " (KDF runs disturbed: run again)" : "")
      checks.append(TargetCheck(target: target, value: ratio, met: ratio < 1.1 && ratio >= 0.95))
    }
  }
  // Whole commands against the parts: the otpauth reader and writer, each on its own 1,000,000
  // accounts in the same `make bench` run.
  if let read = byName["otpauth read"]?.seconds, let write = byName["otpauth write"]?.seconds {
    for command in results where command.name.hasPrefix("cli ") && command.items == commandAccounts {
      let ratio = command.seconds / (read + write)
      checks.append(TargetCheck(target: "\(command.name) ÷ (otpauth read + write): within 2", value: ratio, met: ratio <= 2))
    }
  }
  let inputBytes =
    (try? FileManager.default.attributesOfItem(atPath: commandInputPath(commandAccounts))[.size] as? Int) ?? nil
  if let inputBytes {
    for command in results where command.name.hasPrefix("cli ") && command.items == commandAccounts {
      guard let peak = command.peakMemoryMiB else { continue }
      let perAccount = (peak * 1_048_576 - Double(inputBytes)) / Double(commandAccounts)
      checks.append(
        TargetCheck(
          target: "\(command.name): peak memory above the input, bytes per account, at most 400", value: perAccount,
          met: perAccount <= 400))
    }
  }
  // Recognition: bounded for a text format; one undecoding pass for JSON.
  let recognition = results.filter { $0.name.hasPrefix("recognise ") }
  if let small = recognition.first(where: { $0.name.hasPrefix("recognise otpauth small") }),
    let large = recognition.first(where: { $0.name.hasPrefix("recognise otpauth large") })
  {
    let ratio = large.seconds / small.seconds
    checks.append(
      TargetCheck(
        target: "recognise a \(large.items >> 20) MiB otpauth list ÷ a \(small.items) B one: within 2", value: ratio,
        met: ratio <= 2))
  }
  if let large = recognition.first(where: { $0.name.hasPrefix("recognise aegis large") }) {
    let rate = large.itemsPerSecond / 1_073_741_824
    checks.append(
      TargetCheck(
        target: "recognise a \(large.items >> 20) MiB Aegis JSON: GiB/s scanned, at least 1", value: rate, met: rate >= 1))
  }
  if let python = byName[googlePythonName]?.seconds, let ours = byName[googleCommandName]?.seconds {
    checks.append(
      TargetCheck(
        target: "Google transfer links, Python decoder ÷ convert: at least 50", value: python / ours, met: python / ours >= 50))
  }
  if let start = byName[coldStartName]?.seconds {
    checks.append(TargetCheck(target: "cli cold start: under 20 ms", value: start * 1000, met: start < 0.020))
  }
  if let one = byName["tenant encrypted 1000 users, jobs 1"], let two = byName["tenant encrypted 1000 users, jobs 2"] {
    let speedup = two.itemsPerSecond / one.itemsPerSecond
    checks.append(TargetCheck(target: "tenant encrypted: jobs 2 at least 1.8 × jobs 1", value: speedup, met: speedup >= 1.8))
  }
  if let small = byName["tenant plain 1000 users, jobs 2"]?.peakMemoryMiB,
    let large = byName["tenant plain 10000 users, jobs 2"]?.peakMemoryMiB
  {
    // Flat: what a run holds per user is its manifest row (about 1 KiB); converted files and
    // reports go to disk a user at a time. The check is the cost of each user beyond the first 1,000.
    let perUserKiB = (large - small) * 1024 / 9000
    checks.append(
      TargetCheck(target: "tenant peak memory per extra user: flat (under 2 KiB)", value: perUserKiB, met: perUserKiB < 2))
  }
  return checks
}

/// Runs every case whose name contains `filter` (all when empty; `a|b` for either), each in a child process whose
/// peak resident memory comes from wait4; then checks the targets.
func runAll(output: String, filter: String) throws {
  var results: [Measurement] = []
  var skipped: [String: String] = [:]
  // `a|b` runs the cases whose names contain a or b.
  let wanted = filter.split(separator: "|").map(String.init)
  for benchCase in allCases() where wanted.isEmpty || wanted.contains(where: benchCase.name.contains) {
    // posix_spawn and wait4 rather than Foundation's Process, which may reap the child itself
    // and leave wait4 nothing to report.
    let resultFile = FileManager.default.temporaryDirectory.appendingPathComponent("otpbridge-bench-\(getpid()).json").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, resultFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let arguments: [UnsafeMutablePointer<CChar>?] =
      [CommandLine.arguments[0], benchCase.name].map { argument in
        argument.withCString { strdup($0) }
      } + [nil]
    var pid: pid_t = 0
    guard posix_spawn(&pid, CommandLine.arguments[0], &actions, nil, arguments, environ) == 0 else {
      FileHandle.standardError.write(Data("case \(benchCase.name) could not start\n".utf8))
      exit(1)
    }
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    try? FileManager.default.removeItem(atPath: caseFolderPath(pid))
    let data = FileManager.default.contents(atPath: resultFile) ?? Data()
    unlink(resultFile)
    guard status == 0, var measurement = try? JSONDecoder().decode(Measurement.self, from: data) else {
      FileHandle.standardError.write(Data("case \(benchCase.name) failed\n".utf8))
      exit(1)
    }
    if let reason = measurement.skipped {
      print(benchCase.name.padding(toLength: 40, withPad: " ", startingAt: 0) + "  SKIPPED: \(reason)")
      skipped[benchCase.name] = reason
      continue
    }
    // A case with a warm-up run reports the peak after it; a single run, the whole process's.
    measurement.peakMemoryMiB = measurement.peakMemoryMiB ?? Double(usage.ru_maxrss) / 1024
    results.append(measurement)
    let rate =
      measurement.itemsPerSecond >= 1000
      ? String(format: "%.0f", measurement.itemsPerSecond) : String(format: "%.1f", measurement.itemsPerSecond)
    print(
      benchCase.name.padding(toLength: 40, withPad: " ", startingAt: 0)
        + String(
          format: "%10d items %9.4f s %14@ /s %8.1f MiB", measurement.items, measurement.seconds, rate, measurement.peakMemoryMiB!
        )
        + (measurement.timesKDF.map { String(format: "  (KDF %.4f s: %.2f × KDF)", measurement.kdfSeconds ?? 0, $0) } ?? "")
        + (measurement.note.map { "  (\($0))" } ?? ""))
  }
  let checks = targetChecks(results, skipped: skipped)
  if !checks.isEmpty { print("\nTargets:") }
  for check in checks {
    let status = check.notMeasured == nil ? check.met ? "met    " : "NOT MET" : "-------"
    print(
      "  \(status) \(check.target.padding(toLength: 62, withPad: " ", startingAt: 0)) \(check.notMeasured ?? String(format: "%.2f", check.value))"
    )
  }
  struct Output: Codable {
    var measurements: [Measurement]
    var targets: [TargetCheck]
    var skipped: [String: String]
  }
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(Output(measurements: results, targets: checks, skipped: skipped)).write(to: URL(fileURLWithPath: output))
  print("Results written to \(output).")
}

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "all" {
  try runAll(output: arguments.dropFirst().first ?? "bench-results.json", filter: arguments.dropFirst(2).first ?? "")
} else if let name = arguments.first {
  try runOne(name)
} else {
  print("usage: otpbridge-bench all [OUT.json [CASES-CONTAINING]] | otpbridge-bench CASE")
  for benchCase in allCases() { print("  \(benchCase.name)") }
}
