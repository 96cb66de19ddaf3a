import Aegis
import AndOTP
import ApplePasswords
import Archive
import AuthenticatorPlus
import Authy
import BattleNet
import Bitwarden
import DashlaneCSV
import Duo
import Enpass
import Ente
import EntraCSV
import External
import Foundation
import FreeOTPPlus
import GoogleAuthenticatorDB
import GoogleMigration
import KeePass
import KeePassXCCSV
import Keeper
import LastPass
import LastPassCSV
import MicrosoftAuthenticator
import NeutralJSON
import NordPass
import OPVault
import OTPCore
import OnePUX
import OnePasswordCSV
import Otpauth
import PSKC
import Proton
import ProtonPass
import QRImage
import Raivo
import SeedCSV
import SteamMaFile
import Stratum
import Synchronization
import TOTPAuthenticator
import TwoFAS
import WinAuth

/// The formats otpbridge knows, in the order `otpbridge formats` lists them. Adding a built-in
/// format is one module under Plugins/ and one line here.
public struct Registry: Sendable {
  /// The formats known without looking anywhere: the built-ins, or any fixed list.
  public let listed: [any FormatPlugin]
  /// External plugins, found only when something asks for a format the listed ones cannot give.
  let external: ExternalPluginSource?

  public init(plugins: [any FormatPlugin]) {
    self.init(listed: plugins, external: nil)
  }

  init(listed: [any FormatPlugin], external: ExternalPluginSource?) {
    self.listed = listed
    self.external = external
  }

  /// Every format, external plugins included (this looks for them).
  public var plugins: [any FormatPlugin] { listed + (external?.plugins ?? []) }

  public static let builtIn = Registry(plugins: [
    // Ente and WinAuth before otpauth: each is certain of its own otpauth lines (Ente's with
    // codeDisplay, WinAuth's with Steam data), as otpauth is, and ties go first.
    EnteFormat(),
    WinAuthFormat(),
    OtpauthListFormat(),
    GoogleMigrationFormat(),
    QRImageFormat(),
    AegisFormat(),
    TwoFASFormat(),
    AndOTPFormat(),
    ProtonFormat(),
    FreeOTPPlusFormat(),
    FreeOTPTokensFormat(),
    FreeOTPBackupFormat(),
    RaivoFormat(),
    OnePasswordCSVFormat(),
    ApplePasswordsFormat(),
    OnePUXFormat(),
    LastPassCSVFormat(),
    DashlaneCSVFormat(),
    EnpassFormat(),
    KeeperFormat(),
    KeeperCSVFormat(),
    NordPassCSVFormat(),
    ProtonPassFormat(),
    OPVaultFormat(),
    BitwardenJSONFormat(),
    BitwardenCSVFormat(),
    KeePassXCCSVFormat(),
    KeePassFormat(),
    MicrosoftAuthenticatorFormat(),
    GoogleAuthenticatorDBFormat(),
    DuoFormat(),
    BattleNetFormat(),
    SteamMaFileFormat(),
    StratumFormat(),
    AuthyFormat(),
    TOTPAuthenticatorFormat(),
    LastPassFormat(),
    AuthenticatorPlusFormat(),
    EntraCSVFormat(),
    PSKCFormat(),
    SeedCSVFormat(),
    NeutralJSONFormat(),
    // Last: gzip's and bzip2's magic are short, so any tie goes to a format of its own.
    ArchiveFormat(),
  ])

  /// The built-in formats plus the external plugins in `pluginFolders`, $OTPBRIDGE_PLUGIN_PATH and
  /// $PATH. The folders are searched the first time a format is needed that no built-in gives
  /// (`formats`, an unknown `--from`/`--to` id, a file no built-in is certain of), so that a
  /// command on a built-in format never lists folders or starts plugins. A plugin that cannot
  /// describe itself, or whose id a built-in already has, is left out and named to `problem`.
  public static func withExternalPlugins(
    pluginFolders: [String], problem: @escaping @Sendable (String) -> Void
  ) -> Registry {
    Registry(
      listed: builtIn.listed, external: ExternalPluginSource(folders: pluginFolders, taken: Set(builtIn.ids), problem: problem))
  }

  public var ids: [String] { plugins.map(\.descriptor.id) }

  /// The registry with its writers tuned by the command line's `settings` (`--batch-size`,
  /// `--upn`): each format applies those its descriptor lists.
  public func applying(_ settings: WriterSettings) -> Registry {
    Registry(listed: listed.map { $0.configured(settings) }, external: external)
  }

  /// The built-in formats whose writers take `setting`, for usage errors.
  public func formats(taking setting: WriterSetting) -> [String] {
    listed.filter { $0.descriptor.writerSettings.contains(setting) }.map(\.descriptor.id)
  }

  /// The plugin named `id`, or a usage error that lists the known names.
  public func plugin(id: String) throws -> any FormatPlugin {
    let id = id.lowercased()
    if let plugin = listed.first(where: { $0.descriptor.id == id }) { return plugin }
    guard let plugin = external?.plugins.first(where: { $0.descriptor.id == id }) else {
      throw OTPError.unknownFormatID(id, known: ids)
    }
    return plugin
  }

