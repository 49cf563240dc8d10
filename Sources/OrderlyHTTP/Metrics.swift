import Prometheus

/// The process's Prometheus registry. `orderly serve` also bootstraps swift-metrics
/// with it, so library metrics (HTTP requests and their durations) land here too.
public enum Metrics {
    public static let registry = PrometheusCollectorRegistry()

    static let ordersPlaced = registry.makeCounter(name: "orderly_orders_placed_total", help: "Orders accepted by intake")
    static let ordersRefusedForStock = registry.makeCounter(
        name: "orderly_orders_refused_insufficient_stock_total", help: "Orders refused because stock ran short")
    static let orderCommands = registry.makeCounter(
        name: "orderly_order_commands_total", help: "Order commands applied (pay, ship, cancel…)")

    static func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
