import Foundation
import HTTPTypes
import Hummingbird
import OrderlyCore
import OrderlyServices

/// The product catalogue (商品档案): a list to search, a form to add a product, and
/// each product's page with its stock by warehouse, where it is edited, disabled
/// (停用: no longer sold, so new orders refuse it) or enabled again.
struct ConsoleProductRoutes: Sendable {
    let dependencies: AppDependencies

    /// The product's own fields as the forms name them.
    static let fields = ["name", "category", "brand", "price", "weight_grams"]

    func register(on router: Router<OrderlyRequestContext>) {
        router.get("/console/products", use: list)
        router.post("/console/products", use: create)
        router.get("/console/products/:sku", use: show)
        router.post("/console/products/:sku", use: change)
    }

    func page(_ request: Request, _ context: OrderlyRequestContext) -> ConsolePage {
        ConsolePage(request, context, settings: dependencies.console)
    }

    // MARK: - The list and a new product

    @Sendable func list(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderList(request, context, query: try FormData(request.uri.query ?? ""), form: nil, messages: [])
    }

    /// The list filtered by `q` (a SKU's start or part of a name), `state` (`on_sale`,
    /// `disabled`) and `cursor`, and the new product form filled with `form` after a
    /// mistake.
    private func renderList(
        _ request: Request, _ context: OrderlyRequestContext, query: FormData, form: FormData?, messages: [String],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        var messages = messages
        let givenMessages = messages.count
        var filter = ProductFilter(limit: 50)
        let text = (query["q"] ?? "").trimmed
        if text.scalarCount > ProductFilter.maxTextLength {
            messages.append(page.text("products.text_too_long", ["max": String(ProductFilter.maxTextLength)]))
        } else if !text.isEmpty {
            filter.text = text
        }
        let state = query["state"] ?? ""
        switch state {
        case "": break
        case "on_sale": filter.disabled = false
        case "disabled": filter.disabled = true
        default: messages.append(page.text("products.unknown_state"))
        }
        if let raw = query["cursor"] {
            if let parts = try? Cursor.decode(raw, parts: 1), let sku = SKU(parts[0]) {
                filter.after = sku
            } else {
                messages.append(page.text("products.bad_cursor"))
            }
        }
        let filterFailed = messages.count > givenMessages
        let products =
            filterFailed ? Page(items: [], hasMore: false) : try await dependencies.catalogue.listProducts(filter)
        var filterQuery: [String] = []
        if let text = filter.text { filterQuery.append("q=\(urlEncoded(text))") }
        if filter.disabled != nil { filterQuery.append("state=\(state)") }
        var values: [String: Any] = [
            "messages": messages, "text": text, "mayWrite": page.may(.updateProduct),
            "states": [("", "products.any_state"), ("on_sale", "products.on_sale"), ("disabled", "products.disabled")]
                .map { code, key -> [String: Any] in
                    ["code": code, "label": page.text(key), "selected": code == state]
                },
            "hasProducts": !products.items.isEmpty,
            "products": products.items.map { product -> [String: Any] in
                [
                    "sku": product.sku.value, "href": "/console/products/\(urlEncoded(product.sku.value))",
                    "name": product.name, "category": product.category, "brand": product.brand,
                    "price": display(product.price), "weight": grouped(product.weightGrams),
                    "disabled": product.disabled,
                ]
            },
            "form": Self.formValues(form),
        ]
        if products.hasMore, let last = products.items.last {
            values["next"] =
                "/console/products?"
                + (filterQuery + ["cursor=\(Cursor.encode([last.sku.value]))"])
                .joined(separator: "&")
        }
        return htmlResponse(
            page.render(template: "products", title: page.text("products.title"), values),
            status: filterFailed ? .unprocessableContent : status)
    }

    @Sendable func create(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = page(request, context)
        do {
            let skuText = (form["sku"] ?? "").trimmed
            var errors = FieldErrors()
            let sku = SKU(skuText)
            if sku == nil { errors.add("sku", "is not a valid SKU", code: "invalid_sku") }
            let edit = Self.edit(form, currency: dependencies.orders.policy.currency, into: &errors)
            try errors.throwIfAny()
            let blank = Product(
                sku: sku!, name: "", category: "", brand: "", price: Money(0, dependencies.orders.policy.currency),
                weightGrams: 0)
            let created = try await dependencies.catalogue.createProduct(
                edit.applied(to: blank), actor: try context.actor())
            return ConsoleNotice.redirect(
                "/console/products/\(urlEncoded(created.sku.value))",
                page.text("products.created", ["sku": created.sku.value, "name": created.name]),
                secure: dependencies.cookiesSecure(request))
        } catch {
            guard let problem = Problem.from(error) else { throw error }
            return try await renderList(
                request, context, query: try FormData(""), form: form, messages: page.messages(for: problem),
                status: problem.status)
        }
    }

