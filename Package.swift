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
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    // System libraries (Debian -dev packages, installed by scripts/bootstrap.sh): module maps only.
    .systemLibrary(name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
    .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
    .systemLibrary(name: "CArgon2", path: "Sources/CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
    .systemLibrary(name: "CZBar", path: "Sources/CZBar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
    .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
    .systemLibrary(name: "CQREncode", path: "Sources/CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
    .target(
      name: "OTPCore",
      dependencies: [
        "CArgon2",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "CryptoExtras", package: "swift-crypto"),
      ]
    ),
    .target(name: "Otpauth", dependencies: ["OTPCore"], path: "Plugins/Otpauth"),
    // migration.pb.swift is generated from migration.proto by `make regenerate-proto`.
    .target(
      name: "GoogleMigration",
      dependencies: ["OTPCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
      path: "Plugins/GoogleMigration", exclude: ["migration.proto"]),
    .target(name: "QRImage", dependencies: ["OTPCore", "CZBar", "CPNG", "CJPEG"], path: "Plugins/QRImage"),
    // Drawing QR codes for `convert --qr`: not a format, so not a plugin.
    .target(name: "QRCodes", dependencies: ["OTPCore", "CQREncode", "CPNG"]),
    .target(name: "OTPBridge", dependencies: ["OTPCore", "Otpauth", "GoogleMigration", "QRImage", "QRCodes"]),
    .executableTarget(
      name: "otpbridge",
      dependencies: ["OTPBridge", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    .target(name: "TestSupport", dependencies: ["OTPCore"], path: "Tests/TestSupport"),
    .testTarget(name: "OTPCoreTests", dependencies: ["OTPCore", "TestSupport"]),
    .testTarget(name: "OtpauthTests", dependencies: ["Otpauth", "OTPCore", "TestSupport"]),
    .testTarget(name: "GoogleMigrationTests", dependencies: ["GoogleMigration", "OTPCore", "TestSupport"]),
    .testTarget(
      name: "QRTests", dependencies: ["QRImage", "QRCodes", "OTPBridge", "OTPCore", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "OTPBridgeTests", dependencies: ["OTPBridge", "OTPCore", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["OTPCore", "TestSupport"]),
  ]
)
