import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrderlyCore
import OrderlyServices

/// The order and stock lists as files: CSV or XLSX, with the list's filter, every
/// page of it. Rows are read a page at a time and written row by row to a file,
/// which is then sent in chunks, so memory stays flat however many rows match. A
/// list of up to `ConsoleSettings.directExportRows` orders downloads at once; a longer one is written by
/// a task whose page shows its progress and then offers the file. Phone numbers are
/// masked as on the page for roles that see them masked; every export is in the
/// audit log with its filter and row count.
struct ConsoleExportRoutes: Sendable {
    let dependencies: AppDependencies

    /// Orders read per query while exporting.
    static let pageSize = 500

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/orders/export", use: exportOrders)
        router.get("/console/stock/export", use: exportStock)
    }

    static func format(_ request: Request) throws -> SpreadsheetFormat {
        guard let format = SpreadsheetFormat(rawValue: request.uri.queryParameters.get("format") ?? "") else {
            throw ValidationFailure([
                FieldError(path: "format", message: "is csv or xlsx", code: "not_a_choice")
            ])
        }
        return format
    }

    /// Writes a header and what `rows` appends to a new file among the console's
    /// files; the file's path and the number of rows. The file is removed if anything fails.
    func write(
        _ format: SpreadsheetFormat, sheet: String, header: [String],
        rows: (any SpreadsheetWriter) async throws -> Int
    ) async throws -> (path: String, rows: Int) {
        let path = try dependencies.tasks.newFile("exports", extension: format.rawValue).path
        do {
            let writer = try dependencies.spreadsheets.writer(to: path, format: format, sheetName: sheet)
            try writer.append(header.map { .text($0) })
            let count = try await rows(writer)
            try writer.finish()
            return (path, count)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    @Sendable func exportStock(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let format = try Self.format(request)
        let query = try FormData(request.uri.query ?? "")
        let warehouses = try await dependencies.catalogue.warehouses()
        var messages: [String] = []
        var filter = ConsoleAdminRoutes.stockFilter(query, page, warehouses: warehouses, messages: &messages)
        guard messages.isEmpty else {
            return ConsoleNotice.redirect(
                "/console/stock", messages.joined(separator: " "), secure: dependencies.cookiesSecure(request))
        }
        let names = Dictionary(warehouses.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let low = dependencies.console.lowStockAvailable
        filter.limit = Self.pageSize
        let viewer = try context.actor().principal
        let file = try await write(
            format, sheet: page.text("stock.title"),
            header: ["sku", "product", "warehouse", "on_hand", "reserved", "available", "low"].map {
                page.text("export.stock_\($0)")
            }
        ) { writer in
            var count = 0
            while true {
                let levels = try await dependencies.catalogue.stockLevels(filter, for: viewer)
                let products = try await dependencies.catalogue.products(Array(Set(levels.items.map(\.sku))))
                for level in levels.items {
                    try writer.append(
                        Self.safe([
                            .text(level.sku.value), .text(products[level.sku]?.name ?? ""),
                            .text(names[level.warehouse] ?? level.warehouse.value), .number(Double(level.onHand)),
                            .number(Double(level.reserved)), .number(Double(level.available)),
                            .text(level.available <= low ? page.text("stock.low") : ""),
                        ]))
                }
                count += levels.items.count
                guard levels.hasMore, let last = levels.items.last else { return count }
                filter.after = (last.sku, last.warehouse)
            }
        }
        try await dependencies.access.recordExport(
            of: "stock", format: format.rawValue,
            filter: Dictionary(uniqueKeysWithValues: ConsoleAdminRoutes.parameters(of: filter)), rows: file.rows,
            actor: try context.actor())
        return try Self.download(
            file.path, format: format, ascii: "stock",
            name: "\(page.text("export.stock_filename"))-\(day(page)).\(format.rawValue)")
    }

    @Sendable func exportOrders(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        let page = ConsolePage(request, context, settings: dependencies.console)
        let format = try Self.format(request)
        var filter = try ConsoleRoutes.orderFilter(
            request, page, settings: dependencies.console, now: dependencies.clock.now())
        guard filter.messages.isEmpty else {
            return ConsoleNotice.redirect(
                "/console/orders?\(filter.linkQuery.dropFirst())", filter.messages.joined(separator: " "),
                secure: dependencies.cookiesSecure(request))
        }
        let phonesInFull = page.principal?.role?.seesFullPhoneNumbers == true
        let warehouses = Dictionary(
            try await dependencies.catalogue.warehouses().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        filter.query.limit = Self.pageSize
        filter.query.after = nil
        let actor = try context.actor()
        let name = "\(page.text("export.filename"))-\(day(page)).\(format.rawValue)"
        let parameters = Dictionary(uniqueKeysWithValues: filter.parameters)
        let query = filter.query
        let dependencies = dependencies
        // Writes the file, reporting each page written; records the export.
        @Sendable func export(_ progress: ConsoleTaskProgress?) async throws -> (path: String, rows: Int) {
            var query = query
            let file = try await write(
                format, sheet: page.text("export.sheet"), header: Self.columns.map { page.text("export.\($0)") }
            ) { writer in
                var count = 0
                while true {
                    let result = try await dependencies.orders.search(query, for: actor.principal)
                    for order in result.items {
                        try writer.append(
                            Self.row(order, page, phonesInFull: phonesInFull, warehouse: warehouses[order.warehouse]))
                    }
                    count += result.items.count
                    await progress?.done(count)
                    guard result.hasMore, let last = result.items.last else { return count }
                    query.after = OrderCursor(createdAt: last.createdAt, number: last.number)
                }
            }
            try await dependencies.access.recordExport(
                of: "orders", format: format.rawValue, filter: parameters, rows: file.rows, actor: actor)
            return file
        }
        // A search by name is not counted: it is exported by a task, its total unknown.
        let count = try await dependencies.orders.count(query, for: actor.principal, upTo: ConsoleRoutes.countCap)
        guard (count ?? .max) > dependencies.console.directExportRows else {
            let file = try await export(nil)
            return try Self.download(file.path, format: format, ascii: "orders", name: name)
        }
        let id = await dependencies.tasks.start(
            owner: actor.principal.id, kind: "export",
            total: count.flatMap { $0 > ConsoleRoutes.countCap ? nil : $0 },
            now: dependencies.clock.now()
        ) { progress in
            let file = try await export(progress)
            return ConsoleTaskResult(
                summary: page.text("task.export_done", ["rows": grouped(file.rows)]),
                file: .init(path: URL(fileURLWithPath: file.path), format: format, ascii: "orders", name: name))
        }
        return Response(status: .seeOther, headers: [.location: "/console/tasks/\(id)"])
    }

    /// Today in the shop's time zone, as file names carry it.
    func day(_ page: ConsolePage) -> String {
        String(page.time(dependencies.clock.now()).prefix(10))
    }

    /// A list's export links, one per format: `path` with the list's filter as a
    /// query (`&name=value…`, already encoded).
    static func links(_ path: String, query: String, _ page: ConsolePage) -> [[String: Any]] {
        [SpreadsheetFormat.xlsx, .csv].map { format in
            [
                "href": "\(path)?format=\(format.rawValue)\(query)",
                "label": page.text("export.format_\(format.rawValue)"),
            ]
        }
    }

    static let columns = [
        "number", "placed", "channel", "status", "payment_status", "customer_id", "recipient", "phone", "province",
        "city", "district", "street", "items", "quantity", "total", "currency", "note", "staff_note", "flag",
        "warehouse", "carrier", "tracking_number",
    ]

    static func row(_ order: Order, _ page: ConsolePage, phonesInFull: Bool, warehouse: String?) -> [SpreadsheetCell] {
        let address = order.shippingAddress
        let cells: [SpreadsheetCell] = [
            .text(order.number.value), .text(page.time(order.createdAt)), .text(page.language.channel(order.channel)),
            .text(page.language.orderStatus(order.status)), .text(page.language.paymentStatus(order.paymentStatus)),
            .text(order.customer.id ?? ""), .text(address.recipient),
            .text(phonesInFull ? address.phone : PersonalData.maskedPhone(address.phone)), .text(address.province),
            .text(address.city), .text(address.district), .text(address.street),
            .text(order.lines.map { "\($0.sku.value) × \($0.quantity)" }.joined(separator: "; ")),
            .number(Double(order.lines.reduce(0) { $0 + $1.quantity })), .money(order.totals.grandTotal.amount),
            .text(order.totals.grandTotal.currency.code), .text(order.note ?? ""), .text(order.staffNote ?? ""),
            .text(order.flag.map { page.language.strings.word("flag", $0.rawValue) } ?? ""),
            .text(warehouse ?? order.warehouse.value),
            .text(order.shipment.map { page.language.carrier($0.carrier) } ?? ""),
            .text(order.shipment?.trackingNumber ?? ""),
        ]
        return safe(cells)
    }

    /// A cell that starts like a formula is text to a spreadsheet too (CSV injection).
    static func safe(_ cells: [SpreadsheetCell]) -> [SpreadsheetCell] {
        cells.map { cell in
            if case .text(let text) = cell, let first = text.first, "=+-@".contains(first),
                Double(text) == nil
            {
                return .text("'" + text)
            }
            return cell
        }
    }

    /// The file as an attachment, read and sent 64 KiB at a time, removed once sent
    /// unless it is a task's, which may be downloaded again.
    static func download(
        _ path: String, format: SpreadsheetFormat, ascii: String, name: String, removing: Bool = true
    ) throws -> Response {
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        var headers: HTTPFields = [:]
        headers[.contentType] = format.mediaType
        headers[.contentDisposition] =
            "attachment; filename=\"\(ascii).\(format.rawValue)\"; filename*=UTF-8''\(urlEncoded(name))"
        headers[.cacheControl] = "no-store"
        let body = ResponseBody(contentLength: size) { writer in
            defer {
                try? handle.close()
                if removing { try? FileManager.default.removeItem(atPath: path) }
            }
            while let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
