// swift-tools-version: 6.0
import PackageDescription

// Layout (docs/architecture.md): OTPCore is the vocabulary every module shares; support modules
// (OTPJSON, OTPCrypto, OTPContainers, LoginItems) hold what several formats need; each format is
// one module under Plugins/ that depends on OTPCore, the support modules it names and C shims,
// never on another format; OTPBridge holds the registry and pipelines; the otpbridge executable
// is a thin CLI over OTPBridge.

/// Every format module under Plugins/, with what it uses besides OTPCore (support modules, C shims,
/// packages) and
/// the files in its folder that are not sources. Each gets a test target Tests/<Name>Tests (QRImage
/// shares QRTests with the QR drawing), and OTPBridge depends on them all. Adding a format: one
/// line here and one in Registry.builtIn; FormatListTests checks that the two, the fuzz targets and
/// docs/formats/ agree.
let formats: [(name: String, uses: [Target.Dependency], exclude: [String])] = [
  ("Otpauth", [], []),
  ("MicrosoftAuthenticator", ["OTPContainers"], []),
  ("GoogleAuthenticatorDB", ["OTPContainers"], []),
  ("Duo", ["OTPJSON"], []),
  ("BattleNet", ["OTPContainers"], []),
  ("SteamMaFile", ["OTPCrypto", "OTPJSON"], []),
  ("Stratum", ["OTPContainers", "OTPCrypto", "OTPJSON"], []),
  ("Authy", ["OTPContainers", "OTPCrypto", "OTPJSON"], []),
  ("TOTPAuthenticator", ["OTPContainers", "OTPCrypto", "OTPJSON"], []),
  ("LastPass", ["OTPJSON"], []),
  ("AuthenticatorPlus", ["OTPContainers"], []),
  ("WinAuth", ["OTPContainers", "OTPJSON"], []),
  ("NeutralJSON", [], []),
  ("Aegis", ["OTPCrypto", "OTPJSON"], []),
  ("TwoFAS", ["OTPCrypto", "OTPJSON"], []),
  ("AndOTP", ["OTPCrypto", "OTPJSON"], []),
  ("Ente", ["CSodium", "OTPCrypto", "OTPJSON"], []),
  ("Proton", ["OTPCrypto", "OTPJSON"], []),
  ("FreeOTPPlus", ["OTPJSON", "OTPContainers", "OTPCrypto", .product(name: "SwiftASN1", package: "swift-asn1")], []),
  ("Raivo", ["OTPContainers"], []),
  ("OnePasswordCSV", ["OTPContainers", "LoginItems"], []),
  ("ApplePasswords", ["OTPContainers", "LoginItems"], []),
  ("LastPassCSV", ["OTPContainers", "LoginItems"], []),
  ("DashlaneCSV", ["OTPContainers", "LoginItems"], []),
  ("Enpass", ["OTPJSON", "LoginItems"], []),
  ("Keeper", ["OTPContainers", "OTPJSON", "LoginItems"], []),
  ("NordPass", ["OTPContainers"], []),
  ("ProtonPass", ["OTPContainers", "OTPCrypto", "OTPJSON", "LoginItems"], []),
  ("OnePUX", ["OTPContainers", "OTPJSON", "LoginItems"], []),
  ("OPVault", ["OTPCrypto", "OTPJSON", "LoginItems"], []),
  ("Bitwarden", ["OTPContainers", "OTPCrypto", "OTPJSON", "LoginItems"], []),
  ("KeePassXCCSV", ["OTPContainers", "LoginItems"], []),
  ("KeePass", ["OTPContainers", "OTPCrypto", "LoginItems"], []),
  ("EntraCSV", ["OTPContainers"], []),
  ("PSKC", ["OTPContainers", "OTPCrypto"], []),
  ("SeedCSV", ["OTPContainers"], []),
  // migration.pb.swift is generated from migration.proto by `make regenerate-proto`.
  ("GoogleMigration", [.product(name: "SwiftProtobuf", package: "swift-protobuf")], ["migration.proto"]),
  ("Archive", ["OTPContainers"], []),
  ("QRImage", ["CZBar", "CPNG", "CJPEG", "CWebP", "CHeif"], []),
]
let formatsTestedElsewhere: Set<String> = ["QRImage"]

/// System libraries (Debian -dev packages, installed by scripts/bootstrap.sh): module maps only.
let systemLibraries: [(name: String, pkgConfig: String, apt: String)] = [
  ("CArchive", "libarchive", "libarchive-dev"),
  ("CSodium", "libsodium", "libsodium-dev"),
  ("CArgon2", "libargon2", "libargon2-dev"),
  ("CSQLite", "sqlite3", "libsqlite3-dev"),
  ("CZBar", "zbar", "libzbar-dev"),
  ("CPNG", "libpng", "libpng-dev"),
  ("CJPEG", "libjpeg", "libjpeg-dev"),
  ("CWebP", "libwebp", "libwebp-dev"),
  ("CHeif", "libheif", "libheif-dev"),
  ("CQREncode", "libqrencode", "libqrencode-dev"),
  ("CGcrypt", "libgcrypt", "libgcrypt20-dev"),
  ("CZlib", "zlib", "zlib1g-dev"),
  ("CRNP", "librnp", "librnp-dev"),
]

/// Format modules whose tests also drive a C library directly (to build fixtures).
let testShims: [String: [Target.Dependency]] = [
  "OnePUX": ["CArchive"], "MicrosoftAuthenticator": ["CSQLite"], "GoogleAuthenticatorDB": ["CSQLite"],
]