    /// The form's fields as an edit; each that cannot be read is an error, and so is
    /// each left empty (on the edit form, emptying a field is a mistake, not "leave it
    /// as it was").
    static func edit(_ form: FormData, currency: Currency, into errors: inout FieldErrors) -> ProductEdit {
        func text(_ name: String) -> String? {
            let value = (form[name] ?? "").trimmed
            return value.isEmpty ? nil : value
        }
        var edit = ProductEdit(name: text("name"), category: text("category"), brand: text("brand"))
        if let price = text("price") {
            if let minor = ConsoleRoutes.minorUnits(price) {
                edit.price = Money(minor, currency)
            } else {
                errors.add("price", "must be an amount in yuan such as 128.50", code: "amount_in_yuan")
            }
        }
        if let weight = text("weight_grams") {
            if let grams = Int(weight) {
                edit.weightGrams = grams
            } else {
                errors.add("weight_grams", "must be a whole number", code: "whole_number")
            }
        }
        for field in fields where text(field) == nil { errors.add(field, "is required", code: "required") }
        return edit
    }

    static func formValues(_ form: FormData?) -> [String: String] {
        (["sku"] + fields).reduce(into: [:]) { $0[$1] = form?[$1] ?? "" }
    }

    // MARK: - One product

    @Sendable func show(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        try await renderProduct(request, context, sku: try sku(context), form: nil, messages: [])
    }

    private func sku(_ context: OrderlyRequestContext) throws -> SKU {
        let raw = try context.parameters.require("sku")
        guard let sku = SKU(raw) else { throw NotFound("product", raw) }
        return sku
    }

    /// The product's page: its fields (a form for those who may change them, filled
    /// with `form` after a mistake), its state, its stock in each warehouse.
    private func renderProduct(
        _ request: Request, _ context: OrderlyRequestContext, sku: SKU, form: FormData?, messages: [String],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = page(request, context)
        let product = try await dependencies.catalogue.product(sku)
        var stock: [[String: Any]] = []
        if page.may(.stockRead) {
            let warehouses = try await dependencies.catalogue.warehouses()
            let names = Dictionary(uniqueKeysWithValues: warehouses.map { ($0.code, $0.name) })
            let levels = try await dependencies.catalogue.stockLevels(
                StockFilter(sku: sku, limit: 100), for: try context.actor().principal)
            stock = levels.items.map { level -> [String: Any] in
                [
                    "warehouse": page.warehouse(level.warehouse.value, named: names[level.warehouse]),
                    "onHand": grouped(level.onHand), "reserved": grouped(level.reserved),
                    "available": grouped(level.available),
                    "href": "/console/stock?q=\(urlEncoded(sku.value))&warehouse=\(urlEncoded(level.warehouse.value))",
                ]
            }
        }
        var shown: [String: String] = [
            "name": product.name, "category": product.category, "brand": product.brand,
            "price": ConsoleRoutes.yuan(product.price.amount), "weight_grams": String(product.weightGrams),
        ]
        if let form { for field in Self.fields { shown[field] = form[field] ?? "" } }
        let values: [String: Any] = [
            "messages": messages, "sku": sku.value, "disabled": product.disabled,
            "name": product.name, "category": product.category, "brand": product.brand,
            "price": display(product.price), "weight": grouped(product.weightGrams),
            "mayWrite": page.may(.updateProduct), "form": shown,
            "mayStock": page.may(.stockRead), "hasStock": !stock.isEmpty, "stock": stock,
            "ordersHref": page.may(.ordersRead) ? "/console/orders?q=\(urlEncoded(sku.value))" : false,
        ]
        return htmlResponse(
            page.render(
                template: "product", title: page.text("products.product_title", ["sku": sku.value]), values),
            status: status)
    }

    /// Saves the form (`action=save`), or disables or enables the product.
    @Sendable func change(_ request: Request, context: OrderlyRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(upTo: context.maxUploadSize)
        let page = page(request, context)
        let sku = try sku(context)
        let action = form["action"] ?? ""
        do {
            var errors = FieldErrors()
            var edit: ProductEdit
            switch action {
            case "save": edit = Self.edit(form, currency: dependencies.orders.policy.currency, into: &errors)
            case "disable": edit = ProductEdit(disabled: true)
            case "enable": edit = ProductEdit(disabled: false)
            default:
                errors.add("action", "must be save, disable or enable", code: "not_a_choice")
                edit = ProductEdit()
            }
            try errors.throwIfAny()
            let changed = try await dependencies.catalogue.editProduct(sku, edit, actor: try context.actor()).changed
            let notice: String
            switch action {
            case "disable": notice = page.text("products.disabled_notice", ["sku": sku.value])
            case "enable": notice = page.text("products.enabled_notice", ["sku": sku.value])
            default:
                notice = page.text(changed ? "products.saved" : "products.unchanged", ["sku": sku.value])
            }
            return ConsoleNotice.redirect(
                "/console/products/\(urlEncoded(sku.value))", notice, secure: dependencies.cookiesSecure(request))
        } catch {
            guard let problem = Problem.from(error), !(error is NotFound) else { throw error }
            return try await renderProduct(
                request, context, sku: sku, form: action == "save" ? form : nil,
                messages: page.messages(for: problem), status: problem.status)
        }
    }
}

/// The product's page, where a SKU appears on another page (`sku_link.mustache`),
/// for operators who may read the catalogue; false, so no link, for the rest.
func productHref(_ sku: SKU, _ page: ConsolePage) -> Any {
    page.may(.getProduct) ? "/console/products/\(urlEncoded(sku.value))" : false
}
