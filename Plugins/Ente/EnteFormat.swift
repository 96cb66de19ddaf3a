import OTPCore

/// Ente Auth exports (formats.md §9): the plain-text list of otpauth URIs carrying Ente's
/// `codeDisplay` JSON (§9.1), and the encrypted JSON export around the same text (§9.2). Reading
/// tells them apart by content; writing makes the encrypted export when a new password is given,
/// the plain text otherwise.
public struct EnteFormat: FormatPlugin {
  /// The Argon2id cost the writer puts into encrypted exports.
  let writeLimits: EnteKDFLimits

  public init(writeLimits: EnteKDFLimits = .ente) {
    self.writeLimits = writeLimits
  }

  public let descriptor = FormatDescriptor(
    id: "ente",
    displayName: "Ente Auth export",
    fileExtensions: ["txt", "json"],
    canRead: true,
    canWrite: true,
    encryption: .optional,
    capabilities: Capabilities(
      kinds: [.totp, .hotp, .steam],
      algorithms: [.sha1, .sha256, .sha512],
      digits: 1...10,
      periods: .range(1...Int(Int32.max)),
      fields: [.issuer, .name, .labelIssuer, .counter, .note, .favorite, .groups, .extraParameters]),
    summary: "Ente Auth's plain-text export (otpauth URIs with codeDisplay) or its encrypted JSON export.",
    findingCodes: EnteCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    if let outline = input.jsonOutline {
      return outline.root == .object && outline.has("kdfParams") && outline.has("encryptedData") ? .certain : .no
    }
    // A plain Ente export is an otpauth list; the otpauth plugin reads it too, so only the
    // Ente-specific `codeDisplay` parameter (on the first line, however long) makes it certainly ours.
    guard let range = input.firstLineRange(), input.firstLine(limit: 16)?.lowercased().hasPrefix("otpauth://") == true
    else { return .no }
    return input.bytes[range].firstRange(of: Self.codeDisplayParameter) != nil ? .certain : .no
  }

  static let codeDisplayParameter = Array("codeDisplay=".utf8)

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard let text = input.text else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is not UTF-8 text")
    }
    if text.trimmingWhitespace().hasPrefix("{") {
      let plaintext = try EncryptedExport.decrypt(text, file: input.name, password: context.password, caps: context.limits)
      return PlainText.read(plaintext, file: input.name)
    }
    return PlainText.read(text, file: input.name)
  }

  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let text = PlainText.write(accounts)
    // No new password, or an empty one, means the plain text.
    guard let password = try context.newPassword.password(for: context.outputName), !password.isEmpty else {
      return WriteResult(bytes: Array(text.utf8))
    }
    let json = try EncryptedExport.encrypt(Array(text.utf8), password: password, limits: writeLimits)
    return WriteResult(bytes: Array(json.utf8))
  }
}
