import Logging
import OrderlyServices
import ServiceLifecycle

/// Expires unpaid orders past their deadline and completes long-delivered ones, every
/// few seconds. Several servers may run it against one database: each order is
/// changed by exactly one of them (the version guard decides).
struct Sweeper: Service {
    let orders: OrderService
    let intervalSeconds: Int
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let expired = try await orders.expireOverdue()
                    let completed = try await orders.completeDelivered()
                    if expired + completed > 0 {
                        logger.info(
                            "sweeper: expired \(expired) unpaid orders, completed \(completed) delivered orders")
                    }
                } catch {
                    logger.error("sweeper failed: \(error)")
                }
                do { try await Task.sleep(for: .seconds(intervalSeconds)) } catch { return }
            }
        }
    }
}
