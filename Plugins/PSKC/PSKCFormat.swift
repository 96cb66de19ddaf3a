import Foundation
import OTPContainers
import OTPCore

/// Portable Symmetric Key Container, RFC 6030: the XML in which token vendors ship the seeds of
/// hardware tokens. One KeyPackage per token: DeviceInfo (Manufacturer, SerialNo, Model) and one
/// Key with the algorithm URN, Issuer, AlgorithmParameters, Data (Secret, Counter, Time,
/// TimeInterval) and UserId. Values are plain (`PlainValue`) or encrypted with AES-CBC under a
/// PBKDF2-derived or pre-shared key, with an HMAC `ValueMAC` (PSKCProtection).
///
/// A key maps to an account as UserId ↔ name, Issuer (else Manufacturer) ↔ issuer, SerialNo and
/// Model ↔ the extra parameters `serial` and `model`. Writing makes a plain container.
///
/// The drafts before the RFC (KeyProv namespaces, still shipped by some vendors, ActivIdentity's
/// among them) put Keys in `Device` elements instead of KeyPackages, with `KeyAlgorithm`,
/// `Usage/ResponseFormat` (attribute names in either case), `DeviceId` for DeviceInfo, and values
/// as `Data/Secret/PlainValue` or `<Data Name="SECRET"><Value>` (base64; a counter as decimal or
/// as big-endian bytes). Their plain values are read; encrypted ones are refused (exit 3).
public struct PSKCFormat: FormatPlugin {
  static let namespace = "urn:ietf:params:xml:ns:keyprov:pskc"
  /// The namespaces of the drafts' containers.
  static let draftNamespaces: Set<String> = [
    "urn:ietf:params:xml:ns:keyprov:pskc:1.0", "urn:ietf:params:xml:ns:keyprov:container:1.0",
    "urn:ietf:params:xml:ns:keyprov:container", "http://www.openauthentication.org/OATH/2006/08/PSKC",
  ]

  public init() {}

  public var descriptor: FormatDescriptor {
    FormatDescriptor(
      id: "pskc",
      displayName: "PSKC (RFC 6030) token seed file",
      fileExtensions: ["pskcxml", "pskc", "xml"],
      canRead: true,
      canWrite: true,
      encryption: .optional,
      capabilities: Capabilities(
        kinds: [.totp, .hotp], algorithms: [.sha1, .sha256, .sha512], digits: 6...9, periods: .range(1...86_400),
        fields: [.issuer, .name, .counter, .extraParameters], extraParameterNames: ["serial", "model"],
        text: .noControlCharacters),
      summary:
        "Token vendors' seed files (RFC 6030): plain, PBKDF2 or pre-shared-key encrypted; the pre-shared key is given as hex in place of the password. Writes plain, or encrypted with --new-password-*.",
      findingCodes: PSKCCode.codes)
  }

