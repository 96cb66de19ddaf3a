import EntraCSV
import GoogleMigration
import OTPCore

/// Command-line settings that tune one writer, applied by replacing that plugin in the registry,
/// so the plugin contract (and `WriteContext`) stays the same for every format.
public struct WriterOptions: Sendable {
  /// The most accounts in one Google Authenticator transfer code; nil keeps the default (10).
  public var googleMigrationBatchSize: Int?
  /// The user principal name every Entra OATH CSV row gets; nil writes each account's name.
  public var entraUPN: String?

  public init(googleMigrationBatchSize: Int? = nil, entraUPN: String? = nil) {
    self.googleMigrationBatchSize = googleMigrationBatchSize
    self.entraUPN = entraUPN
  }

  /// The formats that these options apply to, for usage errors.
  public static let batchSizeFormats = [GoogleMigrationFormat().descriptor.id]
  public static let upnFormats = [EntraCSVFormat().descriptor.id]
}

extension Registry {
  /// The registry with its writers tuned by `options`.
  public func applying(_ options: WriterOptions) -> Registry {
    Registry(listed: listed.map { plugin in
      if let batchSize = options.googleMigrationBatchSize, plugin is GoogleMigrationFormat {
        return GoogleMigrationFormat(batchSize: batchSize)
      }
      if let upn = options.entraUPN, plugin is EntraCSVFormat {
        return EntraCSVFormat(upn: upn)
      }
      return plugin
    }, external: external)
  }
}
