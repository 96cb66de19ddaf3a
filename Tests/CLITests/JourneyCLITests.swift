import Foundation
import OTPCore
import TestSupport
import Testing

/// The journeys of issue 17, replayed as their users take them.
@Suite struct JourneyCLITests {
  static let microsoft = Vectors.packageRoot.appendingPathComponent("examples/microsoft").path

  /// 23 accounts with 160-bit secrets, as otpauth lines, and the Google Authenticator transfer
  /// of them: three screenshots (10 + 10 + 3 accounts) and a text copy of their links, made by one
  /// run so that they are one export.
  static func googleTransfer() throws -> (folder: String, shots: [String], links: String) {
    let folder = try CLI.temporaryFolder()
    var lines: [String] = []
    for index in 1...23 {
      let secret = (0..<20).map { UInt8((index * 37 + $0 * 11) % 256) }
      lines.append(
        "otpauth://totp/Service\(index):person\(index)@example.com?secret=\(Base32.encode(secret))&issuer=Service\(index)")
    }
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(folder)/phone.txt"))
    let made = try CLI.run(
      ["convert", "phone.txt", "--to", "google-migration", "--qr", "png", "shots", "-o", "links.txt"], in: folder)
    #expect(made.status == 0, "\(made.stderr)")
    let shots = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/shots").sorted().map { "shots/\($0)" }
    #expect(shots.count == 3)
    return (folder, shots, "links.txt")
  }