  public func sniff(_ input: InputFile) -> SniffConfidence {
    // The root element, whatever prolog comes before it and whichever prefix names it.
    guard let root = XMLTree.root(of: input.bytes), root.name == "KeyContainer" else { return .no }
    return root.namespace.map { $0 == Self.namespace || Self.draftNamespaces.contains($0) } == true ? .certain : .possible
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard let container = XMLTree.parse(input.bytes) else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the file is not well-formed XML")
    }
    guard container.name == "KeyContainer" else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the root element is not a PSKC KeyContainer")
    }
    if let version = container.attributes["Version"] ?? container.attributes["version"], version != "1.0", version != "1" {
      throw OTPError.unsupportedVersion(file: input.name, version: version, supported: "1.0")
    }
    // The drafts' layout: keys in Devices, several to a Device.
    let packages = container.all("KeyPackage")
    let keys: [(device: XMLTree, key: XMLTree?)] =
      packages.isEmpty
      ? container.all("Device").flatMap { device in device.all("Key").map { (device, Optional($0)) } }
      : packages.map { ($0, $0.child("Key")) }
    let isDraft = packages.isEmpty && !keys.isEmpty
    if isDraft, Self.hasDraftEncryption(container) {
      throw OTPError.unsupportedVersion(
        file: input.name, version: "1.0 (a pre-RFC 6030 draft layout, with encrypted values)",
        supported: "RFC 6030 containers, plain or encrypted, and the draft layouts with plain values")
    }
    // Keys elsewhere than in KeyPackages or Devices: a layout this reader does not know, which
    // must not pass for an empty container.
    if keys.isEmpty, Self.containsKey(container) {
      throw OTPError.unsupportedVersion(
        file: input.name,
        version:
          "\(container.attributes["Version"] ?? container.attributes["version"] ?? "?") (Key elements outside KeyPackage and Device elements)",
        supported: "RFC 6030 containers and the draft layouts with Device elements")
    }
    var protection: PSKCProtection?
    if container.child("EncryptionKey") != nil || Self.containsEncryptedValue(container) {
      guard let password = try context.password.password(for: input.name) else {
        throw OTPError.passwordRequired(file: input.name)
      }
      protection = try PSKCProtection.open(container, password: password, file: input.name)
    }

    var result = ReadResult(accounts: [])
    var opened = 0
    for (index, entry) in keys.enumerated() {
      let origin = Origin(file: input.name, place: .entry(index + 1))
      result.readEntry(at: origin, noun: isDraft ? "key" : "key package") { _ throws(EntryProblem) in
        let reading = KeyPackageReading(package: entry.device, key: entry.key, protection: protection, origin: origin)
        let account = try reading.account()
        if reading.isEncrypted { opened += 1 }
        return account
      }
    }
    // No value opened and some did not match their MAC: the password (or pre-shared key) is
    // wrong. Some opened: the key is right, and those are damaged.
    if opened == 0, result.findings.contains(where: { $0.code == PSKCCode.macMismatch.rawValue }) {
      throw OTPError.wrongPassword(file: input.name)
    }
    if keys.isEmpty {
      result.findings.append(
        Finding(.warning, code: PSKCCode.empty, "the container holds no key package", at: Origin(file: input.name, place: .whole))
      )
    }
    return result
  }

  /// Whether a draft container encrypts its values: an encryption method other than NONE, or an
  /// EncryptedValue anywhere.
  static func hasDraftEncryption(_ container: XMLTree) -> Bool {
    let method = container.child("EncryptionMethod") ?? container.child("EncryptionKey")
    let algorithm = method.flatMap { $0.attributes["Algorithm"] ?? $0.attributes["algorithm"] } ?? "NONE"
    return algorithm.uppercased() != "NONE" || containsEncryptedValue(container)
  }

  static func containsKey(_ element: XMLTree) -> Bool {
    element.children.contains { $0.name == "Key" || $0.name == "Secret" || containsKey($0) }
  }

  static func containsEncryptedValue(_ element: XMLTree) -> Bool {
    element.name == "EncryptedValue" || element.children.contains(where: containsEncryptedValue)
  }

  /// Plain, or with a new password encrypted as PSKCSealing describes.
  public func write(_ accounts: [Account], context: WriteContext) throws -> WriteResult {
    let sealing = try context.newPassword.password(for: context.outputName).map(PSKCSealing.init)
    var xml = try PSKCWriter(sealing: sealing)
    for (index, account) in accounts.enumerated() {
      try xml.add(account, id: index + 1)
    }
    return WriteResult(bytes: Array(xml.finished().utf8))
  }
}

/// One KeyPackage made into an account. Why it cannot be is an `EntryProblem`; a value that would
/// not open (MAC or padding) is PSKC_MAC_MISMATCH, a wrong key or damage, which the reader tells
/// apart across the file.
struct KeyPackageReading {
  /// The KeyPackage, or a draft's Device.
  var package: XMLTree
  var key: XMLTree?
  var protection: PSKCProtection?
  var origin: Origin

