import OrderlyCore

/// A versioned schema change. Versions only ever grow; an applied migration is never
/// edited, a new one is added instead.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: [String]
    /// What SQLite runs instead of `statements`, where it can do better than the
    /// SQL both accept (a table clustered on its key, `WITHOUT ROWID`).
    var sqliteStatements: [String]? = nil

    func statements(for dialect: SQLDialect) -> [String] {
        dialect == .sqlite ? sqliteStatements ?? statements : statements
    }
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
            ]),
        Migration(
            version: 2, name: "operators and logs",
            statements: [
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    disabled BIGINT NOT NULL CHECK (disabled IN (0, 1)),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE sessions (
                    token_digest TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users (id),
                    csrf_token TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL,
                    ip TEXT,
                    user_agent TEXT
                )
                """,
                "CREATE INDEX sessions_by_user ON sessions (user_id)",
                """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    secret_digest TEXT NOT NULL UNIQUE,
                    scopes TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    created_by TEXT NOT NULL,
                    expires_at BIGINT,
                    revoked_at BIGINT
                )
                """,
                """
                CREATE TABLE login_log (
                    id TEXT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    username TEXT NOT NULL,
                    user_id TEXT,
                    ip TEXT,
                    user_agent TEXT,
                    outcome TEXT NOT NULL,
                    reason TEXT NOT NULL
                )
                """,
                "CREATE INDEX login_log_by_time ON login_log (at, id)",
                "CREATE INDEX login_log_by_username ON login_log (username, at)",
                "CREATE INDEX login_log_by_ip ON login_log (ip, at)",
                """
                CREATE TABLE audit_log (
                    seq BIGINT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    actor_kind TEXT NOT NULL,
                    actor_id TEXT NOT NULL,
                    actor_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    ip TEXT,
                    request_id TEXT,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_log_by_action ON audit_log (action, seq)",
                "CREATE INDEX audit_log_by_actor ON audit_log (actor_name, seq)",
                "CREATE INDEX audit_log_by_target ON audit_log (target, seq)",
                // The chain's last link, so removing rows from the end is noticed too.
                """
                CREATE TABLE audit_head (
                    id BIGINT PRIMARY KEY CHECK (id = 1),
                    seq BIGINT NOT NULL,
                    hash TEXT NOT NULL
                )
                """,
                "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\(AuditChain.genesisHash)')",
                """
                CREATE TABLE exception_log (
                    request_id TEXT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    principal TEXT,
                    error TEXT NOT NULL
                )
                """,
                "CREATE INDEX exception_log_by_time ON exception_log (at, request_id)",
            ]),
        Migration(
            version: 3, name: "search by product",
            statements: [
                // Covers "which orders have this SKU" without reading the lines themselves.
                "CREATE INDEX order_lines_by_sku_order ON order_lines (sku, order_number)",
                "DROP INDEX order_lines_by_sku",
                // A search by recipient or phone returns the newest matches first; with the
                // date in the index no sort is needed, and PostgreSQL no longer prefers
                // walking every order by date to find a name it thinks is common.
                "CREATE INDEX orders_by_recipient_newest ON orders (recipient, created_at, number)",
                "DROP INDEX orders_by_recipient",
                "CREATE INDEX orders_by_recipient_phone_newest ON orders (recipient_phone, created_at, number)",
                "DROP INDEX orders_by_recipient_phone",
            ]),
        Migration(
            version: 4, name: "outbox and jobs",
            statements: [
                // Messages written with the change they announce; the relay hands them on.
                """
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY,
                    topic TEXT NOT NULL,
                    aggregate TEXT NOT NULL,
                    sequence BIGINT NOT NULL,
                    payload TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    status TEXT NOT NULL,
                    attempts BIGINT NOT NULL,
                    next_attempt_at BIGINT NOT NULL,
                    last_error TEXT,
                    delivered_at BIGINT
                )
                """,
                "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
                // Two indexes only: every order writes a row here, and each index is
                // a cost on the hot path. The console's list by status sorts what the
                // first one finds.
                "CREATE INDEX outbox_by_aggregate ON outbox (aggregate, sequence)",
                // One row per periodic job: who holds it, and how its runs went.
                """
                CREATE TABLE job_runs (
                    name TEXT PRIMARY KEY,
                    owner TEXT,
                    lease_until BIGINT NOT NULL,
                    last_started_at BIGINT,
                    last_finished_at BIGINT,
                    last_duration_ms BIGINT,
                    last_outcome TEXT,
                    last_error TEXT,
                    runs BIGINT NOT NULL,
                    failures BIGINT NOT NULL
                )
                """,
            ]),
        Migration(
            version: 5, name: "outbox keyed by aggregate",
            // Every order writes an outbox row in its commit, and every index of the
            // table is one more page that commit writes. Keyed by (aggregate,
            // sequence), which the message ID names, the table needs one index: the
            // pending messages by when they are due. Delivered ones leave it.
            statements: outboxByAggregate(clustered: false),
            sqliteStatements: outboxByAggregate(clustered: true)),
        Migration(
            version: 6, name: "payments by time",
            // The dashboard's money received today; payments are written far less
            // often than orders, so the index costs little.
            statements: ["CREATE INDEX payments_by_time ON payments (recorded_at)"]),
        Migration(
            version: 7, name: "order search by what operators type",
            // The last four digits of the phone (expression indexes both databases
            // read the same way), the waybill number once shipped, the customer's
            // e-mail in lower case and ID: each an equality an index answers.
            statements: [
                """
                CREATE INDEX orders_by_phone_tail ON orders \
                (substr(recipient_phone, length(recipient_phone) - 3), created_at, number)
                """,
                "CREATE INDEX orders_by_tracking_number ON orders (tracking_number) WHERE tracking_number IS NOT NULL",
                "CREATE INDEX orders_by_customer_email ON orders (lower(customer_email))",
                "CREATE INDEX orders_by_customer_id ON orders (customer_id) WHERE customer_id IS NOT NULL",
            ]),
        Migration(
            version: 8, name: "staff notes and flags",
            // Most orders carry no flag; a partial index holds only those that do, so
            // placing an order writes no entry to it.
            statements: [
                "ALTER TABLE orders ADD COLUMN staff_note TEXT",
                "ALTER TABLE orders ADD COLUMN flag TEXT",
                "CREATE INDEX orders_by_flag ON orders (flag, created_at, number) WHERE flag IS NOT NULL",
            ]),
        Migration(
            version: 9, name: "order search by part of a name or number",
            // `OrderSearchTerms`: one row per term of an order, clustered on SQLite. On
            // PostgreSQL terms compare byte by byte (`COLLATE "C"`), so a range of
            // number tails is the same range under any database locale.
            statements: orderTerms(
                termType: "TEXT COLLATE \"C\"", clustered: false,
                fold: {
                    "translate(\($0), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' || ' ' || chr(12288) || chr(9) || chr(10) || chr(13), "
                        + "'abcdefghijklmnopqrstuvwxyz')"
                }) + [dropRecipientIndex],
            sqliteStatements: orderTerms(
                termType: "TEXT", clustered: true,
                fold: { text in
                    // SQLite's lower() changes ASCII letters only, as the fold does.
                    ["' '", "char(12288)", "char(9)", "char(10)", "char(13)"].reduce("lower(\(text))") {
                        "replace(\($0), \($1), '')"
                    }
                }) + [dropRecipientIndex]),
        Migration(
            version: 10, name: "disabled products",
            // When the product was disabled (停用); null while it is sold.
            statements: ["ALTER TABLE products ADD COLUMN disabled_at BIGINT"]),
        Migration(
            version: 11, name: "operators pinned to warehouses",
            // The warehouse codes an operator works with, comma-separated; null for all.
            statements: ["ALTER TABLE users ADD COLUMN warehouses TEXT"]),
        Migration(
            version: 12, name: "payment ledger",
            // Payments become the ledger: money received (capture) and given back
            // (refund), amounts always positive. Every row so far was money received.
            statements: ["ALTER TABLE payments ADD COLUMN kind TEXT NOT NULL DEFAULT 'capture'"]),
        Migration(
            version: 13, name: "refunds",
            statements: [
                // A refund entry names the refund it pays out and the capture the money
                // goes back through.
                "ALTER TABLE payments ADD COLUMN refund_id TEXT",
                "ALTER TABLE payments ADD COLUMN capture_id TEXT",
                // Lines and allocations are JSON: always read and written whole with their refund.
                """
                CREATE TABLE refunds (
                    id TEXT PRIMARY KEY,
                    order_number TEXT NOT NULL REFERENCES orders (number),
                    status TEXT NOT NULL,
                    amount BIGINT NOT NULL CHECK (amount > 0),
                    currency TEXT NOT NULL,
                    shipping BIGINT NOT NULL,
                    lines TEXT NOT NULL,
                    allocations TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    requested_by TEXT NOT NULL,
                    requested_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    decided_by TEXT,
                    decision_note TEXT,
                    reference TEXT,
                    failure_reason TEXT,
                    settled_method TEXT,
                    version BIGINT NOT NULL
                )
                """,
                "CREATE INDEX refunds_by_order ON refunds (order_number)",
                // Finance's queues by status, and every refund newest first.
                "CREATE INDEX refunds_by_status ON refunds (status, requested_at, id)",
                "CREATE INDEX refunds_by_time ON refunds (requested_at, id)",
            ]),
        Migration(
            version: 14, name: "orders by a rare payment status",
            // Finance's lists of part-paid and refunded orders. Partial, so a placed
            // (unpaid) or paid order writes no entry: placement pays nothing for it.
            statements: [
                "CREATE INDEX orders_by_rare_payment_status ON orders (payment_status, created_at, number) "
                    + "WHERE \(rarePaymentStatusCondition)"
            ]),
    ]

    /// The payment statuses few orders have, indexed apart (migration 14).
    static let rarePaymentStatuses: Set<PaymentStatus> = [.partiallyPaid, .partiallyRefunded, .refunded]
    static let rarePaymentStatusCondition =
        "payment_status IN ('partially_paid', 'partially_refunded', 'refunded')"

    /// A search by name reads the terms now, and a placement writes one index less.
    private static let dropRecipientIndex = "DROP INDEX orders_by_recipient_newest"

    /// The terms table, and the terms of the orders already stored as
    /// `OrderSearchTerms.terms(of:)` makes them, in SQL. `fold` is the dialect's SQL
    /// for `OrderSearchTerms.fold`.
    private static func orderTerms(termType: String, clustered: Bool, fold: (String) -> String) -> [String] {
        // Longer than any name or staff note.
        let longestText = 600
        let reversedNumber = (1...OrderNumber.length).reversed().map { "substr(number, \($0), 1)" }
            .joined(separator: " || ")
        return [
            """
            CREATE TABLE order_terms (
                term \(termType) NOT NULL,
                created_at BIGINT NOT NULL,
                number TEXT NOT NULL,
                PRIMARY KEY (term, created_at, number)
            )\(clustered ? " WITHOUT ROWID" : "")
            """,
            """
            WITH RECURSIVE positions (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM positions WHERE i < \(longestText)), \
            texts (folded, created_at, number) AS ( \
            SELECT \(fold("recipient")), created_at, number FROM orders \
            UNION SELECT \(fold("customer_name")), created_at, number FROM orders \
            UNION SELECT \(fold("staff_note")), created_at, number FROM orders WHERE staff_note IS NOT NULL) \
            INSERT INTO order_terms (term, created_at, number) \
            SELECT substr(folded, i, 1), created_at, number FROM texts JOIN positions ON i <= length(folded) \
            UNION SELECT substr(folded, i, 2), created_at, number FROM texts JOIN positions ON i < length(folded) \
            UNION SELECT '\(OrderSearchTerms.numberMark)' || \(reversedNumber), created_at, number FROM orders
            """,
        ]
    }

    private static func outboxByAggregate(clustered: Bool) -> [String] {
        [
            """
            CREATE TABLE outbox_v5 (
                aggregate TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                topic TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                last_error TEXT,
                delivered_at BIGINT,
                PRIMARY KEY (aggregate, sequence)
            )\(clustered ? " WITHOUT ROWID" : "")
            """,
            """
            INSERT INTO outbox_v5 (aggregate, sequence, topic, payload, created_at, status, attempts, \
            next_attempt_at, last_error, delivered_at) \
            SELECT aggregate, sequence, topic, payload, created_at, status, attempts, next_attempt_at, last_error, \
            delivered_at FROM outbox
            """,
            "DROP TABLE outbox",
            "ALTER TABLE outbox_v5 RENAME TO outbox",
            "CREATE INDEX outbox_pending_due ON outbox (next_attempt_at) WHERE status = 'pending'",
            // Set-aside messages are few and written rarely; the console lists them.
            """
            CREATE INDEX outbox_set_aside ON outbox (status, aggregate, sequence) \
            WHERE status IN ('dead', 'discarded')
            """,
        ]
    }
}
