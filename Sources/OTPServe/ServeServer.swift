import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OTPBridge
import OTPCore
import ServiceLifecycle

/// `otpbridge serve` (docs/serve.md): the page on 127.0.0.1 only, at a random port; Hummingbird
/// serves it. The address printed holds a one-time ticket: its first request gets the session's
/// token as an HttpOnly, SameSite=Strict cookie and goes on to the page, and the ticket is then
/// spent (a browser started with the address shows it to other users of the machine). Every
/// other request needs the cookie, and the API also the `X-OTPBridge` header, which a page of
/// another site cannot set; its Host must be this address and port (against DNS rebinding), and an
/// Origin, when there is one, this origin. Nothing is written to disk; the session is cleared when
/// the page says done, and the server stops then or after `idle` without a request.
public struct ServeServer: Sendable {
  /// The one-time part of the address printed.
  public let ticket: String
  /// The cookie's value, never printed.
  let token: String
  public let idle: Duration
  let session: ServeSession

  public init(registry: Registry = .builtIn, idle: Duration) {
    ticket = Self.randomToken()
    token = Self.randomToken()
    self.idle = idle
    session = ServeSession(registry: registry)
  }

  /// 24 bytes from the kernel's random source (SystemRandomNumberGenerator), as 32 base64url characters.
  static func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
  }

  /// The largest request: a file of the largest size a page may upload.
  static let maxBody = ServeSession.maxFileBytes

  /// Runs until the page says done, the server is idle for `idle`, or SIGINT/SIGTERM; `started`
  /// gets the page's address once the port is bound.
  public func run(started: @escaping @Sendable (String) -> Void) async throws {
    let port = BoundPort()
    let (quit, quitter) = AsyncStream<Void>.makeStream()
    let activity = Activity()
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: Guard(ticket: Ticket(ticket), token: token, port: port, activity: activity))
    addRoutes(to: router, quit: quitter)
    var logger = Logger(label: "otpbridge.serve")
    logger.logLevel = .critical
    let app = Application(
      router: router, server: .http1(configuration: .init(idleTimeout: .seconds(60))),
      configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
      onServerRunning: { channel in
        guard let bound = channel.localAddress?.port else { return }
        await port.set(bound)
        started("http://127.0.0.1:\(bound)/s/\(ticket)/")
      }, logger: logger)
    let group = ServiceGroup(
      configuration: .init(
        services: [
          .init(service: app),
          .init(
            service: Watchdog(quit: quit, activity: activity, idle: idle), successTerminationBehavior: .gracefullyShutdownGroup),
        ], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    defer { session.clear() }
    try await group.run()
  }

  func addRoutes(to router: Router<BasicRequestContext>, quit: AsyncStream<Void>.Continuation) {
    let session = session
    router.get("/page/") { _, _ in Self.response(ServePage.html, type: "text/html; charset=utf-8") }
    router.get("/page/app.js") { _, _ in Self.response(ServePage.javascript, type: "text/javascript; charset=utf-8") }
    router.get("/page/app.css") { _, _ in Self.response(ServePage.css, type: "text/css; charset=utf-8") }
    router.get("/api/state") { _, _ in try Self.json(session.state()) }
    router.post("/api/files") { request, _ in
      let body = try await request.body.collect(upTo: Self.maxBody)
      let name = request.headers[.fileName].flatMap { $0.removingPercentEncoding } ?? "file"
      return try Self.answer { try Self.json(["id": session.add(name: name, bytes: Array(buffer: body))]) }
    }
    router.delete("/api/files/{id}") { _, context in
      session.remove(file: try context.parameters.require("id", as: Int.self))
      return Response(status: .noContent, headers: Self.headers(type: "text/plain"))
    }
    router.post("/api/files/{id}/password") { request, context in
      let id = try context.parameters.require("id", as: Int.self)
      let body = try await request.body.collect(upTo: 64 << 10)
      return try Self.answer {
        let given = try JSONDecoder().decode(PasswordBody.self, from: Data(buffer: body))
        try session.setPassword(file: id, password: given.password)
        return try Self.json(["id": id])
      }
    }
    router.post("/api/convert") { request, _ in
      let body = try await request.body.collect(upTo: 64 << 10)
      return try Self.answer {
        let asked = try JSONDecoder().decode(ConvertBody.self, from: Data(buffer: body))
        return try Self.json(session.convert(to: asked.target, newPassword: asked.newPassword))
      }
    }
    router.get("/api/download") { _, _ in
      guard let file = session.download() else { return Self.failure(.notFound, "convert first") }
      var headers = Self.headers(type: "application/octet-stream")
      headers[.contentDisposition] = "attachment; filename=\"\(file.name)\""
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
    router.get("/api/codes/{index}") { _, context in
      guard let svg = session.code(try context.parameters.require("index", as: Int.self)) else {
        return Self.failure(.notFound, "no such code")
      }
      return Response(status: .ok, headers: Self.headers(type: "image/svg+xml"), body: .init(byteBuffer: ByteBuffer(bytes: svg)))
    }
    router.post("/api/reset") { _, _ in
      session.clear()
      return Response(status: .noContent, headers: Self.headers(type: "text/plain"))
    }
    router.post("/api/done") { _, _ in
      session.clear()
      quit.yield()
      return Response(status: .noContent, headers: Self.headers(type: "text/plain"))
    }
  }

  struct PasswordBody: Decodable { var password: String }
  struct ConvertBody: Decodable {
    var target: String
    var newPassword: String?
  }

  /// The headers of every response: nothing from another origin, no framing, no caching, no referrer.
  static func headers(type: String) -> HTTPFields {
    [
      .contentType: type,
      .contentSecurityPolicy:
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
      .cacheControl: "no-store",
      .xContentTypeOptions: "nosniff",
      .referrerPolicy: "no-referrer",
      .xFrameOptions: "DENY",
      .crossOriginOpenerPolicy: "same-origin",
      .crossOriginResourcePolicy: "same-origin",
    ]
  }

  static func response(_ text: String, type: String) -> Response {
    Response(status: .ok, headers: headers(type: type), body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  static func json(_ value: some Encodable) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return Response(
      status: .ok, headers: headers(type: "application/json"),
      body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
  }

  /// A refusal the page shows: `{"error": message}`.
  static func failure(_ status: HTTPResponse.Status, _ message: String) -> Response {
    let body = (try? JSONEncoder().encode(["error": message])) ?? Data()
    return Response(status: status, headers: headers(type: "application/json"), body: .init(byteBuffer: ByteBuffer(bytes: body)))
  }

  /// `body`'s response, or its error as a refusal the page shows (never a secret: OTPError's
  /// messages never hold one).
  static func answer(_ body: () throws -> Response) throws -> Response {
    do {
      return try body()
    } catch let error as OTPError {
      return failure(.badRequest, error.description)
    } catch is DecodingError {
      return failure(.badRequest, "the request is not what the page sends")
    }
  }
}

extension HTTPField.Name {
  /// Set by the page on every API request: another site's page cannot set it without asking.
  static let pageHeader = Self("X-OTPBridge")!
  static let fileName = Self("X-File-Name")!
  static let referrerPolicy = Self("Referrer-Policy")!
  static let xFrameOptions = Self("X-Frame-Options")!
  static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
  static let crossOriginResourcePolicy = Self("Cross-Origin-Resource-Policy")!
  /// A second Host header: HTTP/1's first one becomes the request's authority.
  static let hostField = Self("Host")!
  static let secFetchSite = Self("Sec-Fetch-Site")!
}

/// The ticket of the printed address, spent by its first use.
actor Ticket {
  let value: String
  private(set) var spent = false
  init(_ value: String) { self.value = value }

  /// True the first time only.
  func spend() -> Bool {
    defer { spent = true }
    return !spent
  }
}

/// The port, known once the server has bound it.
actor BoundPort {
  private(set) var port: Int?
  func set(_ port: Int) { self.port = port }
}

/// When the last request came.
actor Activity {
  private var last = ContinuousClock.now
  func touch() { last = .now }
  func idle(longerThan limit: Duration) -> Bool { ContinuousClock.now - last > limit }
}

/// Checks every request before it is routed (docs/serve.md, "Security"): 403 without a word for
/// one that fails.
struct Guard: RouterMiddleware {
  typealias Context = BasicRequestContext
  let ticket: Ticket
  let token: String
  let port: BoundPort
  let activity: Activity

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    guard let bound = await port.port else { return Response(status: .forbidden) }
    let host = "127.0.0.1:\(bound)"
    guard request.head.authority == host, request.headers[.hostField] == nil else { return Response(status: .forbidden) }
    if let origin = request.headers[.origin], origin != "http://\(host)" { return Response(status: .forbidden) }
    if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" { return Response(status: .forbidden) }
    // The router passes over empty segments (`//api`): a path with one is refused, not read otherwise.
    let path = request.uri.path
    guard !path.contains("//") else { return Response(status: .forbidden) }
    // The printed address: once, for the cookie.
    if path.hasPrefix("/s/") {
      guard path == "/s/\(ticket.value)/", request.method == .get, await ticket.spend() else {
        return ServeServer.failure(
          .forbidden,
          "This address was opened already. If that was not you, press Ctrl-C where otpbridge serve runs, and start it again.")
      }
      await activity.touch()
      var headers = ServeServer.headers(type: "text/plain")
      headers[.location] = "/page/"
      headers[.setCookie] = "\(Self.cookie)=\(token); Path=/; HttpOnly; SameSite=Strict"
      return Response(status: .seeOther, headers: headers)
    }
    guard let given = request.cookies[Self.cookie]?.value, Self.same(given[...], token) else {
      return Response(status: .forbidden)
    }
    // The API (files, passwords, accounts, outputs) also needs the header only the page sets.
    if path.hasPrefix("/api/") {
      guard request.headers[.pageHeader] == "1" else { return Response(status: .forbidden) }
    } else if !Self.pageFiles.contains(path) {
      return Response(status: .notFound, headers: ServeServer.headers(type: "text/plain"))
    }
    await activity.touch()
    return try await next(request, context)
  }

  /// The cookie that carries the session's token.
  static let cookie = "otpbridge"

  /// What a browser loads without the header: the page, its style and its script.
  static let pageFiles: Set<String> = ["/page/", "/page/app.js", "/page/app.css"]

  /// Compares without stopping at the first difference.
  static func same(_ given: Substring, _ token: String) -> Bool {
    let a = Array(given.utf8), b = Array(token.utf8)
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
  }
}

/// Returns when the page says done or the server has been idle too long; the group then stops.
struct Watchdog: Service {
  let quit: AsyncStream<Void>
  let activity: Activity
  let idle: Duration

  func run() async throws {
    let quit = quit, activity = activity, idle = idle
    try? await cancelWhenGracefulShutdown {
      try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { for await _ in quit { return } }
        group.addTask {
          while true {
            try await Task.sleep(for: .seconds(1))
            if await activity.idle(longerThan: idle) { return }
          }
        }
        _ = try await group.next()
        group.cancelAll()
      }
    }
  }
}
