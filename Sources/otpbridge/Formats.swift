import ArgumentParser
import OTPBridge
import OTPCore

struct Formats: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "formats",
    abstract: "List the formats otpbridge reads and writes, with what each can hold.")

  @Flag(help: "Print JSON instead of a table (docs/schema/formats-v1.schema.json).")
  var json = false

  struct FormatJSON: Encodable {
    var id: String
    var name: String
    var reads: Bool
    var writes: Bool
    var encryption: String
    var extensions: [String]
    var kinds: [String]
    var algorithms: [String]
    var digits: [Int]
    var excludedDigits: [Int]
    var periods: String
    var fields: [String]
    /// Kinds written in a form of their own, which holds less (Steam as `steam://SECRET`).
    var kindForms: [String: KindFormJSON]
    var summary: String
  }

  /// `formats --json` (docs/schema/formats-v1.schema.json).
  struct FormatList: Encodable {
    var formats: [FormatJSON]
    var version = 1
  }

  struct KindFormJSON: Encodable {
    var shape: String
    var fields: [String]
    var extraParameterNames: [String]?
    var fixedIssuer: String?
  }

  /// "steam accounts are written as steam://SECRET: 30 s, 5 digits, issuer "Steam", name, note".
  static func kindForms(_ capabilities: Capabilities) -> [String] {
    capabilities.kindForms.sorted { $0.key < $1.key }.map { kind, form in
      let defaults = kind.defaults
      var holds = ["\(defaults.period) s", "\(defaults.digits) digits"]
      for field in form.fields.sorted() {
        if field == .issuer, let issuer = form.fixedIssuer {
          holds.append("issuer \"\(issuer)\"")
        } else if field == .extraParameters, let names = form.extraParameterNames {
          holds.append("extra parameters " + names.sorted().joined(separator: ", "))
        } else {
          holds.append(field.label)
        }
      }
      return "\(kind.rawValue) accounts are written as \(form.shape), which holds only " + holds.joined(separator: ", ")
    }
  }

  static func periods(_ support: PeriodSupport) -> String {
    switch support {
    case .range(let range):
      return range.upperBound >= Int(Int32.max) ? "\(range.lowerBound) s or more" : "\(range.lowerBound)–\(range.upperBound) s"
    case .only(let set): return set.sorted().map { "\($0) s" }.joined(separator: ", ")
    }
  }

  @OptionGroup var plugins: PluginOptions
  @OptionGroup var console: ConsoleOptions

  func run() throws {
    let registry = plugins.registry()
    let descriptors = registry.plugins.map(\.descriptor)
    if json {
      try printJSON(
        FormatList(
          formats: descriptors.map { d in
            FormatJSON(
              id: d.id, name: d.displayName, reads: d.canRead, writes: d.canWrite, encryption: d.encryption.rawValue,
              extensions: d.fileExtensions, kinds: d.capabilities.kinds.sorted().map(\.rawValue),
              algorithms: d.capabilities.algorithms.sorted().map(\.rawValue),
              digits: [d.capabilities.digits.lowerBound, d.capabilities.digits.upperBound],
              excludedDigits: d.capabilities.excludedDigits.sorted(),
              periods: Self.periods(d.capabilities.periods), fields: d.capabilities.fields.sorted().map(\.rawValue),
              kindForms: Dictionary(
                uniqueKeysWithValues: d.capabilities.kindForms.map { kind, form in
                  (
                    kind.rawValue,
                    KindFormJSON(
                      shape: form.shape, fields: form.fields.sorted().map(\.rawValue),
                      extraParameterNames: form.extraParameterNames?.sorted(), fixedIssuer: form.fixedIssuer)
                  )
                }),
              summary: d.summary)
          }))
      return
    }
    let rows = descriptors.map { d -> [String] in
      let c = d.capabilities
      return [
        d.id, [d.canRead ? "read" : nil, d.canWrite ? "write" : nil].compactMap { $0 }.joined(separator: "+"),
        d.encryption.rawValue, c.kinds.sorted().map(\.rawValue).joined(separator: ","),
        c.algorithms.sorted().map(\.rawValue).joined(separator: ","),
        c.digitsDescription, Self.periods(c.periods),
        c.fields.sorted().map(\.rawValue).joined(separator: ","),
      ]
    }
    try printOutput(
      Rendering.table(
        header: ["ID", "MODE", "ENCRYPTION", "KINDS", "ALGORITHMS", "DIGITS", "PERIODS", "FIELDS"], rows: rows))
    for d in descriptors {
      let forms = Self.kindForms(d.capabilities).map { " \($0.prefix(1).uppercased() + $0.dropFirst())." }.joined()
      try printOutput("\n\(d.id): \(d.displayName). \(d.summary)\(forms)".escapedForTerminal(keepingLineBreaks: true))
    }
  }
}
