import Foundation
import Mustache

/// The console's templates and string tables, compiled into the binary
/// (`embedInCode` in Package.swift), read once.
enum ConsoleResources {
    /// Every template by name: each file of `Templates/` (a test keeps this list whole).
    static let templateFiles: [(name: String, bytes: [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("order", PackageResources.order_mustache),
        ("track", PackageResources.track_mustache), ("dashboard", PackageResources.dashboard_mustache),
        ("orders", PackageResources.orders_mustache), ("errors", PackageResources.errors_mustache),
        ("login", PackageResources.login_mustache), ("problem", PackageResources.problem_mustache),
        ("confirm", PackageResources.confirm_mustache), ("action", PackageResources.action_mustache),
        ("stock", PackageResources.stock_mustache), ("users", PackageResources.users_mustache),
        ("api_keys", PackageResources.api_keys_mustache), ("log_filters", PackageResources.log_filters_mustache),
        ("audit", PackageResources.audit_mustache), ("logins", PackageResources.logins_mustache),
        ("exceptions", PackageResources.exceptions_mustache), ("system", PackageResources.system_mustache),
        ("batch_confirm", PackageResources.batch_confirm_mustache),
        ("batch_result", PackageResources.batch_result_mustache),
        ("ship_import", PackageResources.ship_import_mustache),
        ("order_import", PackageResources.order_import_mustache),
        ("import_preview", PackageResources.import_preview_mustache),
        ("task", PackageResources.task_mustache),
        ("edit_order", PackageResources.edit_order_mustache),
        ("new_order", PackageResources.new_order_mustache),
        ("customer", PackageResources.customer_mustache),
        ("products", PackageResources.products_mustache), ("product", PackageResources.product_mustache),
        ("product_fields", PackageResources.product_fields_mustache),
        ("sku_link", PackageResources.sku_link_mustache),
        ("change_address", PackageResources.change_address_mustache),
        ("refund_form", PackageResources.refund_form_mustache), ("refunds", PackageResources.refunds_mustache),
        ("refund", PackageResources.refund_mustache),
    ]

    static let stylesheet = String(decoding: PackageResources.console_css, as: UTF8.self)
    static let english = StringTable(parsing: String(decoding: PackageResources.en_strings, as: UTF8.self))
    static let chinese = StringTable(parsing: String(decoding: PackageResources.zh_CN_strings, as: UTF8.self))

    /// Templates whose text does not parse stop the server at start, loudly: a
    /// test renders each, so none reaches a release.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for file in templateFiles {
            do {
                try library.register(String(decoding: file.bytes, as: UTF8.self), named: file.name)
            } catch {
                fatalError("console template \(file.name) does not parse: \(error)")
            }
        }
        return library
    }()

    static func render(_ template: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: template) ?? ""
    }
}
