import Aegis
import AndOTP
import Bitwarden
import KeePassXCCSV
import OTPCore
import Ente
import EntraCSV
import External
import FreeOTPPlus
import GoogleMigration
import MicrosoftAuthenticator
import NeutralJSON
import OnePUX
import OnePasswordCSV
import Otpauth
import PSKC
import Proton
import QRImage
import Raivo
import SeedCSV
import TwoFAS

/// The formats otpbridge knows, in the order `otpbridge formats` lists them. Adding a built-in
/// format is one module under Plugins/ and one line here.
public struct Registry: Sendable {
  public let plugins: [any FormatPlugin]

  public init(plugins: [any FormatPlugin]) {
    self.plugins = plugins
  }

  public static let builtIn = Registry(plugins: [
    // Ente before otpauth: both are certain of an Ente list with codeDisplay, and ties go first.
    EnteFormat(),
    OtpauthListFormat(),
    GoogleMigrationFormat(),
    QRImageFormat(),
    AegisFormat(),
    TwoFASFormat(),
    AndOTPFormat(),
    ProtonFormat(),
    FreeOTPPlusFormat(),
    RaivoFormat(),
    OnePasswordCSVFormat(),
    OnePUXFormat(),
    BitwardenJSONFormat(),
    BitwardenCSVFormat(),
    KeePassXCCSVFormat(),
    MicrosoftAuthenticatorFormat(),
    EntraCSVFormat(),
    PSKCFormat(),
    SeedCSVFormat(),
    NeutralJSONFormat(),
  ])

  /// The built-in formats plus the external plugins found in `pluginFolders`,
  /// $OTPBRIDGE_PLUGIN_PATH and $PATH. A plugin that cannot describe itself, or whose id a built-in
  /// already has, is left out and named in `problems`.
  public static func withExternalPlugins(pluginFolders: [String]) -> (registry: Registry, problems: [String]) {
    let discovery = ExternalPlugins.discover(folders: pluginFolders)
    var plugins = builtIn.plugins
    var problems = discovery.problems
    for plugin in discovery.plugins {
      if plugins.contains(where: { $0.descriptor.id == plugin.descriptor.id }) {
        problems.append("external plugin for '\(plugin.descriptor.id)' ignored: that format id is taken")
      } else {
        plugins.append(plugin)
      }
    }
    return (Registry(plugins: plugins), problems)
  }

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
