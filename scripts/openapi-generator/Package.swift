// swift-tools-version:6.0
// The OpenAPI generator as a command, so `scripts/generate-api` can run it without
// the build plugin (which would regenerate on every build of a 2-core machine).
import PackageDescription

let package = Package(
    name: "OrderlyOpenAPIGenerator",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3")
    ]
)