  @Test func threeScreenshotsOneTakenTwiceConvertToEveryAccountOnce() throws {
    let (folder, shots, _) = try Self.googleTransfer()
    try FileManager.default.copyItem(atPath: "\(folder)/\(shots[1])", toPath: "\(folder)/shots/code-2-again.png")
    let run = try CLI.run(
      ["convert", shots[0], shots[1], "shots/code-2-again.png", shots[2], "--to", "aegis", "-o", "vault.json"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("shots/code-2-again.png QR 1: info: QR code 2 of 3 of Google Authenticator transfer"))
    #expect(run.stderr.contains("this copy was not read again"))
    #expect(run.stderr.contains("23 kept, 0 changed, 0 dropped."))
    #expect(run.stderr.contains("Wrote 23 account(s) to vault.json"))
    #expect(!run.stderr.contains("missing"))

    // verify takes the same screenshots as its sources.
    let verified = try CLI.run(["verify"] + shots + ["vault.json"], in: folder)
    #expect(verified.status == 0, "\(verified.all)")
    #expect(verified.stdout.contains("all 23 accounts match"))
    let against = try CLI.run(["verify"] + shots + ["--against", "vault.json"], in: folder)
    #expect(against.status == 0, "\(against.all)")
    // Against one screenshot, the other 13 accounts are not in the source.
    let partial = try CLI.run(["verify", shots[0], "--against", "vault.json"], in: folder)
    #expect(partial.status == 1)
    #expect(partial.stdout.contains("13 problem(s) among 10 source accounts"))
  }

  @Test func aMissingScreenshotIsNamedOnceAndItsAccountsAreNotCounted() throws {
    let (folder, shots, _) = try Self.googleTransfer()
    let run = try CLI.run(["convert", shots[0], shots[2], "--to", "aegis", "-o", "vault.json"], in: folder)
    #expect(run.status == 1)
    let missing = run.stderr.components(separatedBy: "\n").filter { $0.contains("is missing") }
    #expect(missing.count == 1, "\(run.stderr)")
    #expect(missing.first?.hasPrefix("MISSING  \(shots[0]) QR 1: Google Authenticator transfer ") == true)
    #expect(missing.first?.contains("QR code 2 of 3 is missing (you gave 1 and 3); the accounts it holds are unknown") == true)
    #expect(run.stderr.contains("What to do: scan every QR code the export shows"))
    #expect(run.stderr.contains("13 kept, 0 changed, 0 dropped, and the unknown accounts of 1 incomplete export(s)."))
    #expect(run.stderr.contains("would lose the unknown accounts of 1 incomplete export(s)"))
    #expect(!run.stderr.contains("would keep"))
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/vault.json"))
    // With --allow-lossy the 13 accounts read are written.
    let lossy = try CLI.run(["convert", shots[0], shots[2], "--to", "aegis", "-o", "vault.json", "--allow-lossy"], in: folder)
    #expect(lossy.status == 0, "\(lossy.stderr)")
    #expect(lossy.stderr.contains("Wrote 13 account(s)"))
  }

  @Test func aFolderOfScreenshotsAndTheirLinksAuditsClean() throws {
    let (folder, _, _) = try Self.googleTransfer()
    try FileManager.default.removeItem(atPath: "\(folder)/phone.txt")
    let run = try CLI.run(["audit", "."], in: folder)
    #expect(run.status == 0, "\(run.all)")
    #expect(run.stdout.contains("Audit: 4 file(s), 23 account(s): 0 error(s)"), "\(run.stdout)")
    #expect(!run.stdout.contains("DUPLICATE_SECRET"))
    #expect(run.stdout.contains("GOOGLE_MIGRATION_DUPLICATE_BATCH"))
  }

  @Test func anActivationCodeGetsItsRemedyAndNoFormatAdvice() throws {
    let folder = try CLI.temporaryFolder()
    for extra in [[], ["--allow-lossy"]] {
      let run = try CLI.run(
        ["convert", "--to", "1password-csv", "\(Self.microsoft)/phonefactor-qr.png", "-o", "\(folder)/out.csv"] + extra)
      #expect(run.status == 1)
      #expect(run.stderr.contains("What to do: You: at https://aka.ms/mysecurityinfo"), "\(run.stderr)")
      #expect(run.stderr.contains("no account would be written"))
      #expect(!run.stderr.contains("--to "))
      #expect(!run.stderr.contains("choose a target format"))
      #expect(!FileManager.default.fileExists(atPath: "\(folder)/out.csv"))
    }
  }

  @Test func aTargetThatCannotHoldAnAccountNamesFormatsThatCan() throws {
    let folder = try CLI.temporaryFolder()
    let text = """
      otpauth://hotp/Bank:me?secret=JBSWY3DPEHPK3PXP&counter=3
      otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLU
      """
    try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/in.txt"))
    let run = try CLI.run(["convert", "in.txt", "--to", "1password-csv", "-o", "out.csv"], in: folder)
    #expect(run.status == 1)
    #expect(run.stderr.contains("1 account(s) the target format changes or drops"))
    let advice = run.stderr.components(separatedBy: "--to ").last ?? ""
    #expect(advice.contains("aegis") && advice.contains("otpauth") && !advice.contains("1password-csv"), "\(run.stderr)")
    let lossy = try CLI.run(["convert", "in.txt", "--to", "1password-csv", "-o", "out.csv", "--allow-lossy"], in: folder)
    #expect(lossy.status == 0)
    #expect(lossy.stderr.contains("Wrote 1 account(s)"))
  }

  /// NordPass's export holds no one-time passwords: the user is told so and what to do, and no
  /// empty file is written for them to import and then delete NordPass over.
  @Test func anExportWhoseReaderSaysItHoldsNoAccountIsNotConverted() throws {
    let folder = try CLI.temporaryFolder()
    let csv =
      "name,url,username,password,note,cardholdername,cardnumber,cvc,expirydate,zipcode,folder,full_name,phone_number,email,address1,address2,city,country,state,type\n"
      + "Mail,https://mail.example,me,secret,,,,,,,,,,,,,,,,password\n"
    try Data(csv.utf8).write(to: URL(fileURLWithPath: "\(folder)/nordpass.csv"))
    let run = try CLI.run(["convert", "nordpass.csv", "--to", "aegis", "-o", "out.json"], in: folder)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(
      run.stderr.contains("NordPass's CSV export holds no one-time passwords") && run.stderr.contains("scan the new QR code"))
    #expect(run.stderr.contains("nothing to convert") && !run.stderr.contains("Wrote"))
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/out.json"))
    let json = try CLI.run(["convert", "nordpass.csv", "--to", "aegis", "-o", "out.json", "--json"], in: folder)
    #expect(json.status == 1 && json.stderr.contains("holds no one-time passwords"), "\(json.stderr)")
  }

  @Test func anInputThatTrulyHoldsNoAccountConvertsToAnEmptyFile() throws {
    let folder = try CLI.temporaryFolder()
    let vault = #"{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[],"groups":[]}}"#
    try Data(vault.utf8).write(to: URL(fileURLWithPath: "\(folder)/empty.json"))
    let run = try CLI.run(["convert", "empty.json", "--to", "otpauth", "-o", "out.txt"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("Wrote 0 account(s)"))
  }
}

extension JourneyCLITests {
  static let answers = Vectors.packageRoot.appendingPathComponent("Tests/CLITests/prompt-answers.py").path

  /// Runs otpbridge on a terminal, typing `answers` at its password prompts.
  static func onTerminal(_ arguments: [String], answers: [String], in folder: String) throws -> String {
    let run = try Subprocess.run(
      "/usr/bin/python3", [Self.answers, CLI.binary] + arguments, stdin: Data(answers.joined(separator: "\n").utf8), in: folder)
    return String(decoding: run.stdout, as: UTF8.self)
  }

  @Test func aNewPasswordIsAskedThenRepeatedAndAMismatchIsAskedAgain() throws {
    let folder = try CLI.temporaryFolder()
    try Data("otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLU\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/in.txt"))
    let shown = try Self.onTerminal(
      ["convert", "in.txt", "--to", "aegis", "-o", "vault.json"], answers: ["first try", "typo", "right one", "right one"],
      in: folder)
    #expect(shown.contains("New password for vault.json: "), "\(shown)")
    #expect(shown.contains("Repeat new password: "))
    #expect(shown.contains("the passwords do not match; try again."))
    #expect(!shown.contains("wrong password"))
    #expect(shown.hasSuffix("exit 0\n"), "\(shown)")
    let opened = try CLI.run(["inspect", "vault.json", "--password-env", "PW"], environment: ["PW": "right one"], in: folder)
    #expect(opened.status == 0, "\(opened.stderr)")
  }

  @Test func aWrongPasswordTypedAtThePromptIsAskedAgain() throws {
    let vault = Vectors.path("aegis/importers/aegis_encrypted.json")  // password: test
    let folder = try CLI.temporaryFolder()
    let shown = try Self.onTerminal(["inspect", vault], answers: ["nope", "test"], in: folder)
    #expect(shown.contains("Password for \(vault): "), "\(shown)")
    #expect(shown.contains("that password does not open \(vault); try again (2 of 3)."))
    #expect(shown.contains("7 account(s)"))
    #expect(shown.hasSuffix("exit 0\n"), "\(shown)")
    let threeWrong = try Self.onTerminal(["inspect", vault], answers: ["a", "b", "c"], in: folder)
    #expect(threeWrong.contains("(3 of 3)"))
    #expect(threeWrong.contains("wrong password"), "\(threeWrong)")
    #expect(threeWrong.hasSuffix("exit 3\n"), "\(threeWrong)")
  }
}

extension JourneyCLITests {
  @Test func aWinAuthSteamLineIsSteamAndOtpauthSkipsIt() throws {
    let folder = try CLI.temporaryFolder()
    // WinAuth's export of a Steam authenticator (its data in data= and deviceid=), and an
    // ordinary line with a parameter nobody defined.
    let text = """
      otpauth://totp/Steam:gamer?secret=AAAAAAAAAAAAAAAA&digits=5&issuer=Steam&deviceid=android%3A1234&data=%7B%22revocation_code%22%3A%22R0001%22%7D&icon=WinAuth
      otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLU&issuer=Mail&shade=blue
      """
    try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/winauth.txt"))
    // Recognised as WinAuth's: the Steam line is a Steam account.
    let read = try CLI.run(["inspect", "winauth.txt"], in: folder)
    #expect(read.status == 0, "\(read.stderr)")
    #expect(read.stdout.contains("2 account(s) from winauth.txt (winauth)"), "\(read.stdout)")
    #expect(read.stdout.contains("steam") && read.stdout.contains("gamer"))
    #expect(read.stderr.contains("winauth.txt:2: warning: parameter(s) 'shade' are not ones otpbridge knows"))
    #expect(!read.stdout.contains("R0001") && !read.stderr.contains("R0001"))
    // Read as a plain otpauth list, the Steam line is skipped, not taken for a 6-digit TOTP.
    let run = try CLI.run(["convert", "winauth.txt", "--from", "otpauth", "--to", "aegis", "-o", "out.json"], in: folder)
    #expect(run.status == 1)
    #expect(
      run.stderr.contains("winauth.txt:1: entry not readable: the URI carries an authenticator's own data"), "\(run.stderr)")
    #expect(run.stderr.contains("'deviceid', 'data'"))
    #expect(!run.stderr.contains("revocation_code") && !run.stderr.contains("AAAAAAAA"))
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/out.json"))
  }

