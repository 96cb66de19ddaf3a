import OTPCore

/// `otpbridge-json`: every field of the account model, nothing lost (docs/formats/otpbridge-json.md).
public struct NeutralJSONFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: NeutralJSON.formatName,
    displayName: "otpbridge neutral JSON",
    fileExtensions: ["json"],
    canRead: true,
    canWrite: true,
    encryption: .none,
    capabilities: Capabilities(
      kinds: Set(OTPKind.allCases), algorithms: Set(HashAlgorithm.allCases), digits: 1...10,
      periods: .range(1...Int(Int32.max)), fields: Set(AccountField.allCases)),
    summary: "The account model as versioned JSON: lossless, and what external plugins speak.")

  public func sniff(_ input: InputFile) -> SniffConfidence {
    let head = input.bytes.prefix(4096)
    guard head.first(where: { ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].contains($0) }) == UInt8(ascii: "{") else { return .no }
    // The marker is near the start as we write it, or near the end when keys were sorted.
    let marker = Array("\"otpbridge-json\"".utf8)
    return head.firstRange(of: marker) != nil || input.bytes.suffix(4096).firstRange(of: marker) != nil ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    try NeutralJSON.decode(input.bytes, file: input.name)
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    WriteResult(bytes: try NeutralJSON.encode(accounts) + [0x0a])
  }
}
