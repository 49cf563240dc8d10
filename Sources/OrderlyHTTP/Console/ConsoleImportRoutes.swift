import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// Orders from a file (CSV or XLSX, one row per order line, the rows of an order
/// sharing its external order number): uploaded, previewed with each row's
/// mistakes, then imported as a task with progress. Each order is its own command
/// under an idempotency key made of its channel and external number, in one scope
/// for everyone, kept for good: importing the same file again, by anyone, creates
/// nothing new; the same number with other content is refused, not imported twice.
struct ConsoleImportRoutes: Sendable {
    let dependencies: AppDependencies

    /// At most this many order lines (rows) in one file.
    static let maxRows = 20_000
    /// Orders placed at once while importing (placement commits in groups).
    static let concurrency = 4
    /// Ready orders and mistakes listed in the preview; the rest are counted.
    static let previewOrders = 100
    static let previewProblems = 300
    static let defaultChannel = "marketplace"

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/orders/import", use: form)
        router.get("/console/orders/import/template", use: template)
        router.post("/console/orders/import", use: upload)
        router.get("/console/tasks/{id}", use: task)
        router.get("/console/tasks/{id}/download", use: download)
    }

    func page(_ request: Request, _ context: OrderlyRequestContext) -> ConsolePage {
        ConsolePage(request, context, settings: dependencies.console)
    }

    // MARK: - The form and its template file

    @Sendable func form(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        renderForm(page(request, context), channel: Self.defaultChannel, method: "alipay", messages: [], status: .ok)
    }

    private func renderForm(
        _ page: ConsolePage, channel: String, method: String, messages: [String], status: HTTPResponse.Status
    ) -> Response {
        let values: [String: Any] = [
            "messages": messages,
            "channels": ConsolePage.options(ConsoleRoutes.channels, selected: channel, word: page.language.channel),
            "methods": ConsolePage.options(
                ConsoleRoutes.paymentMethods, selected: method, word: page.language.paymentMethod),
            "columns": OrderImportColumn.allCases.map { column -> [String: Any] in
                [
                    "name": page.text("import.column_\(column.rawValue)"),
                    "required": OrderImportColumn.required.contains(column),
                ]
            },
            "templates": [SpreadsheetFormat.xlsx, .csv].map { format -> [String: Any] in
                [
                    "href": "/console/orders/import/template?format=\(format.rawValue)",
                    "label": page.text("export.format_\(format.rawValue)"),
                ]
            },
        ]
        return htmlResponse(
            page.render(template: "order_import", title: page.text("import.title"), values), status: status)
    }

    /// A file with the header in the page's language and one order of two lines.
    @Sendable func template(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let format = try ConsoleExportRoutes.format(request)
        let exports = ConsoleExportRoutes(dependencies: dependencies)
        let sample: [OrderImportColumn: String] = [
            .externalNumber: "TB20261201001", .channel: page.language.channel("marketplace"),
            .customerName: page.text("import.sample_name"), .customerPhone: "13800138000",
            .recipient: page.text("import.sample_name"), .recipientPhone: "13800138000",
            .province: page.text("import.sample_province"), .city: page.text("import.sample_city"),
            .district: page.text("import.sample_district"), .street: page.text("import.sample_street"),
            .paymentMethod: page.language.paymentMethod("alipay"), .quantity: "1",
        ]
        let skus = try await dependencies.catalogue.listProducts(ProductFilter(disabled: false, limit: 2)).items.map(
            \.sku.value)
        let file = try await exports.write(
            format, sheet: page.text("import.sheet"),
            header: OrderImportColumn.allCases.map { page.text("import.column_\($0.rawValue)") }
        ) { writer in
            for (index, sku) in (skus.isEmpty ? ["SKU-1"] : skus).enumerated() {
                var row = sample
                row[.sku] = sku
                if index > 0 { row[.quantity] = "2" }
                try writer.append(OrderImportColumn.allCases.map { .text(row[$0] ?? "") })
            }
            return skus.count
        }
        return try ConsoleExportRoutes.download(
            file.path, format: format, ascii: "order-import-template",
            name: "\(page.text("import.template_filename")).\(format.rawValue)")
    }

    // MARK: - Reading a file

    /// Header cells in any language (or the column's code) onto columns.
    static let vocabulary = OrderImportSheet.Vocabulary(
        column: { header in
            let wanted = comparable(header)
            return OrderImportColumn.allCases.first { column in
                comparable(column.rawValue) == wanted
                    || Language.allCases.contains { language in
                        let names = language.strings.text("import.column_\(column.rawValue)")
                        let aliases = language.strings.entries["import.aliases_\(column.rawValue)"] ?? ""
                        return ([names] + aliases.split(separator: "|").map(String.init)).contains {
                            comparable($0) == wanted
                        }
                    }
            }
        },
        paymentMethod: { text in
            OrderPolicy.paymentMethods.first { code in
                code.caseInsensitiveCompare(text) == .orderedSame
                    || Language.allCases.contains { $0.paymentMethod(code) == text }
            }
        },
        channel: { text in
            ConsoleRoutes.channels.first { code in
                code.caseInsensitiveCompare(text) == .orderedSame
                    || Language.allCases.contains { $0.channel(code) == text }
            }
        })

    /// A header as compared: no case, spaces, underscores or a trailing `*` (required mark).
    static func comparable(_ text: String) -> String {
        text.lowercased().filter { !$0.isWhitespace && !"_*＊（）()".contains($0) }
    }

    /// The file read into orders, each line's SKU looked up in the catalogue (an
    /// unknown SKU or a disabled product is a problem of its row; a SKU in another
    /// case finds its product), and the products found, for pricing.
    func read(_ rows: [[String]], channel: String, method: String) async throws -> (
        sheet: OrderImportSheet, products: [SKU: Product]
    ) {
        var sheet = OrderImportSheet(
            rows: rows, vocabulary: Self.vocabulary, defaultChannel: channel, defaultPaymentMethod: method,
            policy: dependencies.orders.policy)
        let typed = Set(sheet.orders.flatMap { $0.draft.lines.map(\.sku) })
        let known = try await dependencies.catalogue.products(typedInAnyCase: Array(typed))
        for index in sheet.orders.indices {
            var order = sheet.orders[index]
            for (line, requested) in order.draft.lines.enumerated() {
                guard SKU(requested.sku) != nil else { continue }  // reported already
                let product = known[requested.sku]
                if let product, !product.disabled {
                    order.draft.lines[line].sku = product.sku.value
                    continue
                }
                let error =
                    product == nil
                    ? FieldError(
                        path: "sku", message: "unknown SKU", code: "unknown_sku", values: ["sku": requested.sku])
                    : FieldError(
                        path: "sku", message: "disabled product", code: "product_disabled",
                        values: ["sku": requested.sku])
                order.problems.append(ImportedOrder.Problem(rows: [order.rows[line]], column: .sku, error: error))
            }
            sheet.orders[index] = order
        }
        return (sheet, Dictionary(known.values.map { ($0.sku, $0) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The goods total of a ready order, from the products the file's check found.
    private static func goodsTotal(_ order: ImportedOrder, _ products: [SKU: Product]) -> Money? {
        guard let lines = try? RequestedLine.price(order.draft.lines, catalogue: products), let first = lines.first
        else { return nil }
        return lines.dropFirst().reduce(first.total) { $0 + $1.total }
    }

    // MARK: - Preview and import

    @Sendable func upload(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = page(request, context)
        let channel = ConsoleRoutes.channels.contains(form["channel"] ?? "") ? form["channel"]! : Self.defaultChannel
        let method =
            OrderPolicy.paymentMethods.contains(form["payment_method"] ?? "") ? form["payment_method"]! : "alipay"
        func refuse(_ message: String) -> Response {
            renderForm(page, channel: channel, method: method, messages: [message], status: .unprocessableContent)
        }
        // The confirmation names the file kept at the preview.
        if form["confirm"] == "yes" {
            guard let upload = Self.upload(named: form["upload"] ?? "", in: dependencies.tasks),
                FileManager.default.fileExists(atPath: upload.path)
            else { return refuse(page.text("import.upload_gone")) }
            let name = (form["filename"] ?? "").trimmed.prefix(scalars: 200)
            let bytes = try Data(contentsOf: upload)
            let rows = try dependencies.spreadsheets.rows(of: [UInt8](bytes), filename: upload.lastPathComponent)
            let sheet = try await read(rows, channel: channel, method: method).sheet
            let id = await start(sheet, file: name, upload: upload, page, try context.actor())
            return Response(status: .seeOther, headers: [.location: "/console/tasks/\(id)"])
        }
        guard let file = form.file("file"), !file.bytes.isEmpty else { return refuse(page.text("import.no_file")) }
        let rows: [[String]]
        do { rows = try dependencies.spreadsheets.rows(of: file.bytes, filename: file.filename) } catch {
            return refuse(page.unreadableFile(error, name: file.filename))
        }
        guard rows.count <= Self.maxRows + 1 else {
            return refuse(page.text("import.too_many_rows", ["max": String(Self.maxRows)]))
        }
        let (sheet, products) = try await read(rows, channel: channel, method: method)
        guard sheet.missingColumns.isEmpty else {
            return refuse(
                page.text(
                    "import.missing_columns",
                    [
                        "columns": sheet.missingColumns.map { page.text("import.column_\($0.rawValue)") }
                            .joined(separator: page.language == .zh ? "、" : ", ")
                    ]))
        }
        guard !sheet.orders.isEmpty else { return refuse(page.text("import.no_orders")) }
        // Kept until the confirmation (or an hour), under a name no one can guess.
        dependencies.tasks.removeOldFiles(now: Date())
        let kept = try dependencies.tasks.newFile(
            "uploads", extension: file.filename.lowercased().hasSuffix(".xlsx") ? "xlsx" : "csv")
        try Data(file.bytes).write(to: kept)
        return preview(
            sheet, products: products, upload: kept, filename: file.filename, channel: channel, method: method, page)
    }

    /// An upload's path from the name the preview gave it; nil for anything else.
    static func upload(named name: String, in tasks: ConsoleTasks) -> URL? {
        let parts = name.split(separator: ".")
        guard parts.count == 2, UUID(uuidString: String(parts[0])) != nil, ["csv", "xlsx"].contains(parts[1]) else {
            return nil
        }
        return tasks.directory.appendingPathComponent("uploads", isDirectory: true).appendingPathComponent(name)
    }

    private func problemText(_ problem: ImportedOrder.Problem, _ page: ConsolePage) -> String {
        let column = problem.column.map { page.text("import.column_\($0.rawValue)") }
        return page.message(for: problem.error, fieldName: column)
    }

    private func preview(
        _ sheet: OrderImportSheet, products: [SKU: Product], upload: URL, filename: String, channel: String,
        method: String, _ page: ConsolePage
    ) -> Response {
        let ready = sheet.orders.filter(\.isReady)
        let lineCount = sheet.orders.reduce(0) { $0 + $1.rows.count }
        var problems: [[String: Any]] = sheet.orders.flatMap { order in
            order.problems.map { problem -> [String: Any] in
                [
                    "rows": problem.rows.map(String.init).joined(separator: ", "), "number": order.externalNumber,
                    "column": problem.column.map { page.text("import.column_\($0.rawValue)") } ?? "",
                    "message": problemText(problem, page),
                ]
            }
        }
        if !sheet.rowsWithoutNumber.isEmpty {
            problems.insert(
                [
                    "rows": sheet.rowsWithoutNumber.map(String.init).joined(separator: ", "), "number": "",
                    "column": page.text("import.column_external_number"),
                    "message": page.text("import.row_without_number"),
                ], at: 0)
        }
        var shown: [[String: Any]] = []
        for order in ready.prefix(Self.previewOrders) {
            let total = Self.goodsTotal(order, products)
            shown.append([
                "number": order.externalNumber, "rows": order.rows.map(String.init).joined(separator: ", "),
                "recipient": order.draft.shippingAddress.recipient,
                "place": [
                    order.draft.shippingAddress.province, order.draft.shippingAddress.city,
                    order.draft.shippingAddress.district,
                ].joined(separator: " "),
                "items": order.draft.lines.map { "\($0.sku) × \($0.quantity)" }.joined(separator: "; "),
                "total": total.map(display) ?? "",
            ])
        }
        let values: [String: Any] = [
            "summary": page.text(
                "import.summary",
                [
                    "file": filename, "orders": String(sheet.orders.count), "rows": String(lineCount),
                    "ready": String(ready.count), "failed": String(sheet.orders.count - ready.count),
                ]),
            "unknownHeaders": sheet.unknownHeaders.isEmpty
                ? false
                : page.text(
                    "import.unknown_headers",
                    ["headers": sheet.unknownHeaders.joined(separator: page.language == .zh ? "、" : ", ")]),
            "problems": Array(problems.prefix(Self.previewProblems)), "hasProblems": !problems.isEmpty,
            "moreProblems": problems.count > Self.previewProblems
                ? page.text("import.more_problems", ["count": String(problems.count - Self.previewProblems)]) : false,
            "orders": shown,
            "more": ready.count > Self.previewOrders
                ? page.text("import.more", ["count": String(ready.count - Self.previewOrders)]) : false,
            "ready": !ready.isEmpty, "upload": upload.lastPathComponent, "filename": filename, "channel": channel,
            "method": method,
            "confirmLabel": page.text("import.confirm", ["count": String(ready.count)]),
        ]
        return htmlResponse(page.render(template: "import_preview", title: page.text("import.preview_title"), values))
    }

    /// The key an imported order is placed under: the same for everyone, for good.
    static func idempotency(_ order: ImportedOrder) -> Idempotency<Order> {
        Idempotency(
            scope: OrderService.importScope, key: "\(order.draft.channel):\(order.externalNumber)",
            fingerprint: hexEncoded(SHA256.hash(data: Data(order.draft.fingerprint.utf8)))
        ) { order in StoredResponse(status: 201, body: order.number.value) }
    }

    private func start(
        _ sheet: OrderImportSheet, file: String, upload: URL, _ page: ConsolePage, _ actor: Actor
    ) async -> String {
        let ready = sheet.orders.filter(\.isReady)
        let skipped = sheet.orders.count - ready.count
        let orders = dependencies.orders
        let access = dependencies.access
        return await dependencies.tasks.start(
            owner: actor.principal.id, kind: "order_import", total: ready.count, now: dependencies.clock.now()
        ) { progress in
            defer { try? FileManager.default.removeItem(at: upload) }
            var outcomes: [ConsoleBatchRoutes.Outcome] = []
            outcomes.reserveCapacity(ready.count)
            // A few orders at a time, so placements share commits; outcomes in file order.
            for start in stride(from: 0, to: ready.count, by: Self.concurrency * 8) {
                let chunk = Array(ready[start..<min(start + Self.concurrency * 8, ready.count)])
                let placed = await withTaskGroup(of: (Int, ConsoleBatchRoutes.Outcome).self) { group in
                    var results: [(Int, ConsoleBatchRoutes.Outcome)] = []
                    var next = 0
                    func add() {
                        let index = next
                        let order = chunk[index]
                        next += 1
                        group.addTask { (index, await Self.place(order, orders: orders, actor: actor, page)) }
                    }
                    while next < min(Self.concurrency, chunk.count) { add() }
                    while let result = await group.next() {
                        results.append(result)
                        if next < chunk.count { add() }
                    }
                    return results.sorted { $0.0 < $1.0 }.map(\.1)
                }
                outcomes += placed
                await progress.done(outcomes.count)
            }
            let created = outcomes.filter { $0.kind == "done" }.count
            let already = outcomes.filter { $0.kind == "already" }.count
            let failed = outcomes.count - created - already
            try? await access.recordImport(
                file: String(file), orders: sheet.orders.count, created: created, already: already,
                failed: failed + skipped, actor: actor)
            return ConsoleTaskResult(
                summary: page.text(
                    "import.result_summary",
                    [
                        "created": String(created), "already": String(already), "failed": String(failed),
                        "skipped": String(skipped),
                    ]),
                outcomes: outcomes)
        }
    }

    private static func place(
        _ imported: ImportedOrder, orders: OrderService, actor: Actor, _ page: ConsolePage
    ) async -> ConsoleBatchRoutes.Outcome {
        let number = imported.externalNumber
        do {
            switch try await orders.place(imported.draft, actor: actor, idempotency: idempotency(imported)) {
            case .applied(let order, _):
                return .init(
                    number: number, kind: "done", detail: page.language.orderStatus(order.status),
                    order: order.number.value)
            case .replayed(let stored):
                return .init(
                    number: number, kind: "already", detail: page.text("import.imported_before"), order: stored.body)
            }
        } catch is IdempotencyKeyReused {
            return .init(number: number, kind: "failed", detail: page.text("import.changed_since"))
        } catch {
            let message =
                Problem.from(error).map { page.messages(for: $0).joined(separator: " ") }
                ?? page.text("problem.generic")
            return .init(number: number, kind: "failed", detail: message)
        }
    }

    // MARK: - A task's page and file

    @Sendable func task(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = page(request, context)
        let id = context.parameters.get("id") ?? ""
        guard let task = await dependencies.tasks.task(id, owner: try context.actor().principal.id) else {
            throw NotFound("task", id)
        }
        var values: [String: Any] = [
            "running": !task.finished, "done": String(task.done),
            // Without a total the bar is indeterminate, and the text counts what is done.
            "bar": task.total.map { total in
                ["total": String(total), "done": String(task.done)] as [String: Any]
            } ?? false,
            "progress": task.total.map {
                page.text(
                    "task.progress",
                    ["done": grouped(task.done), "total": grouped($0)])
            } ?? page.text("task.progress_open", ["done": grouped(task.done)]),
            "failed": task.failure != nil, "summary": task.result?.summary ?? "",
            "download": task.result?.file != nil ? "/console/tasks/\(task.id)/download" : false,
            "downloadLabel": task.result?.file.map { page.text("task.download", ["name": $0.name]) } ?? "",
            "back": task.kind == "order_import" ? "/console/orders/import" : "/console/orders",
            "backLabel": page.text(task.kind == "order_import" ? "import.again" : "batch.back_to_list"),
        ]
        let outcomes = task.result?.outcomes ?? []
        values["hasRows"] = !outcomes.isEmpty
        // Failures first: they are what the operator has to do something about.
        values["rows"] = (outcomes.filter { $0.kind == "failed" } + outcomes.filter { $0.kind != "failed" }).map {
            outcome -> [String: Any] in
            [
                "number": outcome.number, "order": outcome.order ?? "",
                "href": outcome.order.map { "/console/orders/\($0)" } ?? false,
                "outcomeCode": outcome.kind == "failed" ? "failure" : "success",
                "outcome": page.text("batch.outcome_\(outcome.kind)"), "detail": outcome.detail,
            ]
        }
        let title = page.text(
            task.kind == "order_import"
                ? (task.finished ? "import.result_title" : "import.task_title") : "task.export_title")
        return htmlResponse(
            page.render(
                title, ConsoleResources.render("task", page.templateValues(values)),
                refreshSeconds: task.finished ? nil : 2))
    }

    @Sendable func download(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let task = await dependencies.tasks.task(id, owner: try context.actor().principal.id),
            let file = task.result?.file, FileManager.default.fileExists(atPath: file.path.path)
        else { throw NotFound("file", id) }
        return try ConsoleExportRoutes.download(
            file.path.path, format: file.format, ascii: file.ascii, name: file.name, removing: false)
    }
}
