import Foundation
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

    /// A background job's run: when it ran, how long it took, and whether it failed.
    public static func record(job: String, startedAt: Date, durationSeconds: Double, failed: Bool) {
        let labels = [("job", job)]
        registry.makeGauge(
            name: "orderly_job_last_run_timestamp_seconds", labels: labels, help: "When the job last ran here"
        ).set(startedAt.timeIntervalSince1970)
        registry.makeGauge(
            name: "orderly_job_last_duration_seconds", labels: labels, help: "How long the job's last run here took"
        ).set(durationSeconds)
        registry.makeCounter(name: "orderly_job_runs_total", labels: labels, help: "Runs of the job here").increment()
        if failed {
            registry.makeCounter(
                name: "orderly_job_failures_total", labels: labels, help: "Runs of the job here that failed"
            ).increment()
        }
    }

    static func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
