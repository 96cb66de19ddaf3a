/// The key bytes of an account.
///
/// Every textual form of a `Secret` is redacted: `description`, `debugDescription`, string
/// interpolation, `dump` and reflection print only the length. The bytes leave the type only
/// through the explicit accessors below, which writers and `--show-secrets` call on purpose.
public struct Secret: Sendable, Hashable {
  public let bytes: [UInt8]

  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  public var isEmpty: Bool { bytes.isEmpty }
  public var count: Int { bytes.count }

  /// The secret as unpadded upper-case base32: reveals the secret.
  public func revealBase32() -> String {
    Base32.encode(bytes)
  }

  /// The secret as lower-case hex: reveals the secret.
  public func revealHex() -> String {
    Hex.encode(bytes)
  }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  public var description: String { "<secret: \(bytes.count) bytes, redacted>" }
  public var debugDescription: String { description }
  public var customMirror: Mirror { Mirror(self, children: ["redacted bytes": bytes.count]) }
}