  @Test func anOPVaultFolderGivenIsToldWhichFileToGive() throws {
    let vault = Vectors.path("keepassxc/tests/data/keepassxc.opvault")
    let run = try CLI.run(["inspect", vault])
    #expect(run.status == 3 && run.stderr.contains("for a 1Password OPVault, give its default/profile.js"), "\(run.stderr)")
  }

  @Test func aFileNoFormatReadsIsUnrecognisedNotDamaged() throws {
    let folder = try CLI.temporaryFolder()
    // Another manager's export: JSON with folders and logins, like no format otpbridge reads.
    let other = """
      {"folders": [], "logins": [{"name": "Example", "otp": "JBSWY3DPEHPK3PXP", "uuid": "1"}]}
      """
    try Data(other.utf8).write(to: URL(fileURLWithPath: "\(folder)/other.json"))
    let run = try CLI.run(["inspect", "other.json"], in: folder)
    #expect(run.status == 3)
    #expect(
      run.stderr.contains("other.json: not a format otpbridge recognises: it is JSON with folders, logins at the top"),
      "\(run.stderr)")
    #expect(!run.stderr.contains("damaged") && !run.stderr.contains("JBSWY3DP"))
    // Items with a `type`, as Bitwarden's have: a resemblance, said as one.
    let lookalike = #"{"folders": [], "items": [{"type": "login", "title": "Example"}]}"#
    try Data(lookalike.utf8).write(to: URL(fileURLWithPath: "\(folder)/other.json"))
    let guessed = try CLI.run(["inspect", "other.json"], in: folder)
    #expect(guessed.status == 3)
    #expect(
      guessed.stderr.contains(
        "other.json: not a format otpbridge recognises: it resembles Bitwarden JSON (bitwarden-json), but does not read as one"),
      "\(guessed.stderr)")
    // Named with --from, the same file is a damaged Bitwarden export.
    let named = try CLI.run(["inspect", "other.json", "--from", "bitwarden-json"], in: folder)
    #expect(named.status == 3)
    #expect(named.stderr.contains("the file is damaged or not what it claims to be"))
  }
}

