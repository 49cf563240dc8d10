import Foundation
import OrderlyServices

/// Work an operator starts from the console that takes longer than a page should
/// wait (an order file of thousands of rows, an export of a whole year): it runs in
/// the server while a page shows its progress, then its outcome or file.
///
/// Tasks live in this server process: a restart forgets them (and stops a running
/// one), and behind several servers a task's page must reach the server that runs
/// it. What they do is safe to start again: an import's orders are keyed by their
/// external numbers, an export is only a file.
public actor ConsoleTasks {
    /// Where exports are written and uploaded files wait between preview and import.
    public nonisolated let directory: URL
    private var tasks: [String: ConsoleTask] = [:]
    /// Finished tasks (and their files) are forgotten after this long.
    static let keepSeconds: TimeInterval = 3600

    public init(directory: URL) {
        self.directory = directory
    }

    /// A new file's path under the directory (the directory made if need be).
    nonisolated func newFile(_ kind: String, extension: String) throws -> URL {
        let folder = directory.appendingPathComponent(kind, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("\(UUID().uuidString.lowercased()).\(`extension`)")
    }

    /// Removes exports and uploads older than a task is kept (left by a restart, or
    /// checked and never imported).
    nonisolated func removeOldFiles(now: Date) {
        for kind in ["exports", "uploads"] {
            let folder = directory.appendingPathComponent(kind, isDirectory: true)
            let files =
                (try? FileManager.default.contentsOfDirectory(
                    at: folder, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
            for file in files {
                let values = try? file.resourceValues(forKeys: [.contentModificationDateKey])
                if let modified = values?.contentModificationDate, now.timeIntervalSince(modified) > Self.keepSeconds {
                    try? FileManager.default.removeItem(at: file)
                }
            }
        }
    }

    /// Starts `work` and returns the task's id at once. `work` reports progress
    /// through the handle it is given.
    func start(
        owner: String, kind: String, total: Int?, now: Date,
        work: @escaping @Sendable (ConsoleTaskProgress) async throws -> ConsoleTaskResult
    ) -> String {
        forgetOld(now: now)
        // Files are dated by the file system's clock, so they are aged by it too.
        removeOldFiles(now: Date())
        let id = UUID().uuidString.lowercased()
        tasks[id] = ConsoleTask(id: id, kind: kind, owner: owner, startedAt: now, done: 0, total: total)
        let progress = ConsoleTaskProgress(tasks: self, id: id)
        Task {
            do {
                let result = try await work(progress)
                self.finish(id, result: result, failure: nil)
            } catch {
                self.finish(id, result: nil, failure: String(describing: error))
            }
        }
        return id
    }

    /// The task, to its owner only: another operator's task is as good as absent.
    func task(_ id: String, owner: String) -> ConsoleTask? {
        guard let task = tasks[id], task.owner == owner else { return nil }
        return task
    }

    fileprivate func advance(_ id: String, done: Int) { tasks[id]?.done = done }

    private func finish(_ id: String, result: ConsoleTaskResult?, failure: String?) {
        tasks[id]?.result = result
        tasks[id]?.failure = failure
        tasks[id]?.finished = true
        if let total = tasks[id]?.total ?? nil, failure == nil { tasks[id]?.done = total }
    }

    private func forgetOld(now: Date) {
        for (id, task) in tasks where task.finished && now.timeIntervalSince(task.startedAt) > Self.keepSeconds {
            if let file = task.result?.file { try? FileManager.default.removeItem(at: file.path) }
            tasks[id] = nil
        }
    }
}

/// A running task's handle for saying how far it is.
struct ConsoleTaskProgress: Sendable {
    let tasks: ConsoleTasks
    let id: String

    func done(_ count: Int) async { await tasks.advance(id, done: count) }
}

struct ConsoleTask: Sendable {
    var id: String
    /// `order_import` or `export`.
    var kind: String
    /// The principal who started it.
    var owner: String
    var startedAt: Date
    var done: Int
    /// How many there are to do, when known beforehand.
    var total: Int?
    var finished = false
    var result: ConsoleTaskResult?
    /// Why it stopped, for the log; the page says so in its own words.
    var failure: String?

    init(id: String, kind: String, owner: String, startedAt: Date, done: Int, total: Int?) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.startedAt = startedAt
        self.done = done
        self.total = total
    }
}

/// What a finished task leaves: a summary, a row per item, and a file to download.
struct ConsoleTaskResult: Sendable {
    var summary: String
    var outcomes: [ConsoleBatchRoutes.Outcome] = []
    var file: File?

    struct File: Sendable {
        var path: URL
        var format: SpreadsheetFormat
        /// The file's name in ASCII, for clients that do not read `filename*`.
        var ascii: String
        var name: String
    }
}