/// Format test folders that hold fixture files beside the tests (with the script that made them).
let testFixtures: [String: [String]] = [
  "PSKC": ["Fixtures"], "WinAuth": ["winauth-import.py"], "SteamMaFile": ["read-mafiles.py"],
]

let package = Package(
  name: "otpbridge",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "otpbridge", targets: ["otpbridge"]),
    .library(name: "OTPBridge", targets: ["OTPBridge"]),
    .library(name: "OTPCore", targets: ["OTPCore"]),
    .library(name: "OTPJSON", targets: ["OTPJSON"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    // `otpbridge serve`: the local page's HTTP server, its stop on done or idle, its quiet logger.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: systemLibraries.map { library in
    .systemLibrary(
      name: library.name, path: "Sources/\(library.name)", pkgConfig: library.pkgConfig, providers: [.apt([library.apt])])
  }
    + formats.map { format in
      .target(name: format.name, dependencies: ["OTPCore"] + format.uses, path: "Plugins/\(format.name)", exclude: format.exclude)
    }
    + formats.filter { !formatsTestedElsewhere.contains($0.name) }.map { format in
      .testTarget(
        name: "\(format.name)Tests",
        dependencies: [.target(name: format.name), "OTPCore", "TestSupport"] + format.uses + (testShims[format.name] ?? []),
        exclude: testFixtures[format.name] ?? [])
    } + [
      // The vocabulary every module shares (model, plugin contract, loss report, errors, otpauth URI).
      .target(name: "OTPCore", dependencies: ["OTPJSON", .product(name: "Crypto", package: "swift-crypto")]),
      // Support modules that plugins may import: the JSON engine (no dependencies), the KDFs and
      // ciphers, the containers other formats share (zip, XML, CSV, phone databases), password
      // managers' login items.
      .target(name: "OTPJSON"),
      .target(
        name: "OTPCrypto",
        dependencies: [
          "OTPCore", "CArgon2", "CSodium", "CGcrypt", "CRNP", .product(name: "Crypto", package: "swift-crypto"),
          .product(name: "CryptoExtras", package: "swift-crypto"),
        ]),
      .target(name: "OTPContainers", dependencies: ["OTPCore", "CArchive", "CSQLite", "CZlib"]),
      .target(name: "LoginItems", dependencies: ["OTPCore"]),
      // External plugins: the adapter for executables that speak docs/plugins.md (tested in CLITests).
      .target(name: "External", dependencies: ["OTPCore", "OTPJSON"], path: "Plugins/External"),
      // Drawing QR codes for `convert --qr`: not a format, so not a plugin. CPNGWrite is its one C
      // function: a 1-bit PNG written with libpng's full API, whose longjmp errors it catches.
      .target(name: "CPNGWrite", dependencies: ["CPNG"]),
      .target(name: "QRCodes", dependencies: ["OTPCore", "CQREncode", "CPNGWrite"]),
      .target(
        name: "OTPBridge",
        dependencies: [
          "OTPCore", "OTPJSON", "OTPCrypto", "OTPContainers", "LoginItems", "CSQLite", "External", "QRCodes",
          .product(name: "SystemPackage", package: "swift-system"),
        ] + formats.map { .target(name: $0.name) }),
      // `otpbridge serve` (docs/serve.md): Hummingbird over ServeSession (OTPBridge), the page in the binary.
      .target(
        name: "OTPServe",
        dependencies: [
          "OTPBridge", "OTPCore", .product(name: "Hummingbird", package: "hummingbird"),
          .product(name: "HTTPTypes", package: "swift-http-types"),
          .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
          .product(name: "Logging", package: "swift-log"),
        ]),
      // The commit `otpbridge --version` names, recorded by `make` (scripts/record-commit.sh).
      .target(name: "CBuildInfo"),
      .executableTarget(
        name: "otpbridge",
        dependencies: [
          "OTPBridge", "OTPServe", "CBuildInfo", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
      ),
      .executableTarget(name: "otpbridge-bench", dependencies: ["OTPBridge", "QRCodes", "OTPCrypto", "OTPContainers"]),
      .target(name: "TestSupport", dependencies: ["OTPCore"], path: "Tests/TestSupport"),
      .testTarget(name: "OTPCoreTests", dependencies: ["OTPCore", "OTPJSON", "LoginItems", "TestSupport"]),
      // The JSON engine against Foundation's JSONDecoder and JSONEncoder (differential tests).
      .testTarget(name: "OTPJSONTests", dependencies: ["OTPJSON", "OTPCore", "TestSupport"]),
      .testTarget(name: "SupportTests", dependencies: ["OTPCrypto", "OTPContainers", "OTPCore", "TestSupport"]),
      .testTarget(
        name: "QRTests", dependencies: ["QRImage", "QRCodes", "OTPBridge", "OTPCore", "TestSupport"],
        exclude: ["Fixtures"]),
      .testTarget(name: "OTPBridgeTests", dependencies: ["OTPBridge", "OTPCore", "TestSupport"], exclude: ["Expectations"]),
      // BadInputs/ is made by scripts/make-bad-inputs.py and read by path, not as resources.
      .testTarget(
        name: "CLITests", dependencies: ["OTPCore", "TestSupport"],
        exclude: [
          "BadInputs", "Transcripts", "prompt-interrupt.py", "prompt-answers.py", "validate-json.py", "pass-import-read.py",
          "decrypt-export.py", "pskc-read.py", "keepass-check.py",
        ]),
    ]
)