  var isEncrypted: Bool { key.map(PSKCFormat.containsEncryptedValue) ?? false }

  /// An attribute in the RFC's spelling or the drafts' lower-case one.
  static func attribute(_ name: String, of element: XMLTree?) -> String? {
    element.flatMap { $0.attributes[name] ?? $0.attributes[name.lowercased()] }
  }

  func account() throws(EntryProblem) -> Account {
    guard let key else { throw EntryProblem(PSKCCode.noKey, "it has no Key") }
    let algorithm = key.attributes["Algorithm"] ?? key.attributes["KeyAlgorithm"] ?? ""
    let kind: OTPKind
    let lowered = algorithm.lowercased()
    if lowered.hasSuffix(":totp") || lowered.hasSuffix("#totp") || lowered == "totp" {
      kind = .totp
    } else if lowered.hasSuffix(":hotp") || lowered.hasSuffix("#hotp") || lowered == "hotp" {
      kind = .hotp
    } else {
      throw EntryProblem(
        PSKCCode.unsupportedAlgorithm, "its algorithm \(algorithm.isEmpty ? "is missing" : algorithm) is not TOTP or HOTP")
    }
    let parameters = key.child("AlgorithmParameters") ?? key.child("Usage")
    var hash = HashAlgorithm.sha1
    if let suite = parameters?.child("Suite")?.text, !suite.isEmpty {
      guard let named = HashAlgorithm(lenient: suite), named != .md5 else {
        throw EntryProblem(PSKCCode.unsupportedSuite, "its suite \(suite) is not SHA1, SHA256 or SHA512")
      }
      hash = named
    }
    var digits = 6
    if let format = parameters?.child("ResponseFormat") {
      let encoding = Self.attribute("Encoding", of: format) ?? Self.attribute("Format", of: format) ?? "DECIMAL"
      guard encoding.uppercased() == "DECIMAL" else {
        throw EntryProblem(PSKCCode.unsupportedEncoding, "its codes are not decimal")
      }
      guard let length = Self.attribute("Length", of: format).flatMap({ Int($0) }) else {
        throw EntryProblem(PSKCCode.badLength, "its ResponseFormat has no usable Length")
      }
      digits = length
    }
    let data = DataValues(key: key)
    guard let secret = try bytes(data.field("Secret"), what: "Secret"), !secret.isEmpty else {
      throw EntryProblem(PSKCCode.noSecret, "it has no secret")
    }
    // A time origin other than 0 (Data/Time) gives codes no other format can reproduce.
    if kind == .totp, let start = try integer(data.field("Time"), what: "Time"), start != 0 {
      throw EntryProblem(PSKCCode.timeOrigin, "its TOTP time origin is \(start), not 0, which the account model cannot hold")
    }
    let device = package.child("DeviceInfo") ?? package.child("DeviceId")
    func text(_ element: XMLTree?) -> String { element?.text ?? "" }
    var issuer = text(key.child("Issuer"))
    if issuer.isEmpty { issuer = text(device?.child("Manufacturer")) }
    var name = text(key.child("UserId"))
    if name.isEmpty { name = text(device?.child("UserId")) }
    let extras = [("serial", text(device?.child("SerialNo"))), ("model", text(device?.child("Model")))]
      .filter { !$0.1.isEmpty }.map { ExtraParameter(name: $0.0, value: $0.1) }
    var account = Account(
      kind: kind, issuer: issuer, name: name, secret: Secret(secret), algorithm: hash, digits: digits,
      extraParameters: extras, origin: origin)
    if kind == .totp, let interval = try integer(data.field("TimeInterval"), what: "TimeInterval") {
      guard interval <= 86_400 else {
        throw EntryProblem(PSKCCode.badInterval, "its TimeInterval \(interval) is not a usable period")
      }
      account.period = Int(interval)
    }
    if kind == .hotp, let counter = try integer(data.field("Counter"), what: "Counter") {
      account.counter = counter
    }
    try EntryProblem.checkParameters(
      kind: kind, digits: digits, period: account.period, badDigits: PSKCCode.badLength, badPeriod: PSKCCode.badInterval)
    return account
  }

