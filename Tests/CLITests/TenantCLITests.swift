import Foundation
import OTPCore
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `otpbridge tenant migrate` and `tenant merge` on the built binary (issue 7).
@Suite struct TenantCLITests {
  static let examples = Vectors.packageRoot.appendingPathComponent("examples/tenant").path
  static let password = "tenant-Pa55word-never-logged"
  static let environment = ["ERIN_EXPORT_PASSWORD": "example", "ERIN_NEW_PASSWORD": "new-example"]

  /// A made-up tenant in `folder`: `count` users, each with one otpauth list of two accounts, every
  /// fifth one's export encrypted (Aegis, password in a file), and the secrets used.
  /// A tenant of `count` users migrated once into FOLDER/out, to otpauth; the folder and the
  /// arguments that run it again.
  static func migratedTenant(in folder: String, count: Int) throws -> (out: String, arguments: [String]) {
    let tenant = try makeTenant(in: folder, count: count)
    let out = "\(folder)/out"
    let arguments = ["tenant", "migrate", tenant.manifest, "--out", out, "--to", "otpauth"]
    let first = try CLI.run(arguments)
    #expect(first.status == 0, "\(first.all)")
    return (out, arguments)
  }

  static func makeTenant(in folder: String, count: Int, encryptedEvery: Int = 5, extraRows: [String] = []) throws -> (
    manifest: String, secrets: [String]
  ) {
    try FileManager.default.createDirectory(atPath: "\(folder)/exports", withIntermediateDirectories: true)
    try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: "\(folder)/exports/password.txt"))
    var rows = ["user,inputs,password_file,password_env,target,output_password_file,output_password_env"]
    var secrets: [String] = []
    var generator = SystemRandomNumberGenerator()
    for number in 1...count {
      let user = "user\(number)@example.org"
      var lines: [String] = []
      for account in 1...2 {
        let secret = Base32.encode((0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })
        secrets.append(secret)
        lines.append("otpauth://totp/Example%20\(account):\(user)?secret=\(secret)&issuer=Example%20\(account)")
      }
      let plain = "\(folder)/exports/user\(number).txt"
      try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: plain))
      if number % encryptedEvery == 0 {
        let convert = try CLI.run(
          [
            "convert", plain, "--to", "aegis", "-o", "\(folder)/exports/user\(number).json", "--new-password-file",
            "\(folder)/exports/password.txt",
          ])
        #expect(convert.status == 0, "\(convert.stderr)")
        try FileManager.default.removeItem(atPath: plain)
        rows.append("\(user),exports/user\(number).json,exports/password.txt,,,,")
      } else {
        rows.append("\(user),exports/user\(number).txt,,,,,")
      }
    }
    rows += extraRows
    let manifest = "\(folder)/manifest.csv"
    try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: manifest))
    return (manifest, secrets)
  }

  /// Every file under `folder` but the journal, with its bytes.
  static func outputs(_ folder: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let relative = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      let path = "\(folder)/\(relative)"
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
        !relative.hasPrefix("journal.sqlite")
      else { continue }
      files[relative] = FileManager.default.contents(atPath: path)
    }
    return files
  }

  struct Report: Decodable {
    struct Summary: Decodable {
      var users, done, failed, accountsMoved, microsoftReenrol, changed, dropped, unreadable, reenrol: Int
    }
    struct User: Decodable {
      var user: String
      var status: String
      var reason: String?
      var output: String?
      var moved: Int
      var microsoft: [Finding]
    }
    struct Finding: Decodable {
      var code: String
      var remedy: String?
    }
    var summary: Summary
    var users: [User]
  }

  static func report(_ folder: String) throws -> Report {
    try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/report.json")))
  }

  /// The example manifest (CSV and JSON alike): a missing export fails dave only, exit 5; the
  /// others get their converted file (0600) and findings; carol's Microsoft activation link puts
  /// her on the re-enrol list; erin's output is an Aegis vault under her new password.
  @Test(arguments: ["manifest.csv", "manifest.json"]) func exampleManifest(_ name: String) throws {
    let out = try CLI.temporaryFolder()
    let run = try CLI.run(
      ["tenant", "migrate", "\(Self.examples)/\(name)", "--out", out, "--to", "otpauth", "--jobs", "2"],
      environment: Self.environment)
    #expect(run.status == 5, "\(run.all)")
    let report = try Self.report(out)
    #expect(report.users.map(\.user) == ["alice", "bob", "carol", "dave", "erin"].map { "\($0)@contoso.com" })
    #expect(report.users.map(\.status) == ["done", "done", "done", "failed", "done"])
    #expect(report.users[3].reason?.contains("no such file") == true)
    #expect(report.summary.microsoftReenrol == 1)
    #expect(report.summary.reenrol == 1)
    #expect(report.users[2].microsoft.map(\.code) == ["MS_PUSH_ACTIVATION"])
    #expect(run.stderr.contains("FAILED  dave@contoso.com"))
    // Moved, changed, lost and re-enrol are counted apart, so no two numbers contradict.
    let s = report.summary
    #expect(
      run.stderr.contains(
        "Accounts: \(s.accountsMoved - s.changed) moved as they were, \(s.changed) changed (their codes may differ), \(s.dropped + s.unreadable - 1) lost (dropped or unreadable), 1 Microsoft to re-enrol;"
      ), "\(run.stderr)")
    // The Microsoft remedy is the admin's, said once, not the user's "You:" repeated per user.
    let html = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
    #expect(html.components(separatedBy: "Ask each user listed to open https://aka.ms/mysecurityinfo").count == 2)
    #expect(!html.contains("You: at https://aka.ms"))
    for user in report.users where user.status == "done" {
      let path = "\(out)/\(try #require(user.output))"
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
      let folder = (path as NSString).deletingLastPathComponent
      #expect(FileManager.default.fileExists(atPath: folder + "/findings.json"))
      #expect((try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int) == 0o700)
    }
    let erin = try CLI.run(
      ["inspect", "\(out)/\(try #require(report.users[4].output))", "--password-env", "ERIN_NEW_PASSWORD"],
      environment: Self.environment)
    #expect(erin.status == 0, "\(erin.all)")
    #expect(html.contains("<svg") && html.contains("carol@contoso.com") && !html.contains("<script"))
  }

  /// A second run into the same folder without --resume is refused; with it, nothing is redone.
  @Test func resumeSkipsDoneUsers() throws {
    let folder = try CLI.temporaryFolder()
    let tenant = try Self.makeTenant(in: folder, count: 6)
    let first = try CLI.run(["tenant", "migrate", tenant.manifest, "--out", "\(folder)/out", "--to", "otpauth"])
    #expect(first.status == 0, "\(first.all)")
    let again = try CLI.run(["tenant", "migrate", tenant.manifest, "--out", "\(folder)/out", "--to", "otpauth"])
    #expect(again.status == 2 && again.stderr.contains("--resume"), "\(again.all)")
    let resumed = try CLI.run(["tenant", "migrate", tenant.manifest, "--out", "\(folder)/out", "--to", "otpauth", "--resume"])
    #expect(resumed.status == 0, "\(resumed.all)")
    #expect(resumed.stderr.contains("6 of 6 users already done"))
    let otherTarget = try CLI.run(["tenant", "migrate", tenant.manifest, "--out", "\(folder)/out", "--to", "aegis", "--resume"])
    #expect(otherTarget.status == 2, "\(otherTarget.all)")
  }

  /// Every file under `folder`, the journal and the lock included, with its bytes.
  static func everything(_ folder: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let relative = enumerator?.nextObject() as? String {
      files[relative] = FileManager.default.contents(atPath: "\(folder)/\(relative)") ?? Data("(folder)".utf8)
    }
    return files
  }

  /// The mode bits of a file or folder.
  static func mode(_ path: String) throws -> Int? {
    try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
  }

  /// While another process holds the documented lock (here the test itself), a run on the same
  /// folder, with or without --resume, exits 2 naming the folder and the holder's pid, and changes
  /// no file; once the lock is let go, the resume goes ahead.
  @Test func aFolderInUseIsRefusedAndLeftAsItWas() throws {
    let folder = try CLI.temporaryFolder()
    let (out, arguments) = try Self.migratedTenant(in: folder, count: 3)
    // The next run must not find a lock file the first one left holding its pid.
    #expect(FileManager.default.contents(atPath: "\(out)/run.lock") == Data())

    let descriptor = open("\(out)/run.lock", O_RDWR)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
    let pid = Array("\(getpid())\n".utf8)
    #expect(pwrite(descriptor, pid, pid.count, 0) == pid.count)
    let before = Self.everything(out)
    for extra in [["--resume"], []] {
      let refused = try CLI.run(arguments + extra)
      #expect(refused.status == 2, "\(refused.all)")
      #expect(
        refused.stderr.contains("\(out) is in use by another otpbridge run (pid \(getpid())): wait for it to finish"),
        "\(refused.all)")
    }
    #expect(Self.everything(out) == before, "a refused run changed the folder")

    flock(descriptor, LOCK_UN)
    let resumed = try CLI.run(arguments + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.all)")
  }

  /// Two real runs on one folder: the second, started while the first is reading a slow input
  /// (an external plugin that takes 3 s), is refused with the first one's pid, and the first
  /// finishes as if alone.
  @Test func aSecondRunWhileOneRunsIsRefused() throws {
    let folder = try CLI.temporaryFolder()
    let plugins = try ExternalPluginTests.plugin(
      "slow",
      ExternalPluginTests.describeOK.replacingOccurrences(of: "\"id\":\"bad\"", with: "\"id\":\"slow\"") + #"""
        cat >/dev/null; sleep 3
        echo '{"document":{"format":"otpbridge-json","version":1,"accounts":[{"type":"totp","secret":"JBSWY3DPEHPK3PXP"}]}}'

        """#)
    try "slow export".write(toFile: "\(folder)/slow.dat", atomically: true, encoding: .utf8)
    try "user,inputs\nslow@example.org,slow.dat\n".write(toFile: "\(folder)/manifest.csv", atomically: true, encoding: .utf8)
    let out = "\(folder)/out"
    let arguments = ["tenant", "migrate", "\(folder)/manifest.csv", "--out", out, "--to", "otpauth", "--plugin-dir", plugins]

    let first = Process()
    first.executableURL = URL(fileURLWithPath: CLI.binary)
    first.arguments = arguments
    first.standardOutput = FileHandle.nullDevice
    first.standardError = FileHandle.nullDevice
    try first.run()
    defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
    let started = Date()
    while FileManager.default.contents(atPath: "\(out)/run.lock")?.isEmpty ?? true, Date().timeIntervalSince(started) < 10 {
      usleep(20_000)
    }
    let second = try CLI.run(arguments + ["--resume"])
    #expect(second.status == 2, "\(second.all)")
    #expect(second.stderr.contains("\(out) is in use by another otpbridge run (pid \(first.processIdentifier))"), "\(second.all)")
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
    #expect(try Self.report(out).users.map(\.status) == ["done"])
  }

  /// A resume checks every done user's files against the size and SHA-256 the journal holds: a
  /// truncated converted file, a removed findings.json and a converted file with one byte changed
  /// (same size) are converted again, back to the same bytes, with a note in the report; the
  /// other users' files are not rewritten (same inode).
  @Test func resumeConvertsAgainUsersWhoseOutputsChanged() throws {
    let folder = try CLI.temporaryFolder()
    let (out, arguments) = try Self.migratedTenant(in: folder, count: 6)
    let before = try Self.outputs(out)
    let outputs = try Self.report(out).users.map { try #require($0.output) }
    func inode(_ relative: String) throws -> Int? {
      try FileManager.default.attributesOfItem(atPath: "\(out)/\(relative)")[.systemFileNumber] as? Int
    }
    let inodes = try Dictionary(uniqueKeysWithValues: before.keys.filter { $0.hasPrefix("users/") }.map { ($0, try inode($0)) })

    let truncated = outputs[1]
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(out)/\(truncated)"))
    try handle.truncate(atOffset: 10)
    try handle.close()
    let removed = (outputs[2] as NSString).deletingLastPathComponent + "/findings.json"
    try FileManager.default.removeItem(atPath: "\(out)/\(removed)")
    let flipped = outputs[4]
    var bytes = try #require(FileManager.default.contents(atPath: "\(out)/\(flipped)"))
    bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    try bytes.write(to: URL(fileURLWithPath: "\(out)/\(flipped)"))

    let resumed = try CLI.run(arguments + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.all)")
    #expect(resumed.stderr.contains("3 of 6 users already done"), "\(resumed.all)")
    #expect(
      resumed.stderr.contains("user2@example.org done (output changed since the last run; converted again)"), "\(resumed.all)")
    let after = try Self.outputs(out)
    for (path, data) in before where path.hasPrefix("users/") {
      #expect(after[path] == data, "\(path) is not as the first run wrote it")
    }
    let redone = Set([1, 2, 4].map { (outputs[$0] as NSString).deletingLastPathComponent })
    for path in inodes.keys where !redone.contains((path as NSString).deletingLastPathComponent) {
      #expect(try inode(path) == inodes[path], "\(path) was written again")
    }
    let notes =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json"))) as? [String: Any]
    let users = try #require(notes?["users"] as? [[String: Any]])
    #expect(
      users.map { $0["note"] as? String } == [
        nil, "output changed since the last run; converted again", "output changed since the last run; converted again", nil,
        "output changed since the last run; converted again", nil,
      ])
    #expect(try String(contentsOfFile: "\(out)/report.html", encoding: .utf8).contains("output changed since the last run"))

    // Nothing changed since: a second resume skips everyone.
    let again = try CLI.run(arguments + ["--resume"])
    #expect(again.status == 0 && again.stderr.contains("6 of 6 users already done"), "\(again.all)")
  }

  /// A journal of an older otpbridge (no size and hash columns) is upgraded on resume: its done
  /// users are checked by their files' existence only, so a removed output is converted again and
  /// a truncated one stays done; users converted from then on are checked by hash.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
  func aJournalWithoutHashesIsCheckedByExistence() throws {
    let folder = try CLI.temporaryFolder()
    let (out, arguments) = try Self.migratedTenant(in: folder, count: 3)
    func sqlite(_ sql: String) throws -> String {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
      process.arguments = ["\(out)/journal.sqlite", sql]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      return text
    }
    // The journal as the version before the checks made it.
    _ = try sqlite(
      "CREATE TABLE old (id TEXT PRIMARY KEY, status TEXT NOT NULL, result TEXT NOT NULL); "
        + "INSERT INTO old SELECT id, status, result FROM users; DROP TABLE users; ALTER TABLE old RENAME TO users;")
    let outputs = try Self.report(out).users.map { try #require($0.output) }
    let original = try #require(FileManager.default.contents(atPath: "\(out)/\(outputs[0])"))
    try FileManager.default.removeItem(atPath: "\(out)/\(outputs[0])")
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(out)/\(outputs[1])"))
    try handle.truncate(atOffset: 10)
    try handle.close()

    let resumed = try CLI.run(arguments + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.all)")
    #expect(resumed.stderr.contains("2 of 3 users already done"), "\(resumed.all)")
    #expect(FileManager.default.contents(atPath: "\(out)/\(outputs[0])") == original)
    #expect(FileManager.default.contents(atPath: "\(out)/\(outputs[1])")?.count == 10)
    let recorded = try sqlite("SELECT id, output_size IS NOT NULL, length(output_sha256) FROM users ORDER BY id")
    #expect(recorded == "user1@example.org|1|64\nuser2@example.org|0|\nuser3@example.org|0|\n", "\(recorded)")
  }

  /// A user folder a kill left 0755 (between an older version's mkdir and chmod, say) and a
  /// users/ folder opened by hand are put back to 0700 by the next run, though the user is done
  /// and skipped.
  @Test func resumePutsFoldersBackTo0700() throws {
    let folder = try CLI.temporaryFolder()
    let (out, arguments) = try Self.migratedTenant(in: folder, count: 3)
    #expect(try Self.mode(out) == 0o700)
    #expect(try Self.mode("\(out)/users") == 0o700)
    let user = "\(out)/users/user2@example.org"
    #expect(try Self.mode(user) == 0o700)
    chmod(user, 0o755)
    chmod("\(out)/users", 0o755)
    let resumed = try CLI.run(arguments + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.all)")
    #expect(resumed.stderr.contains("3 of 3 users already done"))
    #expect(try Self.mode(user) == 0o700)
    #expect(try Self.mode("\(out)/users") == 0o700)
  }

  /// SIGKILL at random moments, then --resume until a run finishes: the outputs are exactly
  /// those of an uninterrupted run, several times over.
  @Test func killedRunsResumeToTheSameOutputs() throws {
    let folder = try CLI.temporaryFolder()
    let tenant = try Self.makeTenant(in: folder, count: 40, extraRows: ["ghost@example.org,exports/missing.txt,,,,,"])
    let arguments = ["tenant", "migrate", tenant.manifest, "--to", "otpauth", "--jobs", "2"]
    let whole = try CLI.run(arguments + ["--out", "\(folder)/whole"])
    #expect(whole.status == 5, "\(whole.all)")
    let expected = try Self.outputs("\(folder)/whole")
    // The two reports, run.lock (empty once a run ends), and each user's converted file and findings.
    #expect(expected.count == 3 + 40 * 2)
    #expect(expected["run.lock"] == Data())

    let started = Date()
    _ = try CLI.run(arguments + ["--out", "\(folder)/timing"])
    let duration = Date().timeIntervalSince(started)

    var kills = 0
    for attempt in 1...4 {
      let out = "\(folder)/killed\(attempt)"
      var finished = false
      var runs = 0
      while !finished {
        runs += 1
        #expect(runs < 60, "the run never finished")
        if runs >= 60 { break }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments + ["--out", out] + (runs > 1 ? ["--resume"] : [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Somewhere inside the run: early, in the middle, or while writing the reports.
        usleep(useconds_t(Double.random(in: 0...(duration * 0.8)) * 1_000_000))
        if process.isRunning {
          kill(process.processIdentifier, SIGKILL)
          kills += 1
        }
        process.waitUntilExit()
        finished = process.terminationReason == .exit
        if finished { #expect(process.terminationStatus == 5) }
      }
      let got = try Self.outputs(out)
      #expect(got.keys.sorted() == expected.keys.sorted(), "attempt \(attempt)")
      #expect(got == expected, "attempt \(attempt): the outputs differ")
    }
    #expect(kills >= 3, "the runs were too fast to be killed")
  }

  /// No password and no secret in the journal, the reports, the findings or the logs, also when
  /// a user fails with the wrong password.
  @Test func noSecretOrPasswordOutsideTheConvertedFiles() throws {
    let folder = try CLI.temporaryFolder()
    try Data("wrong-Pa55word-never-logged\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/wrong.txt"))
    let tenant = try Self.makeTenant(in: folder, count: 10, extraRows: ["wrong@example.org,exports/user5.json,wrong.txt,,,,"])
    let run = try CLI.run(["tenant", "migrate", tenant.manifest, "--out", "\(folder)/out", "--to", "otpauth"])
    #expect(run.status == 5, "\(run.all)")
    let report = try Self.report("\(folder)/out")
    #expect(report.users.last?.reason?.contains("password") == true)
    let converted = Set(report.users.compactMap(\.output))
    var checked = ["stdout+stderr": Data(run.all.utf8)]
    for (path, data) in try Self.outputs("\(folder)/out") where !converted.contains(path) { checked[path] = data }
    for name in try FileManager.default.contentsOfDirectory(atPath: "\(folder)/out") where name.hasPrefix("journal.sqlite") {
      checked[name] = FileManager.default.contents(atPath: "\(folder)/out/\(name)")
    }
    #expect(checked.keys.contains("journal.sqlite") && checked.count > 12)
    let forbidden = [Self.password, "wrong-Pa55word-never-logged"] + tenant.secrets + tenant.secrets.map { $0.lowercased() }
    for (name, data) in checked {
      let text = String(decoding: data, as: UTF8.self)
      for value in forbidden {
        #expect(!text.contains(value), "\(name) holds a secret or a password")
      }
    }
  }

  /// Three shards cover the tenant without overlap, and their merged report is the whole run's.
  @Test func shardsMergeIntoTheWholeReport() throws {
    let folder = try CLI.temporaryFolder()
    let tenant = try Self.makeTenant(in: folder, count: 12, extraRows: ["ghost@example.org,exports/missing.txt,,,,,"])
    let whole = try CLI.run(["tenant", "migrate", tenant.manifest, "--out", "\(folder)/whole", "--to", "otpauth"])
    #expect(whole.status == 5)
    var reports: [String] = []
    // Shard 0 given by hand, 1 by a Kubernetes Indexed Job's index, 2 by a Slurm array (1-3).
    let schedulers: [(shard: String, environment: [String: String], source: String?)] = [
      ("0/3", [:], nil), ("auto/3", ["JOB_COMPLETION_INDEX": "1"], "JOB_COMPLETION_INDEX"),
      ("auto", ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "3"], "SLURM_ARRAY_TASK_ID"),
    ]
    for (index, scheduler) in schedulers.enumerated() {
      let out = "\(folder)/shard\(index)"
      let run = try CLI.run(
        ["tenant", "migrate", tenant.manifest, "--out", out, "--to", "otpauth", "--shard", scheduler.shard],
        environment: scheduler.environment)
      #expect(run.status == 0 || run.status == 5, "\(run.all)")
      if let source = scheduler.source { #expect(run.stderr.contains("shard \(index)/3 (from \(source))"), "\(run.all)") }
      reports.append("\(out)/report.json")
    }
    let outside = try CLI.run([
      "tenant", "migrate", tenant.manifest, "--out", "\(folder)/none", "--to", "otpauth", "--shard", "auto",
    ])
    #expect(outside.status == 2 && outside.stderr.contains("no scheduler's array index is set"), "\(outside.all)")
    #expect(!FileManager.default.fileExists(atPath: "\(folder)/none"))
    let merge = try CLI.run(["tenant", "merge"] + reports + ["-o", "\(folder)/merged.json"])
    #expect(merge.status == 5, "\(merge.all)")
    let merged =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/merged.json"))) as? [String: Any]
    let original =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/whole/report.json")))
      as? [String: Any]
    #expect(merged?["shards"] as? [String] == ["0/3", "1/3", "2/3"])
    #expect((merged?["users"] as? NSArray) == (original?["users"] as? NSArray))
    #expect((merged?["summary"] as? NSDictionary) == (original?["summary"] as? NSDictionary))
    #expect(FileManager.default.fileExists(atPath: "\(folder)/merged.html"))
    let twice = try CLI.run(["tenant", "merge", reports[0], reports[0], "-o", "\(folder)/twice.json"])
    #expect(twice.status == 2 && twice.stderr.contains("overlap"), "\(twice.all)")
  }

  /// The scale-out examples (examples/scale-out) are shell that parses, and the Kubernetes Job's
  /// `--shard auto/N` is its `completions` (Kubernetes does not tell a pod the count). The Slurm
  /// ones run for real in `make scale-check`.
  @Test func scaleOutExamplesAreConsistent() throws {
    let root = Vectors.packageRoot.path + "/examples/scale-out"
    for script in ["slurm/tenant.sbatch", "slurm/merge.sbatch", "slurm/submit.sh"] {
      let parsed = CLI.Run(try Subprocess.run("/bin/bash", ["-n", "\(root)/\(script)"]))
      #expect(parsed.status == 0, "\(script): \(parsed.stderr)")
      #expect(FileManager.default.isExecutableFile(atPath: "\(root)/\(script)"), "\(script)")
    }
    let job = try String(contentsOfFile: "\(root)/kubernetes/tenant-job.yaml", encoding: .utf8)
    let completions = try #require(job.firstMatch(of: /\n  completions: (\d+)\n/)?.1)
    #expect(job.contains("--shard auto/\(completions) "), "the Job's --shard auto/N is not its completions (\(completions))")
    #expect(job.contains("completionMode: Indexed") && job.contains("emptyDir: {}"))
    let merge = try String(contentsOfFile: "\(root)/kubernetes/tenant-merge-job.yaml", encoding: .utf8)
    #expect(merge.contains("tenant merge /tenant/out/shard-*/report.json"))
  }

  @Test func aMisspeltManifestColumnOrMemberIsNamedWithTheClosestOne() throws {
    let folder = try CLI.temporaryFolder()
    let csv = "user,inputs,pasword_file\nalice,a.txt,pw.txt\n"
    try Data(csv.utf8).write(to: URL(fileURLWithPath: "\(folder)/manifest.csv"))
    let run = try CLI.run(["tenant", "migrate", "manifest.csv", "--out", "out", "--to", "otpauth"], in: folder)
    #expect(run.status == 2)
    #expect(
      run.stderr.contains(
        "manifest.csv line 1: the manifest has an unknown column 'pasword_file'. Did you mean 'password_file'?"), "\(run.stderr)")
    #expect(!run.stderr.contains("damaged"))
    let json = #"{"users": [{"user": "alice", "inputs": ["a.txt"], "target": "aegis", "pasword": {"file": "pw.txt"}}]}"#
    try Data(json.utf8).write(to: URL(fileURLWithPath: "\(folder)/manifest.json"))
    let fromJSON = try CLI.run(["tenant", "migrate", "manifest.json", "--out", "out"], in: folder)
    #expect(fromJSON.status == 2)
    #expect(
      fromJSON.stderr.contains("manifest.json entry 1: the manifest has an unknown member 'pasword'. Did you mean 'password'?"),
      "\(fromJSON.stderr)")
    // A format id too.
    let format = try CLI.run(["convert", "manifest.csv", "-o", "out", "--to", "aegiss"], in: folder)
    #expect(format.stderr.contains("unknown format 'aegiss'. Did you mean 'aegis'?"), "\(format.stderr)")
  }
}
