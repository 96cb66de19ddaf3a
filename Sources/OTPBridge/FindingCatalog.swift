import External
import LoginItems
import OTPCore

/// The findings the commands themselves report (docs/audit.md).
public enum BridgeCode: String, FindingCode {
  /// `convert --to entra-csv --assign`: a token no row of the assignment file names.
  case assignUnassigned = "ASSIGN_UNASSIGNED"
  case assignSerialNotFound = "ASSIGN_SERIAL_NOT_FOUND"
  /// `codes`: an account whose code cannot be computed (mOTP without its PIN, …).
  case codesUnavailable = "CODES_UNAVAILABLE"
}

/// Every finding code otpbridge can report, by the module that declares it: what docs/audit.md
/// must list (FindingCatalogTests).
public enum FindingCatalog {
  public static func codes(registry: Registry = .builtIn) -> [String: [String]] {
    var result: [String: [String]] = [
      "core": CoreCode.codes, "otpauth URI": OtpauthCode.codes, "login items": LoginItemCode.codes,
      "otpbridge-json": NeutralJSONCode.codes, "classifier": VerdictCode.codes, "audit": AuditCode.codes,
      "commands": BridgeCode.codes, "external plugins": ExternalCode.codes,
    ]
    for plugin in registry.listed where !plugin.descriptor.findingCodes.isEmpty {
      result[plugin.descriptor.id, default: []] += plugin.descriptor.findingCodes
    }
    return result
  }
}