  /// The plugin that reads `input`: the one named by `--from`, else the most confident sniffer
  /// (ties go to the one listed first).
  public func reader(for input: InputFile, from id: String?) throws -> any FormatPlugin {
    try recognise(input, from: id).plugin
  }

  /// `reader(for:from:)`, and whether the choice is sure: named by `--from`, or a sniffer was
  /// certain. A reader chosen less surely that fails to read the file was a guess
  /// (`Reading.read` says so, not that the file is damaged).
  public func recognise(_ input: InputFile, from id: String?) throws -> (plugin: any FormatPlugin, sure: Bool) {
    try recognise(input, from: id, asMember: false)
  }

  /// A member of an archive is recognised by the built-in formats only (an external plugin's
  /// sniff is a process, which thousands of members must not start), and only when one is at
  /// least likely: a guess on a stray file would ask for its password or call it damaged.
  public func recogniseMember(_ input: InputFile) throws -> (plugin: any FormatPlugin, sure: Bool) {
    try recognise(input, from: nil, asMember: true)
  }

  func recognise(_ input: InputFile, from id: String?, asMember: Bool) throws -> (plugin: any FormatPlugin, sure: Bool) {
    if let id {
      let plugin = try plugin(id: id)
      guard plugin.descriptor.canRead else {
        throw OTPError.invalidArgument("otpbridge cannot read '\(id)' files; it only writes them.")
      }
      return (plugin, true)
    }
    var best: (plugin: any FormatPlugin, confidence: SniffConfidence)?
    func consider(_ candidates: [any FormatPlugin]) {
      for plugin in candidates where plugin.descriptor.canRead {
        let confidence = plugin.sniff(input)
        if confidence > .no, confidence > (best?.confidence ?? .no) {
          best = (plugin, confidence)
        }
      }
    }
    consider(listed)
    // External plugins come after the listed ones, so they can win only where none is certain.
    if !asMember, best?.confidence != .certain, let external { consider(external.plugins) }
    if asMember, let found = best, found.confidence < .likely { best = nil }
    guard let best else {
      throw OTPError.unrecognisedFormat(file: input.name, known: readableIDs, guess: describeUnrecognised(input))
    }
    return (best.plugin, best.confidence == .certain)
  }

  /// The format kept as the folder at `path` (an OPVault), told by the file its reader takes
  /// inside it; nil for a file or any other folder.
  func folderFormat(at path: String) -> FormatDescriptor? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
    return plugins.map(\.descriptor).first { descriptor in
      descriptor.readFromFolder.map { FileManager.default.fileExists(atPath: path + "/" + $0) } ?? false
    }
  }

  var readableIDs: [String] { plugins.filter(\.descriptor.canRead).map(\.descriptor.id) }

  /// What an input no format recognises looks like, for the error: JSON with its top-level
  /// member names (short plain names only, never values), and the formats that read files of
  /// its kind or name ending.
  func describeUnrecognised(_ input: InputFile) -> String? {
    let readers = plugins.filter(\.descriptor.canRead).map(\.descriptor)
    if let outline = input.jsonOutline {
      let names = outline.members.keys.filter { name in
        name.utf8.count <= 24 && name.utf8.allSatisfy { $0 < 0x80 && ($0 == 0x5F || $0 == 0x2D || isalnum(Int32($0)) != 0) }
      }.sorted().prefix(8)
      let shape = names.isEmpty ? "it is JSON" : "it is JSON with \(names.joined(separator: ", ")) at the top"
      let json = readers.filter { $0.fileExtensions.contains("json") }.map(\.id)
      return "\(shape), like none of the JSON exports otpbridge reads (\(json.joined(separator: ", ")))"
    }
    let ending = input.fileExtension.lowercased()
    let sameEnding = readers.filter { $0.fileExtensions.contains(ending) }.map(\.id)
    guard !ending.isEmpty, !sameEnding.isEmpty else { return nil }
    return
      "its name ends in .\(ending), but it is like none of the .\(ending) files otpbridge reads (\(sameEnding.joined(separator: ", ")))"
  }
}

/// The external plugins of a registry, discovered once, on first use, by whichever thread needs
/// them first.
final class ExternalPluginSource: Sendable {
  private let folders: [String]
  private let taken: Set<String>
  private let problem: @Sendable (String) -> Void
  private let found = Mutex<[any FormatPlugin]?>(nil)

  init(folders: [String], taken: Set<String>, problem: @escaping @Sendable (String) -> Void) {
    self.folders = folders
    self.taken = taken
    self.problem = problem
  }

  var plugins: [any FormatPlugin] {
    found.withLock { found in
      if let found { return found }
      let discovery = ExternalPlugins.discover(folders: folders)
      var plugins: [any FormatPlugin] = []
      discovery.problems.forEach(problem)
      for plugin in discovery.plugins {
        if taken.contains(plugin.descriptor.id) {
          problem("external plugin for '\(plugin.descriptor.id)' ignored: that format id is taken")
        } else {
          plugins.append(plugin)
        }
      }
      found = plugins
      return plugins
    }
  }
}
