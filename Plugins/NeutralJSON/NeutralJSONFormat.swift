import OTPCore

/// `otpbridge-json`: every field of the account model, nothing lost (docs/formats/otpbridge-json.md).
public struct NeutralJSONFormat: EntryWriting {
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
    // `{"format": "otpbridge-json", "version", "accounts"}`, in any order.
    guard let outline = input.jsonOutline, outline.root == .object else { return .no }
    return outline.members["format"]?.text == NeutralJSON.formatName ? .certain : .no
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    try NeutralJSON.decode(input.bytes, file: input.name)
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    guard !accounts.isEmpty else { return WriteResult(bytes: try NeutralJSON.encode(accounts) + [0x0a]) }
    return try NeutralJSON.Entries().document(accounts[...])
  }

  public func entryWriter(for accounts: some Sequence<Account>, context: WriteContext) throws -> any EntryWriter {
    try NeutralJSON.Entries()
  }
}
