import OTPCore

/// PNG, JPEG, WebP and HEIC/HEIF images (screenshots, photos of a screen; HEIC is the iPhone
/// camera's default) holding QR codes (DESIGN.md, containers).
/// Every code's text goes back to the registry, which reads it with the plugin that recognises it
/// (otpauth, google-migration, …); a code nothing recognises becomes a finding that says what it
/// holds, never a silent nothing. Codes whose texts share a URI scheme are read together, one a
/// line, so the batches of a Google export shown in one image are put back together.
public struct QRImageFormat: FormatPlugin {
  public init() {}

  public let descriptor = FormatDescriptor(
    id: "qr",
    displayName: "QR code image",
    fileExtensions: ["png", "jpg", "jpeg", "webp", "heic", "heif"],
    canRead: true,
    canWrite: false,
    encryption: .none,
    // What the image holds is read by other plugins; these are the kinds they can bring back.
    capabilities: Capabilities(
      kinds: Set(OTPKind.allCases), algorithms: [.sha1, .sha256, .sha512], digits: 1...10,
      periods: .range(1...Int(Int32.max)), fields: Set(AccountField.allCases)),
    summary:
      "PNG, JPEG, WebP or HEIC images of QR codes (screenshots, photos of a screen); each code is read by the format it holds.",
    findingCodes: QRImageCode.codes)

  public func sniff(_ input: InputFile) -> SniffConfidence {
    GrayImage.Kind(sniffing: input.bytes) == nil ? .no : .certain
  }

  public func read(_ input: InputFile, context: ReadContext) throws -> ReadResult {
    guard let kind = GrayImage.Kind(sniffing: input.bytes) else {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "not a PNG, JPEG, WebP or HEIC image")
    }
    let image: GrayImage
    do {
      image = try GrayImage.decode(input.bytes, kind: kind, maximumPixels: context.budgetedLimits.imagePixels)
      context.budget?.spend(imagePixels: image.width * image.height)
    } catch {
      throw OTPError.corrupted(file: input.name, place: nil, reason: "the image cannot be decoded: \(error.reason)")
    }
    return try read(image, name: input.name, context: context)
  }

  /// Reads the QR codes of a decoded image.
  func read(_ image: GrayImage, name: String, context: ReadContext) throws -> ReadResult {
    let symbols = QRScanner.scan(image)
    guard !symbols.isEmpty else {
      return ReadResult(
        accounts: [],
        findings: [
          Finding(
            .error, code: QRImageCode.noneFound, "no QR code was found in the image",
            at: Origin(file: name, place: .whole),
            remedy: "take the screenshot or photo again with the whole code sharp and in view", entrySkipped: true)
        ])
    }
    var result = ReadResult(accounts: [])
    for group in QRTextGroup.grouping(symbols.map(\.bytes)) {
      let nestedName = "\(name) QR \(group.numbers.map(String.init).joined(separator: ","))"
      do {
        var nested = try context.readNested(InputFile(name: nestedName, bytes: group.bytes))
        // One code is one line: "image.png QR 2" says where its part is, without ":1".
        if group.numbers.count == 1 {
          for index in nested.parts.indices { nested.parts[index].origin.place = .whole }
        }
        result.append(nested)
      } catch OTPError.unrecognisedFormat {
        for number in group.numbers {
          let origin = Origin(file: name, place: .entry(number))
          // Activation links and push enrolments get the classifier's verdict and remedy.
          if let text = String(validating: group.texts[number]!, as: UTF8.self), let verdict = Classifier.classify(payload: text)
          {
            result.findings.append(verdict.finding(at: origin, label: "QR code \(number)", skipped: true))
            continue
          }
          result.findings.append(
            Finding(
              .error, code: QRImageCode.unrecognised, "QR code \(number) holds \(QRTextGroup.describe(group.texts[number]!))",
              at: Origin(file: name, place: .entry(number)),
              remedy: "otpbridge reads QR codes of otpauth:// and otpauth-migration:// links", entrySkipped: true))
        }
      }
    }
    return result
  }
}

/// The findings the QR image reader reports itself; what the codes hold is reported by the formats
/// that read it (docs/audit.md lists their meanings).
enum QRImageCode: String, FindingCode {
  case noneFound = "QR_NONE_FOUND"
  case unrecognised = "QR_UNRECOGNISED"
}
