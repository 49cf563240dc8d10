import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How long a connection may take over each part of a request, and how many may
/// be open. Without them an idle, slowly-sending or slowly-uploading client holds
/// its connection (and a file descriptor) for as long as it likes.
public struct ConnectionLimits: Sendable, Equatable {
    /// A connection with no request in progress is closed after this long.
    public var idleTimeoutSeconds: Int
    /// From a request's first byte to the end of its head (the headers).
    public var headerTimeoutSeconds: Int
    /// From the end of a request's head to the end of its body.
    public var bodyTimeoutSeconds: Int
    /// Connections beyond this many are closed as soon as they are accepted.
    public var maxConnections: Int

    public init(
        idleTimeoutSeconds: Int = 75, headerTimeoutSeconds: Int = 10, bodyTimeoutSeconds: Int = 30,
        maxConnections: Int = 4096
    ) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.maxConnections = maxConnections
    }
}

/// The open connections of one server, across its event loops.
final class ConnectionCounter: Sendable {
    let open = Atomic<Int>(0)
}

/// Hummingbird's HTTP/1 channel with `ConnectionGuardHandler` in front of the HTTP
/// decoder (it sees a request's first byte) and `RequestProgressHandler` behind it
/// (it sees where each request's head and body end, and where its response ends).
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits
    let counter: ConnectionCounter

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, counter: ConnectionCounter) {
        inner = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [RequestProgressHandler()]))
        self.limits = limits
        self.counter = counter
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionGuardHandler(limits: limits, counter: counter, logger: logger))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Counts the connection and closes it when the part of a request it is in takes
/// longer than its limit. First in the pipeline: it passes bytes on untouched.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase: Equatable {
        /// No request in progress: waiting for the next one's first byte.
        case idle
        case readingHead
        case readingBody
        /// The request is read; the application is answering. No limit here.
        case answering
    }

    private let limits: ConnectionLimits
    private let counter: ConnectionCounter
    private let logger: Logger
    private var counted = false
    private(set) var phase = Phase.idle
    /// When the current phase must end, if it has a limit.
    private var phaseDeadline: NIODeadline?
    /// The one timer of this connection and when it fires. Phases change several
    /// times per request, and scheduling a timer each time cost a fifth of the
    /// server's `/health` throughput; so a phase change only reschedules when its
    /// deadline is earlier than the pending timer, and a timer that fires early
    /// looks at the phase then in force and sleeps on until that phase's deadline.
    private var timer: Scheduled<Void>?
    private var timerFiresAt: NIODeadline?
    private var context: ChannelHandlerContext?

    init(limits: ConnectionLimits, counter: ConnectionCounter, logger: Logger) {
        self.limits = limits
        self.counter = counter
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { activate(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
        release()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimer()
        release()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if phase == .idle { enter(.readingHead) }
        context.fireChannelRead(data)
    }

    private func activate(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        let open = counter.open.add(1, ordering: .relaxed).newValue
        if open > limits.maxConnections {
            logger.notice("closing a connection: \(open) open, the limit is \(limits.maxConnections)")
            context.close(promise: nil)
            return
        }
        enter(.idle)
    }

    private func release() {
        guard counted else { return }
        counted = false
        counter.open.subtract(1, ordering: .relaxed)
    }

    private func limitSeconds(_ phase: Phase) -> Int? {
        switch phase {
        case .idle: return limits.idleTimeoutSeconds
        case .readingHead: return limits.headerTimeoutSeconds
        case .readingBody: return limits.bodyTimeoutSeconds
        case .answering: return nil
        }
    }

    /// Moves to `next` and starts its clock.
    func enter(_ next: Phase) {
        phase = next
        phaseDeadline = limitSeconds(next).map { NIODeadline.now() + .seconds(Int64($0)) }
        if let deadline = phaseDeadline, timerFiresAt.map({ deadline < $0 }) ?? true { schedule(at: deadline) }
    }

    private func schedule(at deadline: NIODeadline) {
        guard let context else { return }
        timer?.cancel()
        timerFiresAt = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerFiresAt = nil
            guard let deadline = phaseDeadline, let context = self.context else { return }
            if deadline <= NIODeadline.now() {
                logger.info(
                    "closing a connection: \(phase) took longer than \(limitSeconds(phase) ?? 0) s",
                    metadata: ["peer": "\(context.remoteAddress?.description ?? "-")"])
                context.close(promise: nil)
            } else {
                schedule(at: deadline)
            }
        }
    }

    private func stopTimer() {
        timer?.cancel()
        timer = nil
        timerFiresAt = nil
    }
}

/// Tells `ConnectionGuardHandler` where each request's head and body end and where
/// its response ends. Behind the HTTP decoder, so it sees parts, not bytes.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var guardHandler: ConnectionGuardHandler?
    /// A route may answer before it reads the body (a refusal): the body's clock
    /// then runs on until the body has arrived, and the connection is idle after.
    private var answered = false

    func handlerAdded(context: ChannelHandlerContext) {
        guardHandler = try? context.pipeline.syncOperations.handler(type: ConnectionGuardHandler.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            answered = false
            guardHandler?.enter(.readingBody)
        case .body:
            break
        case .end:
            guardHandler?.enter(answered ? .idle : .answering)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answered = true
            if guardHandler?.phase == .answering { guardHandler?.enter(.idle) }
        }
        context.write(data, promise: promise)
    }
}
