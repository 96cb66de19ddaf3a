import Foundation
import OTPBridge
import OTPCore
import TestSupport
import Testing

/// A format is listed in four places that must agree: the `formats` table of Package.swift (its
/// module), `Registry.builtIn` (its plugin), Fuzz/Targets (a libFuzzer target per reader) and
/// docs/formats/ (its page).
@Suite struct FormatListTests {
  static let root = Vectors.packageRoot

  static func folderNames(_ relative: String) throws -> Set<String> {
    Set(
      try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(relative).path).filter {
        !$0.hasPrefix(".")
      })
  }

  /// The module names in Package.swift's `formats` table.
  static func packageFormats() throws -> Set<String> {
    let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    let start = try #require(manifest.range(of: "let formats:"))
    let end = try #require(manifest[start.upperBound...].range(of: "\n]\n"))
    return Set(manifest[start.upperBound..<end.lowerBound].matches(of: /\n  \("(\w+)"/).map { String($0.1) })
  }

  @Test func packageTableHoldsTheModulesOfTheRegistry() throws {
    let modules = Set(Registry.builtIn.listed.map { String(String(reflecting: type(of: $0)).prefix { $0 != "." }) })
    #expect(try Self.packageFormats() == modules)
    // Every module is a folder under Plugins/ (External is the adapter for plugins, not a format).
    #expect(try Self.folderNames("Plugins").subtracting(["External"]) == modules)
  }

  @Test func everyReaderHasAFuzzTarget() throws {
    let readers = Set(Registry.builtIn.listed.filter(\.descriptor.canRead).map(\.descriptor.id))
    // `json` is the JSON decoders' differential target, not a reader.
    #expect(try Self.folderNames("Fuzz/Targets").subtracting(["json"]) == readers)
    // The fuzz package lists its targets too (a manifest that read the folder would be cached).
    let manifest = try String(contentsOf: Self.root.appendingPathComponent("Fuzz/Package.swift"), encoding: .utf8)
    let start = try #require(manifest.range(of: "let targets = ["))
    let end = try #require(manifest[start.upperBound...].range(of: "]"))
    let listed = Set(manifest[start.upperBound..<end.lowerBound].matches(of: /"([a-z0-9-]+)"/).map { String($0.1) })
    #expect(listed == (try Self.folderNames("Fuzz/Targets")))
  }

  @Test func everyFormatHasItsPage() throws {
    let pages = Set(try Self.folderNames("docs/formats").filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) })
    #expect(pages == Set(Registry.builtIn.ids))
  }
}
