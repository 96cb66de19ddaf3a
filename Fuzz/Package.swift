// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets, one per built-in reader, named by its format id, each in Targets/<id>
// (FormatListTests checks this list, the folders and the readers agree; SwiftPM caches manifests,
// so the list is written out rather than read from the folder), and `json`, which is not a reader
// but JSONTapeDecoder checked against Foundation's JSONDecoder (docs/fuzzing.md). A separate
// package, so the normal `swift build` and `swift test` never compile it; `make fuzz SECONDS=N`
// builds it with `-sanitize=fuzzer,address` and runs every target. Each target's main hands over
// to libFuzzer's driver (LLVMFuzzerRunDriver), since SwiftPM gives executables a main of their own.
let targets = [
  "1password-csv", "1pux", "2fas", "aegis", "andotp", "apple-passwords", "archive", "authenticator-plus", "authy",
  "battle-net", "bitwarden-csv", "bitwarden-json", "dashlane-csv", "duo", "enpass", "ente", "entra-csv", "freeotp",
  "freeotp-plus", "freeotp-tokens", "google-authenticator-db", "google-migration", "json", "keepass",
  "keepassxc-csv", "keeper", "keeper-csv", "lastpass", "lastpass-csv", "ms-authenticator", "nordpass-csv", "opvault", "otpauth",
  "otpbridge-json",
  "proton", "proton-pass", "pskc", "qr", "raivo", "seed-csv", "steam-mafile", "stratum", "totp-authenticator",
  "winauth",
]

let package = Package(
  name: "otpbridge-fuzz",
  platforms: [.macOS(.v13)],
  dependencies: [.package(name: "otpbridge", path: "..")],
  targets: [
    .target(name: "CFuzzer"),
    .target(
      name: "FuzzSupport",
      dependencies: [
        "CFuzzer", .product(name: "OTPBridge", package: "otpbridge"), .product(name: "OTPJSON", package: "otpbridge"),
      ]),
  ]
    + targets.map { id in
      .executableTarget(name: "fuzz-\(id)", dependencies: ["FuzzSupport"], path: "Targets/\(id)")
    }
)
