// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets, one per built-in reader (docs/fuzzing.md). A separate package, so the normal
// `swift build` and `swift test` never compile it; `make fuzz SECONDS=N` builds it with
// `-sanitize=fuzzer,address` and runs every target. Each target's main hands over to libFuzzer's
// driver (LLVMFuzzerRunDriver), since SwiftPM gives executables a main of their own.
let readers = [
  "ente", "otpauth", "google-migration", "qr", "aegis", "2fas", "andotp", "proton", "freeotp-plus", "raivo",
  "1password-csv", "1pux", "bitwarden-json", "bitwarden-csv", "keepassxc-csv", "ms-authenticator", "otpbridge-json",
  // Not a reader: JSONTapeDecoder checked against Foundation's JSONDecoder.
  "json",
]

let package = Package(
  name: "otpbridge-fuzz",
  platforms: [.macOS(.v13)],
  dependencies: [.package(name: "otpbridge", path: "..")],
  targets: [
    .target(name: "CFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CFuzzer", .product(name: "OTPBridge", package: "otpbridge")]),
  ] + readers.map { id in
    .executableTarget(name: "fuzz-\(id)", dependencies: ["FuzzSupport"], path: "Targets/\(id)")
  }
)
