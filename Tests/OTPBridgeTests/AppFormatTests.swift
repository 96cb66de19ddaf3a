import OTPBridge
import OTPCore
import TestSupport
import Testing

/// The Ente, Proton, FreeOTP+ and Raivo plugins inside the registry and the conversion pipeline.
@Suite struct AppFormatTests {
  @Test(arguments: [
    ("aegis/importers/ente_auth.txt", "ente"),
    ("stratum/data/ente.encrypted.json", "ente"),
    // An Ente list without codeDisplay is an ordinary otpauth list.
    ("stratum/data/ente.unencrypted.txt", "otpauth"),
    ("aegis/importers/plain.txt", "otpauth"),
    ("stratum/data/urilist.txt", "otpauth"),
    ("aegis/importers/proton_authenticator.json", "proton"),
    ("stratum/data/protonauthenticator.json", "proton"),
    ("aegis/importers/freeotp_plus.json", "freeotp-plus"),
    ("stratum/data/freeotpplus.json", "freeotp-plus"),
    ("bitwarden-authenticator-ios/Fixtures/RaivoExport.json", "raivo"),
  ])
  func sniffingPicksThePlugin(file: String, id: String) throws {
    #expect(try Registry.builtIn.reader(for: try Vectors.input(file), from: nil).descriptor.id == id)
  }

  @Test(arguments: ["ente", "proton", "freeotp-plus", "raivo"])
  func aegisPlainConvertsAndReadsBack(id: String) throws {
    let reading = try Reading.read(paths: [Vectors.path("aegis/importers/plain.txt")], from: nil, context: ReadContext())
    let target = try Registry.builtIn.plugin(id: id)
    let conversion = try Conversion.run(reading, to: target, context: WriteContext(outputName: "out"))
    // Ente and FreeOTP+ hold all seven; Proton has no HOTP, Raivo no Steam.
    #expect(conversion.report.isLossless == (id == "ente" || id == "freeotp-plus"))
  }
}