  /// A key's Data values by name: `Data/Secret` (the RFC and the later drafts) or
  /// `<Data Name="SECRET">` (the earlier drafts, whose value is a base64 `Value`).
  struct DataValues {
    var key: XMLTree

    func field(_ name: String) -> XMLTree? {
      if let field = key.child("Data")?.child(name) { return field }
      // TimeInterval is TIME_INTERVAL there.
      let legacy = name == "TimeInterval" ? "TIME_INTERVAL" : name.uppercased()
      return key.all("Data").first { ($0.attributes["Name"] ?? $0.attributes["name"])?.uppercased() == legacy }
    }
  }

  /// The base64 text of a plain value: `PlainValue`, or an earlier draft's `Value`, whitespace
  /// and line breaks left out.
  static func plainText(_ field: XMLTree) -> String? {
    (field.child("PlainValue") ?? field.child("Value")).map { $0.text.filter { !$0.isWhitespace } }
  }

  /// A binary value (RFC 6030 §4.3.1): base64 PlainValue, or an EncryptedValue with its ValueMAC.
  func bytes(_ field: XMLTree?, what: String) throws(EntryProblem) -> [UInt8]? {
    guard let field else { return nil }
    if let plain = Self.plainText(field) {
      guard let data = Data(base64Encoded: plain) else {
        throw EntryProblem(PSKCCode.badValue, "its \(what) is not base64")
      }
      return Array(data)
    }
    return try decrypted(field, what: what)
  }

  /// An integer value: decimal PlainValue, or an EncryptedValue holding it big-endian. An
  /// earlier draft's `Value` is decimal or base64 of the big-endian bytes.
  func integer(_ field: XMLTree?, what: String) throws(EntryProblem) -> UInt64? {
    guard let field else { return nil }
    if let plain = Self.plainText(field) {
      if let value = UInt64(plain) { return value }
      guard field.child("Value") != nil, let data = Data(base64Encoded: plain), data.count <= 8 else {
        throw EntryProblem(PSKCCode.badValue, "its \(what) is not a whole number")
      }
      return data.reduce(0) { $0 << 8 | UInt64($1) }
    }
    guard let bytes = try decrypted(field, what: what) else { return nil }
    guard bytes.count <= 8 else { throw EntryProblem(PSKCCode.badValue, "its \(what) is too large") }
    return bytes.reduce(0) { $0 << 8 | UInt64($1) }
  }

  func decrypted(_ field: XMLTree, what: String) throws(EntryProblem) -> [UInt8]? {
    guard let encrypted = field.child("EncryptedValue") else { return nil }
    guard let protection else { throw EntryProblem(PSKCCode.badValue, "its \(what) is encrypted without a key") }
    do {
      return try protection.open(encrypted, valueMAC: field.child("ValueMAC"))
    } catch {
      switch error {
      case .refused:
        // A wrong key or damage: the reader tells them apart across the file.
        throw EntryProblem(PSKCCode.macMismatch, "its encrypted \(what) does not match its MAC (damaged)")
      case .unsupported(let method):
        throw EntryProblem(PSKCCode.unsupportedEncryption, "its \(what) uses \(method)")
      case .malformed(let reason):
        throw EntryProblem(PSKCCode.badValue, "its \(what): \(reason)")
      }
    }
  }
}

/// Writes a container the way python-pskc lays one out.
struct PSKCWriter {
  private var lines: [String]
  private let sealing: PSKCSealing?

