import Prometheus

/// The process's Prometheus registry. `orderly serve` also bootstraps swift-metrics
/// with it, so library metrics (HTTP requests and their durations) land here too.
public enum Metrics {
    public static let registry = PrometheusCollectorRegistry()

    static let ordersPlaced = counter("orders_placed", "Orders accepted by intake")
    static let ordersRefusedForStock = counter(
        "orders_refused_insufficient_stock", "Orders refused because stock ran short")
    static let orderCommands = counter("order_commands", "Order commands applied (pay, ship, cancel…)")

    private static func counter(_ name: String, _ help: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "orderly", metricName: name, unitName: "total", helpText: help))
    }

    static func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
