/// The OpenAPI 3.1 description of the HTTP API, served at `GET /openapi.json`. The
/// tests check it against the router (every route documented, nothing documented
/// that is not routed) and check real responses against its schemas.
public enum OpenAPIDocument {
    public static let json = #"""
        {
          "components": {
            "parameters": {
              "Cursor": {
                "description": "next_cursor of the previous page",
                "in": "query",
                "name": "cursor",
                "required": false,
                "schema": {
                  "type": "string"
                }
              },
              "IdempotencyKey": {
                "description": "1–255 printable characters. The same key and body replay the first response; another body gets 422 idempotency-key-reused. While the first request with a key is still being handled (by this or another server), a duplicate gets 409 idempotency-request-in-progress with Retry-After (seconds); retrying then replays the first response.",
                "in": "header",
                "name": "Idempotency-Key",
                "required": false,
                "schema": {
                  "maxLength": 255,
                  "minLength": 1,
                  "type": "string"
                }
              },
              "Limit": {
                "in": "query",
                "name": "limit",
                "required": false,
                "schema": {
                  "default": 50,
                  "maximum": 200,
                  "minimum": 1,
                  "type": "integer"
                }
              },
              "OrderNumber": {
                "in": "path",
                "name": "number",
                "required": true,
                "schema": {
                  "pattern": "^[0-9]{16}$",
                  "type": "string"
                }
              }
            },
            "responses": {
              "Problem": {
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                },
                "description": "A problem (RFC 9457)"
              }
            },
            "schemas": {
              "AuditList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/AuditRecord"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              },
              "AuditRecord": {
                "additionalProperties": false,
                "properties": {
                  "action": {
                    "type": "string"
                  },
                  "actor": {
                    "type": "string"
                  },
                  "actor_kind": {
                    "enum": [
                      "user",
                      "api_key",
                      "cli",
                      "system"
                    ],
                    "type": "string"
                  },
                  "at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "hash": {
                    "type": "string"
                  },
                  "ip": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "request_id": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "role": {
                    "type": "string"
                  },
                  "seq": {
                    "type": "integer"
                  },
                  "summary": {
                    "type": "object"
                  },
                  "target": {
                    "type": "string"
                  }
                },
                "required": [
                  "seq",
                  "at",
                  "actor",
                  "actor_kind",
                  "role",
                  "action",
                  "target",
                  "summary",
                  "hash"
                ],
                "type": "object"
              },
              "CreateShipment": {
                "additionalProperties": false,
                "properties": {
                  "carrier": {
                    "maxLength": 32,
                    "type": "string"
                  },
                  "tracking_number": {
                    "pattern": "^[A-Za-z0-9-]{4,64}$",
                    "type": "string"
                  }
                },
                "required": [
                  "carrier",
                  "tracking_number"
                ],
                "type": "object"
              },
              "Customer": {
                "additionalProperties": false,
                "properties": {
                  "email": {
                    "format": "email",
                    "type": "string"
                  },
                  "id": {
                    "maxLength": 64,
                    "type": "string"
                  },
                  "name": {
                    "maxLength": 100,
                    "type": "string"
                  },
                  "phone": {
                    "description": "Mainland mobile (11 digits) or E.164.",
                    "type": "string"
                  }
                },
                "required": [
                  "name"
                ],
                "type": "object"
              },
              "EditOrder": {
                "additionalProperties": false,
                "properties": {
                  "expected_version": {
                    "minimum": 1,
                    "type": "integer"
                  },
                  "lines": {
                    "items": {
                      "$ref": "#/components/schemas/LineRequest"
                    },
                    "maxItems": 100,
                    "minItems": 1,
                    "type": "array"
                  }
                },
                "required": [
                  "lines",
                  "expected_version"
                ],
                "type": "object"
              },
              "Empty": {
                "additionalProperties": false,
                "properties": {},
                "required": [],
                "type": "object"
              },
              "ExceptionList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/ExceptionRecord"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              },
              "ExceptionRecord": {
                "additionalProperties": false,
                "properties": {
                  "at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "error": {
                    "type": "string"
                  },
                  "method": {
                    "type": "string"
                  },
                  "path": {
                    "type": "string"
                  },
                  "principal": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "request_id": {
                    "type": "string"
                  }
                },
                "required": [
                  "request_id",
                  "at",
                  "method",
                  "path",
                  "error"
                ],
                "type": "object"
              },
              "LineRequest": {
                "additionalProperties": false,
                "properties": {
                  "quantity": {
                    "maximum": 9999,
                    "minimum": 1,
                    "type": "integer"
                  },
                  "sku": {
                    "type": "string"
                  }
                },
                "required": [
                  "sku",
                  "quantity"
                ],
                "type": "object"
              },
              "LoginAttempt": {
                "additionalProperties": false,
                "properties": {
                  "at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "ip": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "outcome": {
                    "enum": [
                      "success",
                      "failure",
                      "refused"
                    ],
                    "type": "string"
                  },
                  "reason": {
                    "type": "string"
                  },
                  "user_agent": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "username": {
                    "type": "string"
                  }
                },
                "required": [
                  "at",
                  "username",
                  "outcome",
                  "reason"
                ],
                "type": "object"
              },
              "LoginAttemptList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/LoginAttempt"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              },
              "Money": {
                "additionalProperties": false,
                "properties": {
                  "amount": {
                    "description": "Minor units (fen for CNY).",
                    "type": "integer"
                  },
                  "currency": {
                    "pattern": "^[A-Z]{3}$",
                    "type": "string"
                  }
                },
                "required": [
                  "amount",
                  "currency"
                ],
                "type": "object"
              },
              "MovementList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/StockMovement"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              },
              "Order": {
                "additionalProperties": false,
                "properties": {
                  "cancel_reason": {
                    "type": "string"
                  },
                  "cancelled_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "channel": {
                    "type": "string"
                  },
                  "completed_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "created_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "customer": {
                    "$ref": "#/components/schemas/Customer"
                  },
                  "delivered_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "edit_count": {
                    "type": "integer"
                  },
                  "fulfillment_status": {
                    "enum": [
                      "unfulfilled",
                      "shipped",
                      "delivered"
                    ],
                    "type": "string"
                  },
                  "lines": {
                    "items": {
                      "$ref": "#/components/schemas/OrderLine"
                    },
                    "type": "array"
                  },
                  "note": {
                    "type": "string"
                  },
                  "number": {
                    "pattern": "^[0-9]{16}$",
                    "type": "string"
                  },
                  "payment_due_at": {
                    "description": "Present while the order waits for payment.",
                    "format": "date-time",
                    "type": "string"
                  },
                  "payment_method": {
                    "type": "string"
                  },
                  "payment_status": {
                    "enum": [
                      "unpaid",
                      "paid",
                      "partially_refunded",
                      "refunded"
                    ],
                    "type": "string"
                  },
                  "payments": {
                    "description": "On GET /v1/orders/{number} only.",
                    "items": {
                      "$ref": "#/components/schemas/PaymentRecord"
                    },
                    "type": "array"
                  },
                  "review_reasons": {
                    "items": {
                      "type": "string"
                    },
                    "type": "array"
                  },
                  "shipment": {
                    "$ref": "#/components/schemas/Shipment"
                  },
                  "shipping_address": {
                    "$ref": "#/components/schemas/ShippingAddress"
                  },
                  "status": {
                    "enum": [
                      "pending_review",
                      "pending_payment",
                      "paid",
                      "shipped",
                      "delivered",
                      "completed",
                      "cancelled"
                    ],
                    "type": "string"
                  },
                  "timeline": {
                    "description": "On GET /v1/orders/{number} only.",
                    "items": {
                      "$ref": "#/components/schemas/TimelineEvent"
                    },
                    "type": "array"
                  },
                  "totals": {
                    "$ref": "#/components/schemas/Totals"
                  },
                  "updated_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "version": {
                    "type": "integer"
                  },
                  "warehouse": {
                    "type": "string"
                  }
                },
                "required": [
                  "number",
                  "channel",
                  "status",
                  "payment_status",
                  "fulfillment_status",
                  "customer",
                  "shipping_address",
                  "lines",
                  "totals",
                  "payment_method",
                  "warehouse",
                  "review_reasons",
                  "created_at",
                  "updated_at",
                  "version",
                  "edit_count"
                ],
                "type": "object"
              },
              "OrderLine": {
                "additionalProperties": false,
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "quantity": {
                    "type": "integer"
                  },
                  "sku": {
                    "type": "string"
                  },
                  "total": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "unit_price": {
                    "$ref": "#/components/schemas/Money"
                  }
                },
                "required": [
                  "sku",
                  "name",
                  "quantity",
                  "unit_price",
                  "total"
                ],
                "type": "object"
              },
              "OrderList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/Order"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              },
              "OrderMessage": {
                "additionalProperties": false,
                "description": "An outbox message about an order. Delivered at least once and in order per order (by sequence, the order's version); consumers apply each once by id.",
                "properties": {
                  "aggregate": {
                    "description": "order:{number}",
                    "type": "string"
                  },
                  "created_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "id": {
                    "description": "order-{number}-v{version}: stable, the same on every delivery",
                    "type": "string"
                  },
                  "payload": {
                    "$ref": "#/components/schemas/OrderMessagePayload"
                  },
                  "sequence": {
                    "type": "integer"
                  },
                  "topic": {
                    "type": "string"
                  }
                },
                "required": [
                  "id",
                  "topic",
                  "aggregate",
                  "sequence",
                  "created_at",
                  "payload"
                ],
                "type": "object"
              },
              "OrderMessagePayload": {
                "additionalProperties": false,
                "properties": {
                  "at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "cancel_reason": {
                    "type": "string"
                  },
                  "carrier": {
                    "type": "string"
                  },
                  "channel": {
                    "type": "string"
                  },
                  "fulfillment_status": {
                    "type": "string"
                  },
                  "grand_total": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "number": {
                    "pattern": "^[0-9]{16}$",
                    "type": "string"
                  },
                  "payment_status": {
                    "type": "string"
                  },
                  "status": {
                    "enum": [
                      "pending_review",
                      "pending_payment",
                      "paid",
                      "shipped",
                      "delivered",
                      "completed",
                      "cancelled"
                    ],
                    "type": "string"
                  },
                  "tracking_number": {
                    "type": "string"
                  },
                  "version": {
                    "minimum": 1,
                    "type": "integer"
                  }
                },
                "required": [
                  "number",
                  "status",
                  "payment_status",
                  "fulfillment_status",
                  "channel",
                  "grand_total",
                  "version",
                  "at"
                ],
                "type": "object"
              },
              "PaymentRecord": {
                "additionalProperties": false,
                "properties": {
                  "amount": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "id": {
                    "type": "string"
                  },
                  "method": {
                    "type": "string"
                  },
                  "recorded_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "reference": {
                    "type": "string"
                  }
                },
                "required": [
                  "id",
                  "method",
                  "amount",
                  "recorded_at"
                ],
                "type": "object"
              },
              "PlaceOrder": {
                "additionalProperties": false,
                "properties": {
                  "channel": {
                    "pattern": "^[a-z0-9_-]{1,32}$",
                    "type": "string"
                  },
                  "customer": {
                    "$ref": "#/components/schemas/Customer"
                  },
                  "lines": {
                    "items": {
                      "$ref": "#/components/schemas/LineRequest"
                    },
                    "maxItems": 100,
                    "minItems": 1,
                    "type": "array"
                  },
                  "note": {
                    "maxLength": 500,
                    "type": "string"
                  },
                  "payment_method": {
                    "enum": [
                      "alipay",
                      "bank_transfer",
                      "balance",
                      "card",
                      "cash_on_delivery",
                      "wechat_pay"
                    ],
                    "type": "string"
                  },
                  "shipping_address": {
                    "$ref": "#/components/schemas/ShippingAddress"
                  }
                },
                "required": [
                  "channel",
                  "customer",
                  "shipping_address",
                  "lines",
                  "payment_method"
                ],
                "type": "object"
              },
              "Problem": {
                "properties": {
                  "detail": {
                    "type": "string"
                  },
                  "errors": {
                    "items": {
                      "additionalProperties": false,
                      "properties": {
                        "message": {
                          "type": "string"
                        },
                        "path": {
                          "type": "string"
                        }
                      },
                      "required": [
                        "path",
                        "message"
                      ],
                      "type": "object"
                    },
                    "type": "array"
                  },
                  "request_id": {
                    "type": "string"
                  },
                  "status": {
                    "type": "integer"
                  },
                  "title": {
                    "type": "string"
                  },
                  "type": {
                    "format": "uri",
                    "type": "string"
                  }
                },
                "required": [
                  "type",
                  "title",
                  "status",
                  "detail"
                ],
                "type": "object"
              },
              "Product": {
                "additionalProperties": false,
                "properties": {
                  "brand": {
                    "type": "string"
                  },
                  "category": {
                    "type": "string"
                  },
                  "name": {
                    "type": "string"
                  },
                  "price": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "sku": {
                    "pattern": "^[A-Za-z0-9._-]{1,64}$",
                    "type": "string"
                  },
                  "weight_grams": {
                    "minimum": 0,
                    "type": "integer"
                  }
                },
                "required": [
                  "sku",
                  "name",
                  "category",
                  "brand",
                  "price",
                  "weight_grams"
                ],
                "type": "object"
              },
              "ProductList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/Product"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              },
              "Reason": {
                "additionalProperties": false,
                "properties": {
                  "reason": {
                    "maxLength": 500,
                    "minLength": 1,
                    "type": "string"
                  }
                },
                "required": [
                  "reason"
                ],
                "type": "object"
              },
              "RecordPayment": {
                "additionalProperties": false,
                "properties": {
                  "amount": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "method": {
                    "type": "string"
                  },
                  "reference": {
                    "maxLength": 128,
                    "type": "string"
                  }
                },
                "required": [
                  "method",
                  "amount"
                ],
                "type": "object"
              },
              "SetStock": {
                "additionalProperties": false,
                "properties": {
                  "on_hand": {
                    "minimum": 0,
                    "type": "integer"
                  },
                  "reason": {
                    "maxLength": 200,
                    "minLength": 1,
                    "type": "string"
                  }
                },
                "required": [
                  "on_hand",
                  "reason"
                ],
                "type": "object"
              },
              "Shipment": {
                "additionalProperties": false,
                "properties": {
                  "carrier": {
                    "type": "string"
                  },
                  "shipped_at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "tracking_number": {
                    "type": "string"
                  }
                },
                "required": [
                  "carrier",
                  "tracking_number",
                  "shipped_at"
                ],
                "type": "object"
              },
              "ShippingAddress": {
                "additionalProperties": false,
                "properties": {
                  "city": {
                    "type": "string"
                  },
                  "district": {
                    "type": "string"
                  },
                  "phone": {
                    "type": "string"
                  },
                  "postal_code": {
                    "pattern": "^[0-9]{6}$",
                    "type": "string"
                  },
                  "province": {
                    "type": "string"
                  },
                  "recipient": {
                    "type": "string"
                  },
                  "street": {
                    "type": "string"
                  }
                },
                "required": [
                  "recipient",
                  "phone",
                  "province",
                  "city",
                  "district",
                  "street"
                ],
                "type": "object"
              },
              "StockLevel": {
                "additionalProperties": false,
                "properties": {
                  "available": {
                    "type": "integer"
                  },
                  "on_hand": {
                    "type": "integer"
                  },
                  "reserved": {
                    "type": "integer"
                  },
                  "sku": {
                    "type": "string"
                  },
                  "warehouse": {
                    "type": "string"
                  }
                },
                "required": [
                  "warehouse",
                  "sku",
                  "on_hand",
                  "reserved",
                  "available"
                ],
                "type": "object"
              },
              "StockList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/StockLevel"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              },
              "StockMovement": {
                "additionalProperties": false,
                "properties": {
                  "at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "delta": {
                    "type": "integer"
                  },
                  "id": {
                    "type": "string"
                  },
                  "reason": {
                    "type": "string"
                  },
                  "reference": {
                    "type": "string"
                  }
                },
                "required": [
                  "id",
                  "delta",
                  "reason",
                  "at"
                ],
                "type": "object"
              },
              "TimelineEvent": {
                "additionalProperties": false,
                "properties": {
                  "actor": {
                    "type": "string"
                  },
                  "at": {
                    "format": "date-time",
                    "type": "string"
                  },
                  "details": {
                    "type": "object"
                  },
                  "type": {
                    "type": "string"
                  }
                },
                "required": [
                  "type",
                  "at",
                  "actor",
                  "details"
                ],
                "type": "object"
              },
              "Totals": {
                "additionalProperties": false,
                "properties": {
                  "discount": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "grand_total": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "shipping": {
                    "$ref": "#/components/schemas/Money"
                  },
                  "subtotal": {
                    "$ref": "#/components/schemas/Money"
                  }
                },
                "required": [
                  "subtotal",
                  "shipping",
                  "discount",
                  "grand_total"
                ],
                "type": "object"
              },
              "Warehouse": {
                "additionalProperties": false,
                "properties": {
                  "city": {
                    "type": "string"
                  },
                  "code": {
                    "pattern": "^[A-Za-z0-9_-]{1,32}$",
                    "type": "string"
                  },
                  "name": {
                    "type": "string"
                  },
                  "province": {
                    "type": "string"
                  }
                },
                "required": [
                  "code",
                  "name",
                  "province",
                  "city"
                ],
                "type": "object"
              },
              "WarehouseList": {
                "additionalProperties": false,
                "properties": {
                  "data": {
                    "items": {
                      "$ref": "#/components/schemas/Warehouse"
                    },
                    "type": "array"
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                },
                "required": [
                  "data",
                  "next_cursor"
                ],
                "type": "object"
              }
            },
            "securitySchemes": {
              "apiKey": {
                "description": "An API key from `orderly apikey create`: `Authorization: Bearer ok_…`. Its scopes decide what it may do.",
                "scheme": "bearer",
                "type": "http"
              },
              "session": {
                "description": "The console's session cookie. Requests other than GET must also send the session's CSRF token in `X-CSRF-Token`.",
                "in": "cookie",
                "name": "orderly_session",
                "type": "apiKey"
              }
            }
          },
          "info": {
            "description": "Order management for e-commerce. Money is integer minor units with an ISO 4217 currency; times are RFC 3339 UTC; errors are application/problem+json (RFC 9457). Unknown request fields are rejected. Every /v1 route needs an API key (Authorization: Bearer) or the console's session cookie; x-permission names the permission it needs (docs/PERMISSIONS.md).",
            "title": "Orderly API",
            "version": "1.0.0"
          },
          "openapi": "3.1.0",
          "paths": {
            "/health": {
              "get": {
                "operationId": "health",
                "responses": {
                  "200": {
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    },
                    "description": "ok"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "summary": "Liveness"
              }
            },
            "/metrics": {
              "get": {
                "operationId": "metrics",
                "responses": {
                  "200": {
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    },
                    "description": "Prometheus text"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "summary": "Prometheus metrics"
              }
            },
            "/openapi.json": {
              "get": {
                "operationId": "openapi",
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    },
                    "description": "OpenAPI 3.1"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "summary": "This document"
              }
            },
            "/v1/audit-log": {
              "get": {
                "operationId": "listAuditLog",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  },
                  {
                    "description": "from this time (RFC 3339)",
                    "in": "query",
                    "name": "from",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  },
                  {
                    "description": "before this time (RFC 3339)",
                    "in": "query",
                    "name": "to",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  },
                  {
                    "description": "only this action, e.g. order.ship",
                    "in": "query",
                    "name": "action",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "description": "only this actor's name",
                    "in": "query",
                    "name": "actor",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/AuditList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "The audit log, newest first",
                "x-permission": "audit.read"
              }
            },
            "/v1/exceptions": {
              "get": {
                "operationId": "listExceptions",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  },
                  {
                    "description": "from this time (RFC 3339)",
                    "in": "query",
                    "name": "from",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  },
                  {
                    "description": "before this time (RFC 3339)",
                    "in": "query",
                    "name": "to",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ExceptionList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Unexpected server errors, newest first, with their request IDs",
                "x-permission": "logs.read"
              }
            },
            "/v1/login-log": {
              "get": {
                "operationId": "listLoginLog",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  },
                  {
                    "description": "from this time (RFC 3339)",
                    "in": "query",
                    "name": "from",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  },
                  {
                    "description": "before this time (RFC 3339)",
                    "in": "query",
                    "name": "to",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  },
                  {
                    "description": "success, failure or refused",
                    "in": "query",
                    "name": "outcome",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "description": "only this username",
                    "in": "query",
                    "name": "username",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/LoginAttemptList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Sign-in attempts, newest first",
                "x-permission": "logs.read"
              }
            },
            "/v1/orders": {
              "get": {
                "operationId": "searchOrders",
                "parameters": [
                  {
                    "description": "An order number, a phone number (exact), a recipient's name (exact), or part of a product's name or its SKU; newest first",
                    "in": "query",
                    "name": "q",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "description": "Order status",
                    "in": "query",
                    "name": "status",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "description": "Sales channel",
                    "in": "query",
                    "name": "channel",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "description": "Inclusive lower bound",
                    "in": "query",
                    "name": "created_from",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  },
                  {
                    "description": "Exclusive upper bound",
                    "in": "query",
                    "name": "created_to",
                    "required": false,
                    "schema": {
                      "format": "date-time",
                      "type": "string"
                    }
                  },
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/OrderList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Search orders, newest first",
                "x-permission": "orders.read"
              },
              "post": {
                "operationId": "placeOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PlaceOrder"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "201": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "Created"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Place an order",
                "x-permission": "orders.place"
              }
            },
            "/v1/orders/{number}": {
              "get": {
                "operationId": "getOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "An order with its timeline and payments",
                "x-permission": "orders.read"
              },
              "patch": {
                "operationId": "editOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/EditOrder"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Edit the lines of an unpaid order",
                "x-permission": "orders.edit"
              }
            },
            "/v1/orders/{number}/approve": {
              "post": {
                "operationId": "approveOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Empty"
                      }
                    }
                  },
                  "required": false
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Approve an order held for review",
                "x-permission": "orders.review"
              }
            },
            "/v1/orders/{number}/cancel": {
              "post": {
                "operationId": "cancelOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Reason"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Cancel an unpaid order, releasing its stock",
                "x-permission": "orders.cancel"
              }
            },
            "/v1/orders/{number}/complete": {
              "post": {
                "operationId": "completeOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Empty"
                      }
                    }
                  },
                  "required": false
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Complete a delivered order",
                "x-permission": "orders.deliver"
              }
            },
            "/v1/orders/{number}/deliver": {
              "post": {
                "operationId": "deliverOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Empty"
                      }
                    }
                  },
                  "required": false
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Mark a shipped order delivered",
                "x-permission": "orders.deliver"
              }
            },
            "/v1/orders/{number}/payments": {
              "post": {
                "operationId": "recordPayment",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/RecordPayment"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Record a payment of the full amount due",
                "x-permission": "payments.record"
              }
            },
            "/v1/orders/{number}/reject": {
              "post": {
                "operationId": "rejectOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Reason"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Reject an order held for review (cancels it)",
                "x-permission": "orders.review"
              }
            },
            "/v1/orders/{number}/shipments": {
              "post": {
                "operationId": "shipOrder",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/OrderNumber"
                  },
                  {
                    "$ref": "#/components/parameters/IdempotencyKey"
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/CreateShipment"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Order"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Ship a paid order",
                "x-permission": "orders.ship"
              }
            },
            "/v1/products": {
              "get": {
                "operationId": "listProducts",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ProductList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "List products by SKU",
                "x-permission": "catalogue.read"
              },
              "post": {
                "operationId": "createProduct",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Product"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "201": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Product"
                        }
                      }
                    },
                    "description": "Created"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Create a product",
                "x-permission": "catalogue.write"
              }
            },
            "/v1/products/{sku}": {
              "get": {
                "operationId": "getProduct",
                "parameters": [
                  {
                    "in": "path",
                    "name": "sku",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Product"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "A product",
                "x-permission": "catalogue.read"
              }
            },
            "/v1/stock": {
              "get": {
                "operationId": "listStock",
                "parameters": [
                  {
                    "description": "SKU",
                    "in": "query",
                    "name": "sku",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "description": "Warehouse code",
                    "in": "query",
                    "name": "warehouse",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/StockList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Stock levels per SKU and warehouse",
                "x-permission": "stock.read"
              }
            },
            "/v1/stock/{warehouse}/{sku}": {
              "put": {
                "operationId": "setStock",
                "parameters": [
                  {
                    "in": "path",
                    "name": "warehouse",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "in": "path",
                    "name": "sku",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SetStock"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/StockLevel"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Set on-hand stock; the difference is recorded as a movement",
                "x-permission": "stock.write"
              }
            },
            "/v1/stock/{warehouse}/{sku}/movements": {
              "get": {
                "operationId": "listMovements",
                "parameters": [
                  {
                    "in": "path",
                    "name": "warehouse",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "in": "path",
                    "name": "sku",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "$ref": "#/components/parameters/Limit"
                  }
                ],
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/MovementList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Stock movements, newest first",
                "x-permission": "stock.read"
              }
            },
            "/v1/warehouses": {
              "get": {
                "operationId": "listWarehouses",
                "responses": {
                  "200": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/WarehouseList"
                        }
                      }
                    },
                    "description": "OK"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "List warehouses",
                "x-permission": "catalogue.read"
              },
              "post": {
                "operationId": "createWarehouse",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Warehouse"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "201": {
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Warehouse"
                        }
                      }
                    },
                    "description": "Created"
                  },
                  "400": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "401": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "403": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "404": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "409": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "413": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "422": {
                    "$ref": "#/components/responses/Problem"
                  },
                  "500": {
                    "$ref": "#/components/responses/Problem"
                  }
                },
                "security": [
                  {
                    "apiKey": []
                  },
                  {
                    "session": []
                  }
                ],
                "summary": "Create a warehouse",
                "x-permission": "catalogue.write"
              }
            }
          },
          "webhooks": {
            "order.cancelled": {
              "post": {
                "operationId": "webhook_order_cancelled",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/OrderMessage"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "description": "Received; any 2xx counts as delivered, anything else is retried with backoff"
                  }
                },
                "summary": "An order was cancelled, rejected or expired"
              }
            },
            "order.completed": {
              "post": {
                "operationId": "webhook_order_completed",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/OrderMessage"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "description": "Received; any 2xx counts as delivered, anything else is retried with backoff"
                  }
                },
                "summary": "An order was completed"
              }
            },
            "order.delivered": {
              "post": {
                "operationId": "webhook_order_delivered",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/OrderMessage"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "description": "Received; any 2xx counts as delivered, anything else is retried with backoff"
                  }
                },
                "summary": "An order was delivered"
              }
            },
            "order.paid": {
              "post": {
                "operationId": "webhook_order_paid",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/OrderMessage"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "description": "Received; any 2xx counts as delivered, anything else is retried with backoff"
                  }
                },
                "summary": "An order's payment was captured"
              }
            },
            "order.placed": {
              "post": {
                "operationId": "webhook_order_placed",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/OrderMessage"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "description": "Received; any 2xx counts as delivered, anything else is retried with backoff"
                  }
                },
                "summary": "An order was placed (held for review or awaiting payment)"
              }
            },
            "order.shipped": {
              "post": {
                "operationId": "webhook_order_shipped",
                "requestBody": {
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/OrderMessage"
                      }
                    }
                  },
                  "required": true
                },
                "responses": {
                  "200": {
                    "description": "Received; any 2xx counts as delivered, anything else is retried with backoff"
                  }
                },
                "summary": "An order left the warehouse"
              }
            }
          }
        }
        """#
}
