import GoogleMigration
import OTPCore

/// Command-line settings that tune one writer, applied by replacing that plugin in the registry,
/// so the plugin contract (and `WriteContext`) stays the same for every format.
public struct WriterOptions: Sendable {
  /// The most accounts in one Google Authenticator transfer code; nil keeps the default (10).
  public var googleMigrationBatchSize: Int?

  public init(googleMigrationBatchSize: Int? = nil) {
    self.googleMigrationBatchSize = googleMigrationBatchSize
  }

  /// The formats that these options apply to, for usage errors.
  public static let batchSizeFormats = [GoogleMigrationFormat().descriptor.id]
}

extension Registry {
  /// The registry with its writers tuned by `options`.
  public func applying(_ options: WriterOptions) -> Registry {
    guard let batchSize = options.googleMigrationBatchSize else { return self }
    return Registry(plugins: plugins.map { $0 is GoogleMigrationFormat ? GoogleMigrationFormat(batchSize: batchSize) : $0 })
  }
}