extension JourneyCLITests {
  /// convert --to google-migration and audit --target google-authenticator say the same about
  /// SHA256: kept, and working in the app (docs/formats/google-migration.md cites why).
  @Test func sha256IsKeptForGoogleAuthenticatorByConvertAndAuditAlike() throws {
    let folder = try CLI.temporaryFolder()
    let text = """
      otpauth://totp/Bank:me?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256&digits=8&issuer=Bank
      otpauth://totp/Shop:me?secret=KRSXG5CTMVRXEZLU&period=60&issuer=Shop
      """
    try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/in.txt"))
    let convert = try CLI.run(["convert", "in.txt", "--to", "google-migration", "-o", "links.txt", "--allow-lossy"], in: folder)
    #expect(convert.stderr.contains("1 kept, 1 changed"), "\(convert.stderr)")
    #expect(!convert.stderr.contains("SHA256"))
    let audit = try CLI.run(["audit", "in.txt", "--target", "google-authenticator"], in: folder)
    #expect(!audit.stdout.contains("algorithm"), "\(audit.stdout)")
    #expect(audit.stdout.contains("Shop") && audit.stdout.contains("period"))
  }
}

extension JourneyCLITests {
  @Test func transferCodesTooWideForTheTerminalAreRefusedWithABatchSizeThatFits() throws {
    let (folder, _, _) = try Self.googleTransfer()
    let narrow = try CLI.run(
      ["convert", "phone.txt", "--to", "google-migration", "--qr", "terminal"], environment: ["COLUMNS": "80"], in: folder)
    #expect(narrow.status == 2)
    #expect(narrow.stderr.contains("but the terminal has 80: a cut code cannot be scanned"), "\(narrow.stderr)")
    #expect(narrow.stdout.isEmpty)
    // The batch size it suggests does fit, and each code lists the accounts it holds.
    let suggested = try #require(narrow.stderr.components(separatedBy: "--batch-size ").last?.split(separator: " ").first)
    let fits = try CLI.run(
      ["convert", "phone.txt", "--to", "google-migration", "--qr", "terminal", "--batch-size", String(suggested)],
      environment: ["COLUMNS": "80"], in: folder)
    #expect(fits.status == 0, "\(fits.stderr)")
    #expect(fits.stdout.contains("  - Service1 (person1@example.com)\n"))
    #expect(fits.stdout.contains("  - Service23 (person23@example.com)\n"))
    let page = try CLI.run(["convert", "phone.txt", "--to", "google-migration", "--qr", "html", "codes.html"], in: folder)
    #expect(page.status == 0, "\(page.stderr)")
    let html = try String(contentsOfFile: "\(folder)/codes.html", encoding: .utf8)
    #expect(html.contains("<li>Service23 (person23@example.com)</li>"))
  }
}

