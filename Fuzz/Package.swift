// swift-tools-version: 6.0
import Foundation
import PackageDescription

// libFuzzer targets: one per folder of Targets/, each a built-in reader named by its format id
// (FormatListTests checks there is one for every reader), and `json`, which is not a reader but
// JSONTapeDecoder checked against Foundation's JSONDecoder (docs/fuzzing.md). A separate package,
// so the normal `swift build` and `swift test` never compile it; `make fuzz SECONDS=N` builds it
// with `-sanitize=fuzzer,address` and runs every target. Each target's main hands over to
// libFuzzer's driver (LLVMFuzzerRunDriver), since SwiftPM gives executables a main of their own.
let targets = try! FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/Targets")
  .filter { !$0.hasPrefix(".") }.sorted()

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
