/// A versioned schema change. Versions only ever grow; an applied migration is never
/// edited, a new one is added instead.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: [String]
}

/// The schema, in SQL both SQLite and PostgreSQL accept. Integers are BIGINT (SQLite
/// stores them the same way), times are Unix milliseconds, JSON is TEXT. The CHECK
/// constraints are the last line of defence for invariants the code already keeps.
enum Schema {
    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "order lifecycle",
            statements: [
                """
                CREATE TABLE products (
                    sku TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    category TEXT NOT NULL,
                    brand TEXT NOT NULL,
                    price_amount BIGINT NOT NULL CHECK (price_amount >= 0),
                    currency TEXT NOT NULL,
                    weight_grams BIGINT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE warehouses (
                    code TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    province TEXT NOT NULL,
                    city TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE stock (
                    warehouse TEXT NOT NULL REFERENCES warehouses (code),
                    sku TEXT NOT NULL REFERENCES products (sku),
                    on_hand BIGINT NOT NULL CHECK (on_hand >= 0),
                    reserved BIGINT NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
                    PRIMARY KEY (warehouse, sku)
                )
                """,
                "CREATE INDEX stock_by_sku ON stock (sku, warehouse)",
                """
                CREATE TABLE stock_movements (
                    id TEXT PRIMARY KEY,
                    warehouse TEXT NOT NULL,
                    sku TEXT NOT NULL,
                    delta BIGINT NOT NULL,
                    reason TEXT NOT NULL,
                    reference TEXT,
                    at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX stock_movements_by_item ON stock_movements (warehouse, sku, at)",
                """
                CREATE TABLE orders (
                    number TEXT PRIMARY KEY,
                    channel TEXT NOT NULL,
                    customer_id TEXT,
                    customer_name TEXT NOT NULL,
                    customer_phone TEXT,
                    customer_email TEXT,
                    recipient TEXT NOT NULL,
                    recipient_phone TEXT NOT NULL,
                    province TEXT NOT NULL,
                    city TEXT NOT NULL,
                    district TEXT NOT NULL,
                    street TEXT NOT NULL,
                    postal_code TEXT,
                    status TEXT NOT NULL,
                    payment_status TEXT NOT NULL,
                    fulfillment_status TEXT NOT NULL,
                    payment_method TEXT NOT NULL,
                    note TEXT,
                    warehouse TEXT NOT NULL,
                    review_reasons TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    subtotal BIGINT NOT NULL,
                    shipping BIGINT NOT NULL,
                    discount BIGINT NOT NULL,
                    grand_total BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    payment_due_at BIGINT,
                    carrier TEXT,
                    tracking_number TEXT,
                    shipped_at BIGINT,
                    delivered_at BIGINT,
                    completed_at BIGINT,
                    cancelled_at BIGINT,
                    cancel_reason TEXT,
                    version BIGINT NOT NULL,
                    edit_count BIGINT NOT NULL
                )
                """,
                "CREATE INDEX orders_by_created ON orders (created_at, number)",
                "CREATE INDEX orders_by_status ON orders (status, created_at, number)",
                "CREATE INDEX orders_by_channel ON orders (channel, created_at, number)",
                "CREATE INDEX orders_by_recipient_phone ON orders (recipient_phone)",
                "CREATE INDEX orders_by_recipient ON orders (recipient)",
                "CREATE INDEX orders_awaiting_payment ON orders (payment_due_at) WHERE status = 'pending_payment'",
                "CREATE INDEX orders_delivered ON orders (delivered_at) WHERE status = 'delivered'",
                """
                CREATE TABLE order_lines (
                    order_number TEXT NOT NULL REFERENCES orders (number),
                    line_no BIGINT NOT NULL,
                    sku TEXT NOT NULL,
                    name TEXT NOT NULL,
                    quantity BIGINT NOT NULL CHECK (quantity > 0),
                    unit_price BIGINT NOT NULL,
                    PRIMARY KEY (order_number, line_no)
                )
                """,
                "CREATE INDEX order_lines_by_sku ON order_lines (sku)",
                """
                CREATE TABLE order_events (
                    order_number TEXT NOT NULL REFERENCES orders (number),
                    seq BIGINT NOT NULL,
                    type TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    actor TEXT NOT NULL,
                    details TEXT NOT NULL,
                    PRIMARY KEY (order_number, seq)
                )
                """,
                """
                CREATE TABLE reservations (
                    order_number TEXT NOT NULL REFERENCES orders (number),
                    warehouse TEXT NOT NULL,
                    sku TEXT NOT NULL,
                    quantity BIGINT NOT NULL CHECK (quantity >= 0),
                    status TEXT NOT NULL,
                    expires_at BIGINT,
                    PRIMARY KEY (order_number, warehouse, sku)
                )
                """,
                "CREATE INDEX reservations_active ON reservations (warehouse, sku) WHERE status = 'active'",
                """
                CREATE TABLE payments (
                    id TEXT PRIMARY KEY,
                    order_number TEXT NOT NULL REFERENCES orders (number),
                    method TEXT NOT NULL,
                    amount BIGINT NOT NULL,
                    currency TEXT NOT NULL,
                    reference TEXT,
                    recorded_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX payments_by_order ON payments (order_number)",
                """
                CREATE TABLE idempotency_keys (
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status BIGINT NOT NULL,
                    body TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (scope, key)
                )
                """,
                "CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)",
            ])
    ]
}