extension JourneyCLITests {
  /// A transfer link among otpauth lines is one part of its export like any other: the codes
  /// missing from it are named, and a conversion stops.
  @Test func aTransferLinkAmongOtpauthLinesNamesItsMissingCodes() throws {
    let (folder, _, links) = try Self.googleTransfer()
    let first = try String(contentsOfFile: "\(folder)/\(links)", encoding: .utf8).split(separator: "\n")[0]
    let mixed = "otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLU&issuer=Mail\n\(first)\n"
    try Data(mixed.utf8).write(to: URL(fileURLWithPath: "\(folder)/mixed.txt"))
    let run = try CLI.run(["convert", "mixed.txt", "--to", "aegis", "-o", "out.json"], in: folder)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stderr.contains("QR codes 2 and 3 of 3 are missing (you gave 1)"), "\(run.stderr)")
    // An account from an older otpbridge-json file with WinAuth's data= parameter converts into
    // otpauth with that parameter dropped and said, not refused as a read-back failure.
    // (Made by writing an account with a harmless parameter, then renaming it, as an older
    // otpbridge could have written it.)
    try Data("otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLU&issuer=Mail&shade=x\n".utf8)
      .write(to: URL(fileURLWithPath: "\(folder)/shade.txt"))
    let written = try CLI.run(["convert", "shade.txt", "--to", "otpbridge-json", "-o", "shade.json"], in: folder)
    #expect(written.status == 0, "\(written.stderr)")
    let json = try String(contentsOfFile: "\(folder)/shade.json", encoding: .utf8)
    #expect(json.contains("\"shade\""))
    try Data(json.replacingOccurrences(of: "\"shade\"", with: "\"data\"").utf8).write(
      to: URL(fileURLWithPath: "\(folder)/old.json"))
    let old = try CLI.run(["convert", "old.json", "--to", "otpauth", "-o", "old.txt", "--allow-lossy"], in: folder)
    #expect(old.status == 0, "\(old.stderr)")
    #expect(old.stderr.contains("does not write parameters that hold an authenticator's own data"))
  }
}

extension JourneyCLITests {
  /// Every error starts "otpbridge: error:", the parser's too, and a mistyped command is named
  /// with the closest one (exit 2), as a mistyped option is.
  @Test func errorsShareOnePrefixAndAMistypedCommandIsNamed() throws {
    let typo = try CLI.run(["inspct", "x.txt"])
    #expect(typo.status == 2)
    #expect(typo.stderr.hasPrefix("otpbridge: error: unknown command 'inspct'. Did you mean 'inspect'?"), "\(typo.stderr)")
    let nested = try CLI.run(["tenant", "mgrate", "m.csv"])
    #expect(nested.status == 2)
    #expect(nested.stderr.contains("unknown command 'tenant mgrate'. Did you mean 'tenant migrate'?"), "\(nested.stderr)")
    let missing = try CLI.run(["convert"])
    #expect(missing.status == 2)
    #expect(missing.stderr.hasPrefix("otpbridge: error: Missing expected argument"), "\(missing.stderr)")
    #expect(try CLI.run(["help", "convert"]).status == 0)
  }
}

extension JourneyCLITests {
  /// One transfer link repeated 5,000 times among otpauth lines (a hostile or a careless file)
  /// is read once: its accounts once, each copy a note, in time linear in the lines.
  @Test func aTransferLinkRepeatedFiveThousandTimesIsReadOnce() throws {
    let (folder, _, links) = try Self.googleTransfer()
    let last = try String(contentsOfFile: "\(folder)/\(links)", encoding: .utf8).split(separator: "\n")[2]
    let text = "otpauth://totp/Mail:me?secret=KRSXG5CTMVRXEZLU&issuer=Mail\r\n" + String(repeating: "\(last)\r\n", count: 5_000)
    try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/repeated.txt"))
    let run = try CLI.run(["inspect", "repeated.txt"], in: folder)
    #expect(run.stdout.contains("4 account(s) from repeated.txt"), "\(run.stdout.suffix(300))")
    #expect(run.stderr.components(separatedBy: "this copy was not read again").count == 5_000)
    #expect(run.stderr.contains("QR codes 1 and 2 of 3 are missing (you gave 3)"))
  }
}