  init(sealing: PSKCSealing?) throws {
    self.sealing = sealing
    let namespaces =
      sealing == nil ? "" : #" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:xenc11="http://www.w3.org/2009/xmlenc11#""#
    lines = [
      #"<?xml version="1.0" encoding="UTF-8"?>"#,
      #"<pskc:KeyContainer xmlns:pskc="\#(PSKCFormat.namespace)"\#(namespaces) Version="1.0">"#,
    ]
    if let sealing { lines += try sealing.headerLines() }
  }

  mutating func add(_ account: Account, id: Int) throws {
    func extra(_ name: String) -> String? { account.extraParameters.first { $0.name == name }?.value }
    func element(_ indent: Int, _ name: String, _ text: String) {
      lines.append(String(repeating: " ", count: indent) + "<pskc:\(name)>\(text.markupEscaped)</pskc:\(name)>")
    }
    func open(_ indent: Int, _ tag: String) { lines.append(String(repeating: " ", count: indent) + "<\(tag)>") }
    open(1, "pskc:KeyPackage")
    let serial = extra("serial"), model = extra("model")
    if serial != nil || model != nil {
      open(2, "pskc:DeviceInfo")
      if let serial { element(3, "SerialNo", serial) }
      if let model { element(3, "Model", model) }
      open(2, "/pskc:DeviceInfo")
    }
    open(2, #"pskc:Key Id="\#(id)" Algorithm="\#(PSKCFormat.namespace):\#(account.kind.rawValue)""#)
    if !account.issuer.isEmpty { element(3, "Issuer", account.issuer) }
    open(3, "pskc:AlgorithmParameters")
    element(4, "Suite", account.algorithm.rawValue)
    open(4, #"pskc:ResponseFormat Encoding="DECIMAL" Length="\#(account.digits)"/"#)
    open(3, "/pskc:AlgorithmParameters")
    open(3, "pskc:Data")
    func value(_ name: String, _ text: String) {
      open(4, "pskc:\(name)")
      element(5, "PlainValue", text)
      open(4, "/pskc:\(name)")
    }
    if let sealing {
      let cipherValue = try sealing.cipherValue(account.secret.bytes)
      open(4, "pskc:Secret")
      open(5, "pskc:EncryptedValue")
      lines += sealing.encryptedLines(cipherValue, indent: 6)
      open(5, "/pskc:EncryptedValue")
      element(5, "ValueMAC", Data(sealing.valueMAC(cipherValue)).base64EncodedString())
      open(4, "/pskc:Secret")
    } else {
      value("Secret", Data(account.secret.bytes).base64EncodedString())
    }
    if account.kind == .hotp {
      value("Counter", String(account.counter))
    } else {
      value("Time", "0")
      value("TimeInterval", String(account.period))
    }
    open(3, "/pskc:Data")
    if !account.name.isEmpty { element(3, "UserId", account.name) }
    open(2, "/pskc:Key")
    open(1, "/pskc:KeyPackage")
  }

  func finished() -> String {
    (lines + ["</pskc:KeyContainer>"]).joined(separator: "\n") + "\n"
  }
}

/// The findings the PSKC reader reports (docs/audit.md lists their meanings).
enum PSKCCode: String, FindingCode {
  case badInterval = "PSKC_BAD_INTERVAL"
  case badLength = "PSKC_BAD_LENGTH"
  case badValue = "PSKC_BAD_VALUE"
  case empty = "PSKC_EMPTY"
  case macMismatch = "PSKC_MAC_MISMATCH"
  case noKey = "PSKC_NO_KEY"
  case noSecret = "PSKC_NO_SECRET"
  case timeOrigin = "PSKC_TIME_ORIGIN"
  case unsupportedAlgorithm = "PSKC_UNSUPPORTED_ALGORITHM"
  case unsupportedEncoding = "PSKC_UNSUPPORTED_ENCODING"
  case unsupportedEncryption = "PSKC_UNSUPPORTED_ENCRYPTION"
  case unsupportedSuite = "PSKC_UNSUPPORTED_SUITE"
}
