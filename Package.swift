// swift-tools-version: 6.0
import PackageDescription

// Layout (docs/architecture.md): OTPCore is the vocabulary every module shares; each format is one
// module under Plugins/ that depends on OTPCore only; OTPBridge holds the registry and pipelines; the
// otpbridge executable is a thin CLI over OTPBridge.
let package = Package(
  name: "otpbridge",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "otpbridge", targets: ["otpbridge"]),
    .library(name: "OTPBridge", targets: ["OTPBridge"]),
    .library(name: "OTPCore", targets: ["OTPCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
  ],
  targets: [
    // System libraries (Debian -dev packages, installed by scripts/bootstrap.sh): module maps only.
    .systemLibrary(name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
    .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
    .systemLibrary(name: "CArgon2", path: "Sources/CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
    .target(
      name: "OTPCore",
      dependencies: [
        "CArgon2",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "CryptoExtras", package: "swift-crypto"),
      ]
    ),
    .target(name: "Otpauth", dependencies: ["OTPCore"], path: "Plugins/Otpauth"),
    .target(name: "OnePasswordCSV", dependencies: ["OTPCore"], path: "Plugins/OnePasswordCSV"),
    .target(name: "Bitwarden", dependencies: ["OTPCore"], path: "Plugins/Bitwarden"),
    .target(name: "KeePassXCCSV", dependencies: ["OTPCore"], path: "Plugins/KeePassXCCSV"),
    .target(name: "OnePUX", dependencies: ["OTPCore", "CArchive"], path: "Plugins/OnePUX"),
    .target(name: "OTPBridge", dependencies: ["OTPCore", "Otpauth", "OnePasswordCSV", "OnePUX", "Bitwarden", "KeePassXCCSV"]),
    .executableTarget(
      name: "otpbridge",
      dependencies: ["OTPBridge", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .target(name: "TestSupport", dependencies: ["OTPCore"], path: "Tests/TestSupport"),
    .testTarget(name: "OTPCoreTests", dependencies: ["OTPCore", "TestSupport"]),
    .testTarget(name: "OtpauthTests", dependencies: ["Otpauth", "OTPCore", "TestSupport"]),
    .testTarget(name: "OnePasswordCSVTests", dependencies: ["OnePasswordCSV", "OTPCore", "TestSupport"]),
    .testTarget(name: "BitwardenTests", dependencies: ["Bitwarden", "OTPCore", "TestSupport"]),
    .testTarget(name: "KeePassXCCSVTests", dependencies: ["KeePassXCCSV", "OTPCore", "TestSupport"]),
    .testTarget(name: "OnePUXTests", dependencies: ["OnePUX", "OTPCore", "TestSupport", "CArchive"]),
    .testTarget(name: "OTPBridgeTests", dependencies: ["OTPBridge", "OTPCore", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["OTPCore", "TestSupport"]),
  ]
)
