import OTPCore
import GoogleMigration
import Otpauth
import QRImage

/// The formats otpbridge knows, in the order `otpbridge formats` lists them. Adding a built-in
/// format is one module under Plugins/ and one line here.
public struct Registry: Sendable {
  public let plugins: [any FormatPlugin]

  public init(plugins: [any FormatPlugin]) {
    self.plugins = plugins
  }

  public static let builtIn = Registry(plugins: [
    OtpauthListFormat(),
    GoogleMigrationFormat(),
    QRImageFormat(),
  ])

  public var ids: [String] { plugins.map(\.descriptor.id) }

  /// The plugin named `id`, or a usage error that lists the known names.
  public func plugin(id: String) throws -> any FormatPlugin {
    guard let plugin = plugins.first(where: { $0.descriptor.id == id.lowercased() }) else {
      throw OTPError.unknownFormatID(id, known: ids)
    }
    return plugin
  }

  /// The plugin that reads `input`: the one named by `--from`, else the most confident sniffer
  /// (ties go to the one listed first).
  public func reader(for input: InputFile, from id: String?) throws -> any FormatPlugin {
    if let id {
      let plugin = try plugin(id: id)
      guard plugin.descriptor.canRead else {
        throw OTPError.invalidArgument("otpbridge cannot read '\(id)' files; it only writes them.")
      }
      return plugin
    }
    var best: (plugin: any FormatPlugin, confidence: SniffConfidence)?
    for plugin in plugins where plugin.descriptor.canRead {
      let confidence = plugin.sniff(input)
      if confidence > .no, confidence > (best?.confidence ?? .no) {
        best = (plugin, confidence)
      }
    }
    guard let best else {
      throw OTPError.unrecognisedFormat(file: input.name, known: plugins.filter(\.descriptor.canRead).map(\.descriptor.id))
    }
    return best.plugin
  }
}
